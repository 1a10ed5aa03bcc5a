package application_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// stubReader returns fixed statements, as a parser engine would.
type stubReader struct {
	stmts []domain.Statement
	err   error
}

func (r stubReader) Read(context.Context, domain.Input) ([]domain.Statement, error) {
	return r.stmts, r.err
}

// textExporter writes the transaction count, to see which exporter ran.
type textExporter struct {
	format domain.ExportFormat
	err    error
}

func (e textExporter) Format() domain.ExportFormat { return e.format }
func (e textExporter) ContentType() string         { return "text/plain" }
func (e textExporter) Export(w io.Writer, stmts []domain.Statement) error {
	if e.err != nil {
		return e.err
	}
	_, err := io.WriteString(w, string(e.format)+":"+strings.Repeat("t", len(stmts[0].Transactions)))
	return err
}

func day(t *testing.T, d int) domain.Date {
	t.Helper()
	dt, err := domain.NewDate(2024, time.March, d)
	if err != nil {
		t.Fatal(err)
	}
	return dt
}

func TestStatementsReadCompletesAndProves(t *testing.T) {
	raw := domain.Statement{
		Bank: domain.BankItau,
		Transactions: []domain.Transaction{
			{Date: day(t, 4), Amount: 10000, Balance: domain.Known(110000)},
			{Date: day(t, 5), Amount: -2500, Balance: domain.Known(107500)},
		},
	}
	broken := raw
	broken.Transactions = []domain.Transaction{
		{Date: day(t, 4), Amount: 10000, Balance: domain.Known(110000)},
		{Date: day(t, 6), Amount: -2500, Balance: domain.Known(100000)},
	}
	svc := application.NewStatements(stubReader{stmts: []domain.Statement{raw, broken}})
	got, err := svc.Read(context.Background(), domain.Input{Name: "x.ofx", Data: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	ok := got[0]
	if ok.Period.Start != day(t, 4) || ok.Period.End != day(t, 5) {
		t.Errorf("period %v..%v, want 04..05/03", ok.Period.Start, ok.Period.End)
	}
	if ok.Opening != domain.Known(100000) || ok.Closing != domain.Known(107500) {
		t.Errorf("balances %v %v, want derived 1000.00 and 1075.00", ok.Opening, ok.Closing)
	}
	if ok.Reconciliation.Status != domain.ReconBalanced {
		t.Errorf("reconciliation %+v, want balanced", ok.Reconciliation)
	}
	if r := got[1].Reconciliation; r.Status != domain.ReconMismatch || r.BreakDate != day(t, 6) {
		t.Errorf("broken running balance: %+v, want mismatch breaking on 06/03", r)
	}
}

func TestStatementsReadPassesReaderErrors(t *testing.T) {
	want := domain.Errorf(domain.CodeUnsupported, "Formato não reconhecido.")
	svc := application.NewStatements(stubReader{err: want})
	if _, err := svc.Read(context.Background(), domain.Input{}); !errors.Is(err, want) {
		t.Errorf("got %v, want the reader's error", err)
	}
}

func TestStatementsExport(t *testing.T) {
	stmts := []domain.Statement{{Transactions: make([]domain.Transaction, 3)}}
	svc := application.NewStatements(stubReader{},
		textExporter{format: domain.ExportCSV}, textExporter{format: domain.ExportJSON})
	var buf bytes.Buffer
	if err := svc.Export(context.Background(), &buf, domain.ExportJSON, stmts); err != nil || buf.String() != "json:ttt" {
		t.Errorf("json export = %q, %v", buf.String(), err)
	}

	err := svc.Export(context.Background(), &buf, domain.ExportFormat("pdf"), stmts)
	if domain.ErrorCode(err) != domain.CodeInvalid || !strings.Contains(domain.ErrorMessage(err), "csv, json") {
		t.Errorf("unknown format: %v, want CodeInvalid listing csv, json", err)
	}

	disk := errors.New("disk full")
	failing := application.NewStatements(stubReader{}, textExporter{format: domain.ExportXLSX, err: disk})
	if err := failing.Export(context.Background(), &buf, domain.ExportXLSX, stmts); !errors.Is(err, disk) {
		t.Errorf("writer error lost: %v", err)
	}
	if got := svc.Formats(); len(got) != 2 || got[0] != domain.ExportCSV {
		t.Errorf("formats = %v", got)
	}
}
