package ofx

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
	"golang.org/x/text/encoding/charmap"
)

// streamed reads a file through Stream over a shared sample, as the engine
// streams it, and collects the statements.
func streamed(t *testing.T, raw []byte) ([]domain.Statement, error) {
	t.Helper()
	var c domain.Collect
	err := New().Stream(context.Background(), source.NewSharedSample("f.ofx", "", raw), &c)
	for i := range c.Statements {
		c.Statements[i].FillPeriod()
	}
	return c.Statements, err
}

// Streaming (with values decoded one by one from Windows-1252) gives the
// statements Parse gives, on every sample, in UTF-8 and in Windows-1252.
func TestStreamMatchesParse(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.ofx")
	own, _ := filepath.Glob("testdata/own/*.ofx")
	inputs := map[string][]byte{"generated": generateOFX(300)}
	for _, f := range append(files, own...) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = raw
		if utf8.Valid(raw) {
			if enc, err := charmap.Windows1252.NewEncoder().Bytes(raw); err == nil && !utf8.Valid(enc) {
				inputs[f+"@cp1252"] = enc
			}
		}
	}
	for name, raw := range inputs {
		t.Run(name, func(t *testing.T) {
			want, wantErr := New().Parse(context.Background(), source.NewSample("f.ofx", "", raw))
			got, err := streamed(t, raw)
			if (err == nil) != (wantErr == nil) {
				t.Fatalf("stream error %v, parse error %v", err, wantErr)
			}
			if len(want) > 1 {
				// File-level warnings reach only the statements ended after
				// they were found; compare the rest.
				for i := range got {
					got[i].Warnings, want[i].Warnings = nil, nil
				}
			}
			for i := range want {
				if len(want[i].Transactions) == 0 {
					want[i].Transactions = nil
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("stream:\n%+v\nparse:\n%+v", got, want)
			}
		})
	}
}
