package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/export"
	"github.com/bankflow/bankflow/domain"
	"github.com/xuri/excelize/v2"
)

const samples = "../../../shared/samples"

// binary is the bankflow executable built once for these tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bankflow-cli-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "bankflow")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build bankflow: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

func bankflow(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run bankflow: %v", err)
	}
	return result{code, out.String(), errOut.String()}
}

// copySample copies a sample into dir and returns its new path.
func copySample(t *testing.T, dir, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samples, rel))
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, filepath.Base(rel), data)
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func abs(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(samples, rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConvertJSONToStdout(t *testing.T) {
	cases := []struct {
		sample       string
		statements   int
		bank         string
		transactions int // of the first statement; -1 for "some"
	}{
		{"itau/statementparser_itau-conta-corrente.ofx", 1, domain.BankItau, -1},
		{"nubank/statementparser_nubank-cartao-credito.ofx", 1, domain.BankNubank, -1},
		{"generic-ofx/ofxparse_multiple_accounts2.ofx", 2, "", 0},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.sample), func(t *testing.T) {
			r := bankflow(t, t.TempDir(), "convert", "--to", "json", abs(t, c.sample))
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			stmts, err := export.DecodeJSON(strings.NewReader(r.stdout))
			if err != nil {
				t.Fatalf("stdout is not the JSON contract: %v\n%s", err, r.stdout)
			}
			if len(stmts) != c.statements {
				t.Fatalf("%d statements, want %d", len(stmts), c.statements)
			}
			if c.statements > 1 && !strings.HasPrefix(strings.TrimSpace(r.stdout), "[") {
				t.Errorf("several statements should print an array")
			}
			if c.statements == 1 && !strings.HasPrefix(strings.TrimSpace(r.stdout), "{") {
				t.Errorf("one statement should print an object")
			}
			if c.bank != "" && stmts[0].Bank != c.bank {
				t.Errorf("bank %q, want %q", stmts[0].Bank, c.bank)
			}
			if n := len(stmts[0].Transactions); (c.transactions < 0 && n == 0) || (c.transactions >= 0 && n != c.transactions) {
				t.Errorf("%d transactions, want %d (-1: some)", n, c.transactions)
			}
			if !strings.Contains(r.stderr, "lançamento(s)") {
				t.Errorf("stderr does not say what was read: %q", r.stderr)
			}
		})
	}
}

func TestConvertXLSXNextToInput(t *testing.T) {
	dir := t.TempDir()
	in := copySample(t, dir, "bradesco/statementparser_bradesco-conta-corrente.ofx")
	r := bankflow(t, dir, "convert", in)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	out := filepath.Join(dir, "statementparser_bradesco-conta-corrente.xlsx")
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatalf("no workbook next to the input: %v (stderr %s)", err, r.stderr)
	}
	defer f.Close()
	rows, err := f.GetRows(export.SheetTransactions)
	if err != nil || len(rows) < 2 {
		t.Errorf("workbook has %d transaction rows: %v", len(rows), err)
	}
	if r.stdout != "" {
		t.Errorf("xlsx should not go to stdout")
	}
	if !strings.Contains(r.stderr, out) {
		t.Errorf("stderr does not name the written file: %q", r.stderr)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestConvertSeveralIntoDirectory(t *testing.T) {
	dir := t.TempDir()
	a := copySample(t, dir, "itau/ofxsharp_itau.ofx")
	b := copySample(t, dir, "santander/ofxsharp_santander.ofx")
	outDir := filepath.Join(dir, "saida", "csv")
	r := bankflow(t, dir, "convert", "--to", "csv", "-o", outDir, a, b)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, name := range []string{"ofxsharp_itau.csv", "ofxsharp_santander.csv"} {
		data, err := os.ReadFile(filepath.Join(outDir, name))
		if err != nil {
			t.Fatalf("%s not written: %v", name, err)
		}
		if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBFData;Descrição;")) {
			t.Errorf("%s does not open like a Brazilian Excel CSV: %q", name, data[:min(40, len(data))])
		}
	}
}

