package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/bankflow/bankflow/domain"
)

// transactionHeader are the columns of the transaction table, shared by the
// CSV and the workbook's "Transações" sheet.
var transactionHeader = []string{
	"Data", "Descrição", "Documento", "Valor (R$)", "Saldo (R$)", "Banco", "Agência", "Conta", "FITID",
}

// CSV writes the transactions as Brazilian Excel opens them: UTF-8 with a
// BOM, ';' between fields, CRLF line ends, dates dd/mm/yyyy and amounts with a
// decimal comma and no thousands separator, so both are read as numbers.
type CSV struct{}

var _ domain.StreamExporter = CSV{}

// NewCSV returns the CSV exporter.
func NewCSV() CSV { return CSV{} }

// Format returns domain.ExportCSV.
func (CSV) Format() domain.ExportFormat { return domain.ExportCSV }

// ContentType returns the media type of the output.
func (CSV) ContentType() string { return "text/csv; charset=utf-8" }

// Export writes one header line and one line per transaction of every
// statement, in file order, through the same sink as a stream.
func (c CSV) Export(w io.Writer, stmts []domain.Statement) error {
	return domain.ExportAll(context.Background(), c, w, stmts)
}

// Sink implements domain.StreamExporter: the header at once, then each
// transaction's line as it arrives.
func (CSV) Sink(w io.Writer) (domain.ExportSink, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write(transactionHeader); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	return &csvSink{bw: bw, cw: cw, rec: make([]string, len(transactionHeader))}, nil
}

// csvSink writes the CSV as the statements arrive.
type csvSink struct {
	bw                   *bufio.Writer
	cw                   *csv.Writer
	rec                  []string
	bank, branch, number string
}

func (c *csvSink) Begin(_ context.Context, s *domain.Statement) error {
	c.bank, c.branch, c.number = csvText(bankName(s)), csvText(s.Account.Branch), csvText(s.Account.Number)
	return nil
}

func (c *csvSink) Add(t domain.Transaction) error {
	rec := c.rec
	rec[0] = t.Date.BR()
	rec[1] = csvText(t.Description)
	rec[2] = csvText(t.Document)
	rec[3] = plainDecimal(t.Amount) // our own number: no apostrophe
	rec[4] = ""
	if t.Balance.Valid {
		rec[4] = plainDecimal(t.Balance.Value)
	}
	rec[5], rec[6], rec[7] = c.bank, c.branch, c.number
	rec[8] = csvText(t.FITID)
	if err := c.cw.Write(rec); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

func (c *csvSink) End(*domain.Statement) error { return nil }

func (c *csvSink) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	if err := c.bw.Flush(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
