package export

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/bankflow/bankflow/domain"
	"github.com/xuri/excelize/v2"
)

// The workbook is streamed: the "Transações" sheet is the first entry of
// the zip and each transaction becomes a row of it the moment it arrives,
// deflated straight into the output. Its XML is written here, not by
// excelize: plain number cells carry the exact decimal (no binary float, no text
// to rewrite) and a row costs a few hundred bytes of appends instead of
// excelize's per-cell boxing. The rest of the workbook (workbook part,
// styles, "Resumo", "Linhas") is written by excelize at Close, through the
// same zip writer, which drops excelize's own empty copy of the sheet.

// transactionsPart is the zip entry excelize gives the first sheet of a new
// workbook; Close fails if excelize ever names it otherwise.
const transactionsPart = "xl/worksheets/sheet1.xml"

// maxCellText is Excel's limit on the characters of one cell.
const maxCellText = 32767

// transactionWidths are the column widths of "Transações", in characters
// (whole numbers: nothing here needs a fraction).
var transactionWidths = []int{12, 50, 16, 16, 16, 16, 10, 16, 24}

// summary is what "Resumo" and "Linhas" need of a statement once its
// transactions have gone by.
type summary struct {
	st              domain.Statement // without its transactions
	count           int
	credits, debits domain.Money
}

// xlsxSink writes the workbook as the statements arrive.
type xlsxSink struct {
	f      *excelize.File
	zw     *zip.Writer
	sheet  *bufio.Writer
	styles styles
	row    int    // the last row written
	buf    []byte // the row being built
	// the current statement: its constant cells, pre-escaped, and totals
	bank, branch, number []byte
	cur                  summary
	open                 bool
	done                 []summary
	closed               bool
}

var _ domain.ExportSink = (*xlsxSink)(nil)

// Sink implements domain.StreamExporter: a sink writing the workbook to w
// as the statements arrive. Close writes the summary sheets and ends the
// zip; until then w holds an incomplete file.
func (XLSX) Sink(w io.Writer) (domain.ExportSink, error) {
	f := excelize.NewFile()
	s := &xlsxSink{f: f, zw: zip.NewWriter(w), buf: make([]byte, 0, 1024)}
	s.zw.RegisterCompressor(zip.Deflate, fastDeflate)
	if err := s.prepare(); err != nil {
		f.Close()
		return nil, fmt.Errorf("write xlsx: %w", err)
	}
	return s, nil
}

// prepare sets up the workbook and opens the "Transações" entry with its
// header row.
func (s *xlsxSink) prepare() error {
	var err error
	if s.styles, err = newStyles(s.f); err != nil {
		return err
	}
	if err := s.f.SetSheetName(s.f.GetSheetName(0), SheetTransactions); err != nil {
		return err
	}
	for _, name := range []string{SheetSummary, SheetRows} {
		if _, err := s.f.NewSheet(name); err != nil {
			return err
		}
	}
	s.f.SetActiveSheet(0)
	part, err := s.zw.Create(transactionsPart)
	if err != nil {
		return err
	}
	s.sheet = bufio.NewWriterSize(part, 64<<10)
	b := s.buf[:0]
	b = append(b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" `+
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+
		`<sheetViews><sheetView tabSelected="1" workbookViewId="0">`+
		`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>`+
		`<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>`+
		`<sheetFormatPr defaultRowHeight="15"/><cols>`...)
	for i, wd := range transactionWidths {
		b = append(b, `<col min="`...)
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, `" max="`...)
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, `" width="`...)
		b = strconv.AppendInt(b, int64(wd), 10)
		b = append(b, `" customWidth="1"/>`...)
	}
	b = append(b, `</cols><sheetData>`...)
	s.row = 1
	b = append(b, `<row r="1">`...)
	for i, title := range transactionHeader {
		b = appendText(b, i, 1, s.styles.header, title)
	}
	b = append(b, `</row>`...)
	s.buf = b
	_, err = s.sheet.Write(b)
	return err
}

// Begin implements domain.StatementSink.
func (s *xlsxSink) Begin(_ context.Context, st *domain.Statement) error {
	if s.closed {
		return errors.New("write xlsx: sink closed")
	}
	s.cur = summary{}
	s.open = true
	s.bank = escapeText(s.bank[:0], clean(bankName(st)))
	s.branch = escapeText(s.branch[:0], clean(st.Account.Branch))
	s.number = escapeText(s.number[:0], clean(st.Account.Number))
	return nil
}

