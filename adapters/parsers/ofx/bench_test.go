package ofx

import (
	"context"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
	"github.com/bankflow/bankflow/internal/benchgen"
)

// generateOFX returns the benchmark file of n transactions (see
// benchgen.OFX): cp1252, unclosed leaf tags, decimal commas, CRLF.
func generateOFX(n int) []byte { return benchgen.OFX(n) }

// BenchmarkParseOFX measures parsing of a ~5,000-transaction cp1252 file:
// "parse" on an already sniffed sample; "sniff+stream" as the engine streams
// (encoding detection, values decoded one by one, transactions handed on);
// "sniff+parse" with the whole file decoded and the statements built.
func BenchmarkParseOFX(b *testing.B) {
	raw := generateOFX(5000)
	ctx := context.Background()
	b.Run("parse", func(b *testing.B) {
		s := source.NewSample("bench.ofx", "", raw)
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		cpu := benchgen.StartCPU()
		for b.Loop() {
			stmts, err := New().Parse(ctx, s)
			if err != nil || len(stmts[0].Transactions) != 5000 {
				b.Fatalf("err=%v", err)
			}
		}
		cpu.Report(b, int64(len(raw)))
	})
	b.Run("sniff+stream", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		cpu := benchgen.StartCPU()
		for b.Loop() {
			s := source.NewSharedSample("bench.ofx", "", raw)
			var n countSink
			if err := New().Stream(ctx, s, &n); err != nil || n.txs != 5000 {
				b.Fatalf("err=%v n=%d", err, n.txs)
			}
		}
		cpu.Report(b, int64(len(raw)))
	})
	b.Run("sniff+parse", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		cpu := benchgen.StartCPU()
		for b.Loop() {
			s := source.NewSample("bench.ofx", "", raw)
			if _, err := New().Parse(ctx, s); err != nil {
				b.Fatal(err)
			}
		}
		cpu.Report(b, int64(len(raw)))
	})
}

// countSink counts what it receives and keeps nothing.
type countSink struct{ txs int }

func (c *countSink) Begin(context.Context, *domain.Statement) error { return nil }
func (c *countSink) Add(domain.Transaction) error                   { c.txs++; return nil }
func (c *countSink) End(*domain.Statement) error                    { return nil }

func TestGeneratedFile(t *testing.T) {
	raw := generateOFX(5000)
	stmts, err := New().Parse(context.Background(), source.NewSample("g.ofx", "", raw))
	if err != nil {
		t.Fatal(err)
	}
	st := stmts[0]
	if len(st.Transactions) != 5000 || st.Rows.Rejected != 0 || len(st.Warnings) != 1 {
		t.Fatalf("transactions=%d rows=%+v warnings=%q", len(st.Transactions), st.Rows, st.Warnings)
	}
	if got := st.Transactions[0].Description; got != "TRANSFERÊNCIA PIX RECEBIDA CLIENTE 0 CARTÃO" {
		t.Errorf("description = %q", got)
	}
}
