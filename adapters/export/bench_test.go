package export_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/bankflow/bankflow/adapters/export"
	"github.com/bankflow/bankflow/domain"
	"github.com/bankflow/bankflow/internal/benchgen"
)

// generated builds a statement of n transactions with Brazilian text and
// running balances, as a large bank export would be.
func generated(n int) []domain.Statement {
	s := domain.Statement{
		Bank:    domain.BankBB,
		Format:  domain.FormatOFX,
		Account: domain.Account{BankCode: "001", Branch: "1234-5", Number: "98765-4", Type: domain.AccountChecking, Currency: "BRL"},
		Opening: domain.Known(1_000_000),
	}
	bal := s.Opening.Value
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	s.Transactions = make([]domain.Transaction, n)
	for i := range s.Transactions {
		amt := domain.Money((i*7919)%200_000 - 100_000)
		bal += amt
		s.Transactions[i] = domain.Transaction{
			Date:        domain.DateOf(start.AddDate(0, 0, i/300)),
			Amount:      amt,
			Description: fmt.Sprintf("PIX ENVIADO - FORNECEDOR AÇÃO %d", i),
			Document:    fmt.Sprint(100000 + i),
			FITID:       fmt.Sprint(2024000000 + i),
			Balance:     domain.Known(bal),
			Line:        i + 10,
		}
	}
	s.Closing = domain.Known(bal)
	s.FillPeriod()
	domain.Reconcile(&s)
	return []domain.Statement{s}
}

// countingWriter counts the bytes of output.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func BenchmarkExportXLSX(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		stmts := generated(n)
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			var out countingWriter
			meter := benchgen.Start()
			cpu := benchgen.StartCPU()
			for b.Loop() {
				out.n = 0
				if err := export.NewXLSX().Export(&out, stmts); err != nil {
					b.Fatal(err)
				}
			}
			cpu.Report(b, 0)
			b.ReportMetric(meter.Stop(), "peak-MiB")
			b.ReportMetric(float64(out.n), "bytes/output")
		})
	}
}

func BenchmarkExportOthers(b *testing.B) {
	stmts := generated(10_000)
	for _, e := range []domain.Exporter{export.NewCSV(), export.NewOFX(), export.NewJSON()} {
		b.Run(string(e.Format())+"-10k", func(b *testing.B) {
			b.ReportAllocs()
			cpu := benchgen.StartCPU()
			for b.Loop() {
				if err := e.Export(io.Discard, stmts); err != nil {
					b.Fatal(err)
				}
			}
			cpu.Report(b, 0)
		})
	}
}
