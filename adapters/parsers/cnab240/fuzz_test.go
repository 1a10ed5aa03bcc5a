package cnab240

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// FuzzCNAB240 checks that no input makes the parser panic, and that every
// statement it returns accounts for each line at most once.
func FuzzCNAB240(f *testing.F) {
	files, err := filepath.Glob("testdata/*.ret")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		f.Add(mustReadF(f, file))
	}
	f.Add([]byte("00100000\n00100011E04\n0010001300001E\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := source.NewSample("f.ret", "", data)
		New().Detect(s)
		stmts, err := New().Parse(context.Background(), s)
		if err != nil {
			if domain.ErrorMessage(err) == "" {
				t.Fatalf("error without a message: %v", err)
			}
			return
		}
		rows := 0
		for _, st := range stmts {
			rows += st.Rows.Total()
			if len(st.Transactions) != st.Rows.Transactions {
				t.Fatalf("%d transactions, %d transaction rows", len(st.Transactions), st.Rows.Transactions)
			}
		}
		if lines := len(splitLines(s.Text)); rows != lines {
			t.Fatalf("statements account for %d rows, the file has %d lines", rows, lines)
		}
	})
}

func mustReadF(f *testing.F, path string) []byte {
	f.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}