func TestConvertOFXToFileAndFlagsAfterFiles(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "normalizado.ofx")
	r := bankflow(t, dir, "convert", abs(t, "bb/ofxsharp_bb.ofx"), "--to", "ofx", "-o", out, "--bank", "bb")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	again := bankflow(t, dir, "convert", "--to", "json", out)
	if again.code != 0 {
		t.Fatalf("our OFX does not convert back: %s", again.stderr)
	}
	orig := bankflow(t, dir, "convert", "--to", "json", abs(t, "bb/ofxsharp_bb.ofx"))
	a, _ := export.DecodeJSON(strings.NewReader(orig.stdout))
	b, _ := export.DecodeJSON(strings.NewReader(again.stdout))
	if len(a) != 1 || len(b) != 1 || len(a[0].Transactions) != len(b[0].Transactions) || a[0].Account != b[0].Account {
		t.Fatalf("round trip through the CLI differs: %d/%d statements", len(a), len(b))
	}
	for i := range a[0].Transactions {
		x, y := a[0].Transactions[i], b[0].Transactions[i]
		if x.Date != y.Date || x.Amount != y.Amount || x.Description != y.Description {
			t.Errorf("transaction %d: %v %v %q vs %v %v %q", i, x.Date, x.Amount, x.Description, y.Date, y.Amount, y.Description)
		}
	}
}

func TestConvertBadFilesFailWithReason(t *testing.T) {
	dir := t.TempDir()
	good := copySample(t, dir, "itau/ofxsharp_itau.ofx")
	cases := map[string][]byte{
		"vazio.ofx":    {},
		"foto.ofx":     {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0},
		"contrato.ofx": []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"),
		"texto.csv":    []byte("isto não é um extrato\nnada aqui\n"),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			bad := writeFile(t, dir, name, data)
			r := bankflow(t, dir, "convert", "--to", "csv", bad, good)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1: %s", r.code, r.stderr)
			}
			line := ""
			for _, l := range strings.Split(r.stderr, "\n") {
				if strings.Contains(l, name+":") {
					line = l
				}
			}
			if line == "" || strings.Contains(line, "internal") {
				t.Errorf("no pt-BR reason for %s on stderr: %q", name, r.stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "ofxsharp_itau.csv")); err != nil {
				t.Errorf("the good file was not converted: %v", err)
			}
			if _, err := os.Stat(strings.TrimSuffix(bad, filepath.Ext(bad)) + ".csv"); err == nil && name != "texto.csv" {
				t.Errorf("a failed file left an output")
			}
		})
	}
}

func TestConvertRefusesHugeAndMissingFiles(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "enorme.ofx")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(101 << 20); err != nil { // sparse: no 101 MB written
		t.Fatal(err)
	}
	f.Close()
	r := bankflow(t, dir, "convert", "--to", "json", huge)
	if r.code != 1 || !strings.Contains(r.stderr, "grande demais") {
		t.Errorf("huge file: exit %d, %q", r.code, r.stderr)
	}
	r = bankflow(t, dir, "convert", "--to", "json", filepath.Join(dir, "nao-existe.ofx"))
	if r.code != 1 || !strings.Contains(r.stderr, "não encontrado") {
		t.Errorf("missing file: exit %d, %q", r.code, r.stderr)
	}
}

func TestConvertNeverOverwritesInput(t *testing.T) {
	dir := t.TempDir()
	in := copySample(t, dir, "itau/ofxsharp_itau.ofx")
	before, _ := os.ReadFile(in)
	r := bankflow(t, dir, "convert", "--to", "ofx", in)
	if r.code != 1 || !strings.Contains(r.stderr, "próprio arquivo de entrada") {
		t.Errorf("exit %d, %q", r.code, r.stderr)
	}
	after, _ := os.ReadFile(in)
	if !bytes.Equal(before, after) {
		t.Errorf("the input file was changed")
	}
}

func TestUsageErrors(t *testing.T) {
	in := abs(t, "itau/ofxsharp_itau.ofx")
	cases := map[string][]string{
		"no command":     {},
		"unknown cmd":    {"frobnicate"},
		"no files":       {"convert", "--to", "json"},
		"unknown format": {"convert", "--to", "pdf", in},
		"unknown bank":   {"convert", "--bank", "banco-imaginario", in},
		"unknown flag":   {"convert", "--depressa", in},
		"stdout and two": {"convert", "-o", "-", in, in},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := bankflow(t, t.TempDir(), args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", r.code, r.stderr)
			}
			if r.stderr == "" {
				t.Errorf("no explanation on stderr")
			}
		})
	}
	if r := bankflow(t, t.TempDir(), "help"); r.code != 0 || !strings.Contains(r.stdout, "convert") {
		t.Errorf("help: exit %d %q", r.code, r.stdout)
	}
}
