package application

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzMIME feeds arbitrary messages, seeded with the real e-mail fixtures,
// through everything ingestion does before submitting: the header (routing,
// threading, loop checks, reply address) and the MIME walk (multiparts,
// forwarded messages, encodings, zip attachments). It must never panic
// and must keep its bounds whatever the input.
func FuzzMIME(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "mail", "*.eml"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no e-mail fixtures: %v", err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	const limit = 64 << 10
	f.Fuzz(func(t *testing.T, raw []byte) {
		env := readEnvelope(raw)
		risk := env.loopRisk("extratos@bankflow.com.br")
		to := env.replyAddress("extratos@bankflow.com.br")
		if risk == "" && to != "" && addressRisk(to, "extratos@bankflow.com.br") != "" {
			t.Fatalf("reply address %q fails the loop checks", to)
		}
		c := env.content(limit)
		if len(c.Statements) > maxStatements {
			t.Fatalf("%d statements, bound is %d", len(c.Statements), maxStatements)
		}
		for _, a := range c.Statements {
			if len(a.Data) > limit {
				t.Fatalf("statement %q of %d bytes passed the %d limit", a.Filename, len(a.Data), limit)
			}
			if a.Filename == "" || strings.ContainsAny(a.Filename, "/\\") {
				t.Fatalf("unsafe statement name %q", a.Filename)
			}
		}
		for _, r := range c.Refused {
			if r.Filename == "" || r.Error == "" {
				t.Fatalf("refused file without name or reason: %+v", r)
			}
		}
	})
}
