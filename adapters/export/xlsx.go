package export

import (
	"fmt"
	"io"
	"strconv"

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
// not become a transaction, with its reason). Sheets are written with
// excelize's StreamWriter, so memory grows with the output, not with cells.
type XLSX struct{}

var _ domain.Exporter = XLSX{}

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

// Export writes the workbook.
func (XLSX) Export(w io.Writer, stmts []domain.Statement) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetZipWriter(newNumberZip)
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := f.SetSheetName(f.GetSheetName(0), SheetTransactions); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	for _, name := range []string{SheetSummary, SheetRows} {
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("write xlsx: %w", err)
		}
	}
	// Before any StreamWriter: on a streamed sheet SetActiveSheet would parse
	// the whole sheet back into memory.
	f.SetActiveSheet(0)
	if err := writeTransactions(f, st, stmts); err != nil {
		return fmt.Errorf("write xlsx transactions: %w", err)
	}
	if err := writeSummary(f, st, stmts); err != nil {
		return fmt.Errorf("write xlsx summary: %w", err)
	}
	if err := writeRowNotes(f, st, stmts); err != nil {
		return fmt.Errorf("write xlsx rows: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
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

// writeTransactions fills "Transações": a bold frozen header with an
// autofilter over every row, then one row per transaction in file order.
func writeTransactions(f *excelize.File, st styles, stmts []domain.Statement) error {
	n := 0
	for i := range stmts {
		n += len(stmts[i].Transactions)
	}
	last, err := excelize.CoordinatesToCellName(len(transactionHeader), n+1)
	if err != nil {
		return err
	}
	if err := f.AutoFilter(SheetTransactions, "A1:"+last, nil); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetTransactions)
	if err != nil {
		return err
	}
	if err := setWidths(sw, 12, 50, 16, 16, 16, 16, 10, 16, 24); err != nil {
		return err
	}
	if err := freezeHeader(sw); err != nil {
		return err
	}
	if err := sw.SetRow("A1", headerRow(transactionHeader, st.header)); err != nil {
		return err
	}
	row := make([]any, len(transactionHeader))
	r := 2
	for i := range stmts {
		s := &stmts[i]
		bank, branch, number := text(bankName(s)), text(s.Account.Branch), text(s.Account.Number)
		for _, t := range s.Transactions {
			row[0] = dateCell(t.Date, st.date)
			row[1] = text(t.Description)
			row[2] = text(t.Document)
			row[3] = numberCell(t.Amount, st.money)
			row[4] = nil
			if t.Balance.Valid {
				row[4] = numberCell(t.Balance.Value, st.money)
			}
			row[5], row[6], row[7] = bank, branch, number
			row[8] = text(t.FITID)
			if err := sw.SetRow("A"+strconv.Itoa(r), row); err != nil {
				return err
			}
			r++
		}
	}
	return sw.Flush()
}

// dateCell is a real date: the Excel serial day number (an integer, exact)
// with a dd/mm/yyyy format. An unknown date leaves the cell empty.
func dateCell(d domain.Date, style int) any {
	if d.IsZero() {
		return nil
	}
	return excelize.Cell{StyleID: style, Value: d.Time().Unix()/86400 + excelEpochOffset}
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

func setWidths(sw *excelize.StreamWriter, widths ...float64) error {
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	return nil
}

func freezeHeader(sw *excelize.StreamWriter) error {
	return sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
}
