package export

import (
	"bufio"
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

var _ domain.Exporter = CSV{}

// NewCSV returns the CSV exporter.
func NewCSV() CSV { return CSV{} }

// Format returns domain.ExportCSV.
func (CSV) Format() domain.ExportFormat { return domain.ExportCSV }

// ContentType returns the media type of the output.
func (CSV) ContentType() string { return "text/csv; charset=utf-8" }

// Export writes one header line and one line per transaction of every
// statement, in file order.
func (CSV) Export(w io.Writer, stmts []domain.Statement) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write(transactionHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	rec := make([]string, len(transactionHeader))
	for i := range stmts {
		s := &stmts[i]
		bank, branch, number := csvText(bankName(s)), csvText(s.Account.Branch), csvText(s.Account.Number)
		for _, t := range s.Transactions {
			rec[0] = t.Date.BR()
			rec[1] = csvText(t.Description)
			rec[2] = csvText(t.Document)
			rec[3] = plainDecimal(t.Amount) // our own number: no apostrophe
			rec[4] = ""
			if t.Balance.Valid {
				rec[4] = plainDecimal(t.Balance.Value)
			}
			rec[5], rec[6], rec[7] = bank, branch, number
			rec[8] = csvText(t.FITID)
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
