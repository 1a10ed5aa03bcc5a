package ofx

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// FuzzOFX: no input makes the parser panic, every error is a *domain.Error,
// and every statement accounts for its transactions.
func FuzzOFX(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.ofx")
	own, _ := filepath.Glob("testdata/own/*.ofx")
	for _, name := range append(files, own...) {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		s := source.NewSample("fuzz.ofx", "", raw)
		p := New()
		p.Detect(s)
		stmts, err := p.Parse(context.Background(), s)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Message == "" {
				t.Fatalf("error %v is not a *domain.Error with a message", err)
			}
			return
		}
		if len(stmts) == 0 {
			t.Fatal("no statements and no error")
		}
		for _, st := range stmts {
			if st.Rows.Transactions != len(st.Transactions) {
				t.Fatalf("rows.Transactions = %d, transactions = %d", st.Rows.Transactions, len(st.Transactions))
			}
			for _, tx := range st.Transactions {
				if tx.Date.IsZero() {
					t.Fatalf("transaction without a date: %+v", tx)
				}
			}
		}
	})
}
