package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// binPath is the bankflow binary built once by TestMain; repoRoot is the
// module root (samples and docs/screenshots are found from it).
var (
	binPath  string
	repoRoot string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	_, file, _, _ := runtime.Caller(0)
	repoRoot = filepath.Dir(filepath.Dir(file))
	tmp, err := os.MkdirTemp("", "bankflow-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	// BANKFLOW_E2E_BIN runs the tests against a binary built elsewhere.
	binPath = os.Getenv("BANKFLOW_E2E_BIN")
	if binPath == "" {
		binPath = filepath.Join(tmp, "bankflow")
		build := exec.Command("go", "build", "-o", binPath, "./cmd/bankflow")
		build.Dir = repoRoot
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: build bankflow:", err)
			return 1
		}
	}
	code := m.Run()
	closeBrowser()
	return code
}

// sample returns the path of a sample statement: ../shared/samples/<dir>/<name>
// beside the repository (as CI and this machine lay it out), else the copy
// kept in the parsers' testdata.
func sample(t testing.TB, dir, name string) string {
	t.Helper()
	candidates := []string{
		filepath.Join(repoRoot, "..", "shared", "samples", dir, name),
		filepath.Join(repoRoot, "adapters", "parsers", "ofx", "testdata", name),
		filepath.Join(repoRoot, "adapters", "parsers", "cnab240", "testdata", name),
	}
	for _, p := range candidates {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatalf("sample %s/%s not found in %v", dir, name, candidates)
	return ""
}

// statementSample is a real statement file and what BankFlow must find in it.
type statementSample struct {
	dir, name    string
	transactions int    // transactions BankFlow extracts
	bank         string // detected bank slug
	description  string // a description of one of its transactions
	balance      string // the balance check: balanced, mismatch or unknown
}

// The two samples every flow uploads: an OFX and a CNAB 240 return file.
var (
	ofxSample  = statementSample{dir: "bradesco", name: "statementparser_bradesco-conta-corrente.ofx", transactions: 10, bank: "bradesco", description: "Transfe Pix", balance: "unknown"}
	cnabSample = statementSample{dir: "cnab240", name: "conciliacao_itau.ret", transactions: 9, bank: "itau", description: "ANTONIO E VERA", balance: "mismatch"}
)

func (s statementSample) path(t testing.TB) string {
	t.Helper()
	return sample(t, s.dir, s.name)
}
