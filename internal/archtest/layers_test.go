// Package archtest checks that dependencies point inwards, as
// ARCHITECTURE.md and STYLE.md require.
package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/bankflow/bankflow"

type pkg struct {
	ImportPath string
	Imports    []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json", module+"/...")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(out)
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("go list: %v", err)
	}
	return pkgs
}

// layer returns the architectural layer of an import path of this module.
func layer(path string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
	parts := strings.Split(rel, "/")
	switch parts[0] {
	case "adapters":
		if len(parts) > 1 {
			return "adapters/" + parts[1]
		}
	case "domain", "application", "bootstrap", "cmd", "internal", "migrations", "templates", "static":
		return parts[0]
	}
	return rel
}

func TestDependenciesPointInwards(t *testing.T) {
	for _, p := range listPackages(t) {
		from := layer(p.ImportPath)
		for _, imp := range p.Imports {
			if strings.HasPrefix(from, "cmd") || from == "bootstrap" || from == "internal" {
				continue
			}
			if strings.HasPrefix(imp, "go.uber.org/fx") || strings.HasPrefix(imp, "go.uber.org/dig") {
				t.Errorf("%s imports %s: fx belongs in bootstrap/ and cmd/ only", p.ImportPath, imp)
			}
			if !strings.HasPrefix(imp, module) {
				if from == "domain" && strings.Contains(strings.Split(imp, "/")[0], ".") {
					t.Errorf("%s imports %s: domain may import the standard library only", p.ImportPath, imp)
				}
				continue
			}
			to := layer(imp)
			if !allowed(from, to) {
				t.Errorf("%s imports %s (%s → %s)", p.ImportPath, imp, from, to)
			}
		}
	}
}

func allowed(from, to string) bool {
	if from == to || to == "domain" || to == "migrations" || to == "templates" || to == "static" {
		return true
	}
	switch {
	case from == "domain":
		return false
	case from == "application":
		return false
	case from == "adapters/http" || from == "adapters/imap":
		return to == "application"
	case strings.HasPrefix(from, "adapters/"):
		return false
	}
	return true
}
