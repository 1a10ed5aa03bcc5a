package export

import (
	"context"
	"io"

	"github.com/bankflow/bankflow/domain"
	"github.com/xuri/excelize/v2"
)

// The sheets of the workbook.
const (
	SheetTransactions = "Transações"
	SheetSummary      = "Resumo"
	SheetRows         = "Linhas"
)

// Number formats: dates as Brazilians write them; amounts with two places,
// negatives in red. Excel shows the locale's separators.
const (
	dateFormat  = "dd/mm/yyyy"
	moneyFormat = "#,##0.00;[Red]-#,##0.00"
)

// excelEpochOffset is the Excel serial number of 1970-01-01 (the 1900 date
// system counts days from 1899-12-30).
const excelEpochOffset = 25569

// XLSX writes the workbook accountants download: "Transações" (one row per
// transaction with real date and number cells), "Resumo" (balances, totals and
// the reconciliation of each statement) and "Linhas" (every input row that did
// not become a transaction, with its reason). It streams (see
// xlsx_stream.go): memory holds neither the transactions nor the cells.
type XLSX struct{}

var _ domain.StreamExporter = XLSX{}

// NewXLSX returns the XLSX exporter.
func NewXLSX() XLSX { return XLSX{} }

// Format returns domain.ExportXLSX.
func (XLSX) Format() domain.ExportFormat { return domain.ExportXLSX }

// ContentType returns the media type of the output.
func (XLSX) ContentType() string {
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// styles are the cell style ids of the workbook.
type styles struct {
	header, label, date, money, wrap int
}

// Export writes the workbook, through the same sink as a stream.
func (x XLSX) Export(w io.Writer, stmts []domain.Statement) error {
	return domain.ExportAll(context.Background(), x, w, stmts)
}

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	dateFmt, moneyFmt := dateFormat, moneyFormat
	defs := []struct {
		id    *int
		style *excelize.Style
	}{
		{&st.header, &excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
			Alignment: &excelize.Alignment{Vertical: "center"},
		}},
		{&st.label, &excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&st.date, &excelize.Style{CustomNumFmt: &dateFmt}},
		{&st.money, &excelize.Style{CustomNumFmt: &moneyFmt}},
		{&st.wrap, &excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(d.style)
		if err != nil {
			return st, err
		}
		*d.id = id
	}
	return st, nil
}

// text is a text cell of statement text, or no cell for "". StreamWriter
// writes strings as inline strings, never as formulas, so "=HYPERLINK(...)"
// stays text.
func text(s string) any {
	s = clean(s)
	if s == "" {
		return nil
	}
	return s
}

func headerRow(titles []string, style int) []any {
	row := make([]any, len(titles))
	for i, t := range titles {
		row[i] = excelize.Cell{StyleID: style, Value: t}
	}
	return row
}

func freezeHeader(sw *excelize.StreamWriter) error {
	return sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
}
