package table

import (
	"bytes"
	"encoding/csv"
	"io"
	"testing"

	"github.com/bankflow/bankflow/domain"
	"github.com/bankflow/bankflow/internal/benchgen"
)

// BenchmarkBareCSV is the reference the CSV target is set against: a bare
// encoding/csv loop over the same file that converts each date and amount
// and nothing else (no layout, no decoding, no row accounting). Run beside
// BenchmarkParseCSV, it shows how fast this machine is at the moment.
func BenchmarkBareCSV(b *testing.B) {
	raw := benchgen.BradescoCSV(10_000)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	cpu := benchgen.StartCPU()
	for b.Loop() {
		r := csv.NewReader(bytes.NewReader(raw))
		r.Comma = ';'
		r.FieldsPerRecord = -1
		r.ReuseRecord = true
		n := 0
		var sum int64
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if len(rec) < 6 {
				continue
			}
			d, ok := fastDate(rec[0], domain.OrderDMY)
			if !ok {
				continue
			}
			for _, v := range rec[3:6] {
				if m, ok := fastMoney(v, domain.StyleComma); ok {
					sum += int64(m)
				}
			}
			n += d.Day
		}
		if n == 0 || sum == 0 {
			b.Fatal("nothing read")
		}
	}
	cpu.Report(b, int64(len(raw)))
}
