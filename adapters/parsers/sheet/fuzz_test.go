package sheet

import (
	"context"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// FuzzXLSX feeds arbitrary bytes to the XLSX parser: it may refuse them,
// never panic, and every refusal carries a message for the user.
func FuzzXLSX(f *testing.F) {
	f.Add(read(f, "testdata/bb.xlsx"))
	f.Add(read(f, "testdata/itau.xlsx"))
	f.Add(brokenSheet(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := source.NewSample("f.xlsx", "", data)
		NewXLSX().Detect(s)
		if s.Kind != source.KindZip {
			return
		}
		if _, err := NewXLSX().Parse(context.Background(), s); err != nil && domain.ErrorMessage(err) == "" {
			t.Fatalf("error without a message: %v", err)
		}
	})
}

// FuzzHTML feeds arbitrary markup to the HTML-table parser.
func FuzzHTML(f *testing.F) {
	f.Add(read(f, "testdata/extrato_itau_html.xls"))
	f.Add([]byte(`<table><tr><td colspan="3" rowspan="2">a<td>b<tr><th>c</table>`))
	f.Add([]byte(`<Table><Row><Cell ss:Index="4" ss:MergeAcross="2"><Data ss:Type="Number">1E5</Data></Cell></Row></Table>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := source.NewSample("f.xls", "", data)
		NewHTML().Detect(s)
		for _, grid := range htmlTables(s.Text) {
			for _, row := range grid {
				if len(row) > maxColumns+maxColspan {
					t.Fatalf("row of %d cells", len(row))
				}
			}
		}
		if s.Kind != source.KindHTML {
			return
		}
		if _, err := NewHTML().Parse(context.Background(), s); err != nil && domain.ErrorMessage(err) == "" {
			t.Fatalf("error without a message: %v", err)
		}
	})
}
