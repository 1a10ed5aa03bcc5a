package main

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/bankflow/bankflow/bootstrap"
	"github.com/bankflow/bankflow/domain"
	"github.com/bankflow/bankflow/internal/benchgen"
)

// countingWriter counts the bytes of output and keeps none.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkOFXToXLSX converts a generated cp1252 OFX file to the workbook
// as `bankflow convert --to xlsx` does (detection, streamed parsing,
// incremental reconciliation, streamed workbook), the file already in
// memory, under the same soft memory limit. peak-MiB is the most memory the
// Go runtime held meanwhile, the input included. BENCH_LARGE=1 adds the
// 1,000,000-transaction file.
func BenchmarkOFXToXLSX(b *testing.B) {
	sizes := []int{100_000}
	if os.Getenv("BENCH_LARGE") != "" {
		sizes = append(sizes, 1_000_000)
	}
	engine := bootstrap.NewStatements()
	ctx := context.Background()
	for _, n := range sizes {
		raw := benchgen.OFX(n)
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			defer limitMemory(int64(len(raw)))() // as convert does per file
			var out countingWriter
			meter := benchgen.Start()
			cpu := benchgen.StartCPU()
			for b.Loop() {
				out.n = 0
				done, err := engine.Convert(ctx, domain.Input{Name: "bench.ofx", Data: raw}, &out, domain.ExportXLSX)
				if err != nil || len(done) != 1 || done[0].Count != n {
					b.Fatalf("convert: %v", err)
				}
			}
			cpu.Report(b, int64(len(raw)))
			b.ReportMetric(meter.Stop(), "peak-MiB")
			b.ReportMetric(float64(out.n), "bytes/output")
		})
	}
}
