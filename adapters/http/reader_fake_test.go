package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// fakeReader stands in for the parser engine (another adapter, which this
// package may not import): any file starting with "OFXHEADER" is an Itaú
// statement with two transactions; anything else is unsupported.
type fakeReader struct{}

func (fakeReader) Read(_ context.Context, in domain.Input) ([]domain.Statement, error) {
	if !bytes.HasPrefix(in.Data, []byte("OFXHEADER")) {
		return nil, domain.Errorf(domain.CodeUnsupported, "Formato de arquivo não reconhecido.")
	}
	st := domain.Statement{
		Bank:    domain.BankItau,
		Format:  domain.FormatOFX,
		Parser:  "fake",
		Account: domain.Account{BankCode: "341", Branch: "0001", Number: "12345-6", Currency: "BRL"},
		Opening: domain.Known(100000),
		Closing: domain.Known(93456),
		Transactions: []domain.Transaction{
			{Date: domain.Date{Year: 2024, Month: 1, Day: 2}, Amount: -15000, Description: "PIX ENVIADO JOAO", Line: 3},
			{Date: domain.Date{Year: 2024, Month: 1, Day: 3}, Amount: 8456, Description: "=CMD|' /C calc'!A0", Line: 4},
		},
	}
	if bytes.Contains(in.Data, []byte("BROKEN-EXPORT")) {
		st.Account.Number = brokenAccount
	}
	st.FillPeriod()
	domain.Reconcile(&st)
	return []domain.Statement{st}, nil
}

// fakeExporter writes a recognisable line per transaction.
type fakeExporter struct{ format domain.ExportFormat }

func (f fakeExporter) Format() domain.ExportFormat { return f.format }

func (f fakeExporter) ContentType() string { return "application/octet-stream" }

// brokenAccount makes the CSV fakeExporter fail after writing part of its
// output.
const brokenAccount = "99999-9"

func (f fakeExporter) Export(w io.Writer, stmts []domain.Statement) error {
	if stmts[0].Account.Number == brokenAccount && f.format == domain.ExportCSV {
		_, _ = io.WriteString(w, "partial output")
		return errors.New("disk full")
	}
	if f.format == domain.ExportJSON {
		_, err := fmt.Fprintf(w, `{"bank":%q,"transactions":%d}`+"\n", stmts[0].Bank, len(stmts[0].Transactions))
		return err
	}
	for _, st := range stmts {
		for _, t := range st.Transactions {
			if _, err := fmt.Fprintf(w, "%s %s %s\n", f.format, t.Date, t.Amount); err != nil {
				return err
			}
		}
	}
	return nil
}

func newTestStatements() *application.Statements {
	var exporters []domain.Exporter
	for _, f := range exportFormats {
		exporters = append(exporters, fakeExporter{format: f})
	}
	return application.NewStatements(fakeReader{}, exporters...)
}
