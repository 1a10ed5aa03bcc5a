package parsers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/bankflow/bankflow/domain"
)

// Streaming every test file of every parser into a Collect sink gives what
// Read gives: the same statements, balances, rows and reconciliation (and
// the same error for the files Read refuses).
func TestStreamMatchesRead(t *testing.T) {
	var files []string
	for _, pattern := range []string{"*/testdata/*", "*/testdata/own/*"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	if len(files) < 30 {
		t.Fatalf("only %d test files found", len(files))
	}
	e := Default()
	for _, f := range files {
		if info, err := os.Stat(f); err != nil || info.IsDir() || filepath.Ext(f) == ".md" || filepath.Ext(f) == ".json" {
			continue
		}
		t.Run(f, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sameAsRead(t, e, domain.Input{Name: filepath.Base(f), Data: raw})
		})
	}
}

// sameAsRead streams in into a Collect sink and compares with Read.
func sameAsRead(t *testing.T, e *Engine, in domain.Input) {
	t.Helper()
	ctx := context.Background()
	want, wantErr := e.Read(ctx, in)
	var c domain.Collect
	err := e.Stream(ctx, in, &c)
	if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
		t.Fatalf("stream error %v, read error %v", err, wantErr)
	}
	got := c.Statements
	if err != nil {
		return
	}
	for i := range want {
		if len(want[i].Transactions) == 0 {
			want[i].Transactions = nil
		}
		if len(want) > 1 {
			// File-level warnings reach the statements ended after they
			// were found.
			got[i].Warnings, want[i].Warnings = nil, nil
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stream:\n%+v\nread:\n%+v", got, want)
	}
}

// FuzzStream holds Stream (shared input, Windows-1252 OFX values decoded one
// by one, transactions handed on, incremental reconciliation) equal to Read
// on any input.
func FuzzStream(f *testing.F) {
	for _, pattern := range []string{"ofx/testdata/*.ofx", "ofx/testdata/own/*.ofx", "*/testdata/*.csv", "*/testdata/*.txt"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			raw, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(raw)
		}
	}
	f.Add([]byte("OFXHEADER:100\n<OFX><STMTTRN><DTPOSTED>20240102<TRNAMT>-1,5<MEMO>CART\xc3O \xa0</STMTTRN>"))
	e := Default()
	e.noRecover = true
	f.Fuzz(func(t *testing.T, raw []byte) {
		sameAsRead(t, e, domain.Input{Name: "fuzz", Data: raw})
	})
}

// failSink fails on the n-th transaction, as a full disk would.
type failSink struct {
	domain.Collect
	n int
}

var errDisk = errors.New("disk full")

func (f *failSink) Add(t domain.Transaction) error {
	if f.n--; f.n < 0 {
		return errDisk
	}
	return f.Collect.Add(t)
}

// A sink's error stops the reading and comes back as it was returned.
func TestStreamReturnsSinkError(t *testing.T) {
	for _, f := range []string{"ofx/testdata/ofxsharp_itau.ofx", "table/testdata/bradesco_antigo.csv", "sheet/testdata/itau.xlsx"} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		err = Default().Stream(context.Background(), domain.Input{Name: f, Data: raw}, &failSink{n: 2})
		if !errors.Is(err, errDisk) || domain.ErrorCode(err) == domain.CodeInvalid {
			t.Errorf("%s: got %v, want the sink's error", f, err)
		}
	}
}
