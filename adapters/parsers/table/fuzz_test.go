package table

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
	"github.com/bankflow/bankflow/internal/benchgen"
)

// FuzzTable feeds arbitrary bytes to the parser detection picks and to the
// generic reader: no panic, and a successful parse accounts for every row of
// the file exactly once.
func FuzzTable(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		s := source.NewSample("fuzz.csv", "", raw)
		rows := len(ReadGrid(s.Text, 0))
		all := Parsers()
		for _, p := range []source.Parser{bestOrGeneric(s), all[len(all)-1]} {
			stmts, err := p.Parse(context.Background(), s)
			if err != nil {
				continue
			}
			for _, st := range stmts {
				if st.Rows.Total() != rows {
					t.Fatalf("%s accounted for %d rows of %d", p.Name(), st.Rows.Total(), rows)
				}
				if st.Rows.Transactions != len(st.Transactions) {
					t.Fatalf("%s counted %d transactions, returned %d", p.Name(), st.Rows.Transactions, len(st.Transactions))
				}
			}
		}
	})
}

// bradescoFile generates a Bradesco-style export (new layout) of n movements.
func bradescoFile(n int) []byte {
	var b strings.Builder
	b.WriteString("\ufeffExtrato de: Ag: 367 | Conta: 50883-7;;;;;\n")
	b.WriteString("Data;Histórico;Docto.;Crédito (R$);Débito (R$);Saldo (R$)\n")
	b.WriteString("01/01/2024;COD. LANC. 0;0;0,00; ;1.000.000,00\n")
	balance := int64(100_000_000)
	for i := range n {
		day := 1 + i%28
		month := 1 + (i/28)%12
		cents := int64(1_000 + (i*7919)%250_000)
		if i%3 == 0 {
			balance += cents
			fmt.Fprintf(&b, "%02d/%02d/2024;PIX RECEBIDO CLIENTE %d;%d;%s; ;%s\n", day, month, i, 1000+i, br(cents), br(balance))
		} else {
			balance -= cents
			fmt.Fprintf(&b, "%02d/%02d/2024;PAGTO ELETRON COBRANCA FORNECEDOR %d;%d; ;%s;%s\n", day, month, i, 1000+i, br(cents), br(balance))
		}
	}
	return []byte(b.String())
}

// br renders centavos as 1.234,56 (unsigned).
func br(cents int64) string {
	if cents < 0 {
		cents = -cents
	}
	s := fmt.Sprintf("%d", cents/100)
	var g strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			g.WriteByte('.')
		}
		g.WriteRune(c)
	}
	return fmt.Sprintf("%s,%02d", g.String(), cents%100)
}

// BenchmarkParseCSV reads a 10,000-row Bradesco export: "parse" on an
// already sniffed UTF-8 sample; "cp1252/sniff+stream" as the engine streams
// a Windows-1252 file (encoding detection and decoding included, each
// transaction handed to a sink that keeps nothing).
func BenchmarkParseCSV(b *testing.B) {
	raw := bradescoFile(10_000)
	b.Run("parse", func(b *testing.B) {
		s := source.NewSample("bradesco.csv", "", raw)
		p := best(b, s)
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		cpu := benchgen.StartCPU()
		for b.Loop() {
			stmts, err := p.Parse(context.Background(), s)
			if err != nil || len(stmts[0].Transactions) != 10_000 {
				b.Fatalf("parse: %v", err)
			}
		}
		cpu.Report(b, int64(len(raw)))
	})
	win := benchgen.BradescoCSV(10_000) // the same file in Windows-1252, without the BOM
	b.Run("cp1252/sniff+stream", func(b *testing.B) {
		p := best(b, source.NewSample("bradesco.csv", "", win))
		b.SetBytes(int64(len(win)))
		b.ReportAllocs()
		cpu := benchgen.StartCPU()
		for b.Loop() {
			var n countSink
			err := p.(source.Streamer).Stream(context.Background(), source.NewSharedSample("bradesco.csv", "", win), &n)
			if err != nil || n.txs != 10_000 {
				b.Fatalf("stream: %v (%d)", err, n.txs)
			}
		}
		cpu.Report(b, int64(len(win)))
	})
}

// countSink counts what it receives and keeps nothing.
type countSink struct{ txs int }

func (c *countSink) Begin(context.Context, *domain.Statement) error { return nil }
func (c *countSink) Add(domain.Transaction) error                   { c.txs++; return nil }
func (c *countSink) End(*domain.Statement) error                    { return nil }

func BenchmarkDetectCSV(b *testing.B) {
	s := source.NewSample("bradesco.csv", "", bradescoFile(10_000))
	parsers := Parsers()
	b.ReportAllocs()
	cpu := benchgen.StartCPU()
	for b.Loop() {
		for _, p := range parsers {
			p.Detect(s)
		}
	}
	cpu.Report(b, 0)
}