// Add implements domain.StatementSink: one row of "Transações".
func (s *xlsxSink) Add(t domain.Transaction) error {
	if !s.open {
		return errors.New("write xlsx: transaction outside a statement")
	}
	s.cur.count++
	if t.Amount > 0 {
		s.cur.credits += t.Amount
	} else {
		s.cur.debits += t.Amount
	}
	s.row++
	r := s.row
	b := append(s.buf[:0], `<row r="`...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, `">`...)
	if !t.Date.IsZero() {
		b = appendNumber(b, 0, r, s.styles.date, func(b []byte) []byte {
			return strconv.AppendInt(b, t.Date.Time().Unix()/86400+excelEpochOffset, 10)
		})
	}
	b = appendText(b, 1, r, 0, clean(t.Description))
	b = appendText(b, 2, r, 0, clean(t.Document))
	b = appendNumber(b, 3, r, s.styles.money, func(b []byte) []byte { return appendMoney(b, t.Amount) })
	if t.Balance.Valid {
		b = appendNumber(b, 4, r, s.styles.money, func(b []byte) []byte { return appendMoney(b, t.Balance.Value) })
	}
	b = appendEscaped(b, 5, r, s.bank)
	b = appendEscaped(b, 6, r, s.branch)
	b = appendEscaped(b, 7, r, s.number)
	b = appendText(b, 8, r, 0, clean(t.FITID))
	b = append(b, `</row>`...)
	s.buf = b
	if _, err := s.sheet.Write(b); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// End implements domain.StatementSink.
func (s *xlsxSink) End(st *domain.Statement) error {
	if !s.open {
		return errors.New("write xlsx: end outside a statement")
	}
	s.cur.st = *st
	s.cur.st.Transactions = nil
	s.done = append(s.done, s.cur)
	s.open = false
	return nil
}

// Close implements domain.ExportSink: it ends "Transações" (autofilter over
// every row), writes "Resumo" and "Linhas" and the rest of the workbook, and
// ends the zip.
func (s *xlsxSink) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	defer s.f.Close()
	if err := s.close(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func (s *xlsxSink) close() error {
	last, err := excelize.CoordinatesToCellName(len(transactionHeader), s.row)
	if err != nil {
		return err
	}
	b := append(s.buf[:0], `</sheetData><autoFilter ref="A1:`...)
	b = append(b, last...)
	b = append(b, `"/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`...)
	if _, err := s.sheet.Write(b); err != nil {
		return err
	}
	if err := s.sheet.Flush(); err != nil {
		return err
	}
	// The defined name Excel's filter buttons need; excelize's copy of the
	// sheet it also touches is dropped on the way out.
	if err := s.f.AutoFilter(SheetTransactions, "A1:"+last, nil); err != nil {
		return err
	}
	if err := writeSummary(s.f, s.styles, s.done); err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	if err := writeRowNotes(s.f, s.styles, s.done); err != nil {
		return fmt.Errorf("rows: %w", err)
	}
	z := &partZip{zw: s.zw, skip: transactionsPart}
	s.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return z })
	if err := s.f.Write(io.Discard); err != nil {
		return err
	}
	if !z.skipped {
		return errors.New("excelize did not write " + transactionsPart)
	}
	return nil
}

// appendMoney appends m as Money.String writes it ("-1234.56"), digit for
// digit, without formatting through fmt.
func appendMoney(b []byte, m domain.Money) []byte {
	v := uint64(m)
	if m < 0 {
		b = append(b, '-')
		v = uint64(-(m + 1)) + 1
	}
	b = strconv.AppendUint(b, v/100, 10)
	c := v % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// appendNumber appends a number cell; digits appends the exact decimal.
func appendNumber(b []byte, col, row, style int, digits func([]byte) []byte) []byte {
	b = appendRef(b, col, row)
	if style != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	b = append(b, `><v>`...)
	b = digits(b)
	return append(b, `</v></c>`...)
}

// appendText appends an inline string cell, or nothing for "" (StreamWriter
// wrote no cell either). Inline strings are never formulas.
func appendText(b []byte, col, row, style int, v string) []byte {
	if v == "" {
		return b
	}
	b = appendRef(b, col, row)
	if style != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	b = append(b, ` t="inlineStr"><is><t`...)
	if preserveSpace(v) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = escapeText(b, v)
	return append(b, `</t></is></c>`...)
}

// appendEscaped appends an inline string cell of already escaped text.
func appendEscaped(b []byte, col, row int, escaped []byte) []byte {
	if len(escaped) == 0 {
		return b
	}
	b = appendRef(b, col, row)
	b = append(b, ` t="inlineStr"><is><t`...)
	if preserveSpace(string(escaped)) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = append(b, escaped...)
	return append(b, `</t></is></c>`...)
}

// appendRef opens a cell: `<c r="D12"`. Columns are A to I.
func appendRef(b []byte, col, row int) []byte {
	b = append(b, `<c r="`...)
	b = append(b, byte('A'+col))
	b = strconv.AppendInt(b, int64(row), 10)
	return append(b, '"')
}

func preserveSpace(v string) bool {
	first, last := v[0], v[len(v)-1]
	return first == ' ' || first == '\t' || first == '\n' || last == ' ' || last == '\t' || last == '\n'
}

// escapeText appends v as XML character data: markup characters escaped,
// characters XML cannot hold (and invalid UTF-8) replaced by U+FFFD, and cut
// to Excel's 32,767 characters per cell.
func escapeText(b []byte, v string) []byte {
	units := 0
	for i := 0; i < len(v); {
		c := v[i]
		if c >= 0x20 && c < 0x80 {
			units++
			if units > maxCellText {
				return b
			}
			switch c {
			case '&':
				b = append(b, "&amp;"...)
			case '<':
				b = append(b, "&lt;"...)
			case '>':
				b = append(b, "&gt;"...)
			case '"':
				b = append(b, "&#34;"...)
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(v[i:])
		i += n
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
		if units > maxCellText {
			return b
		}
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b = append(b, "&#"...)
			b = strconv.AppendInt(b, int64(r), 10)
			b = append(b, ';')
		case r < 0x20 || (r == utf8.RuneError && n == 1) || (r >= 0xD800 && r <= 0xDFFF) || r == 0xFFFE || r == 0xFFFF:
			b = utf8.AppendRune(b, '\uFFFD')
		default:
			b = append(b, v[i-n:i]...)
		}
	}
	return b
}
