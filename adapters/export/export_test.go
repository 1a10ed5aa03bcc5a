package export_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/bankflow/bankflow/adapters/export"
	"github.com/bankflow/bankflow/domain"
)

// hostile are descriptions a statement file may carry that must never become
// a formula or break a format.
var hostile = []string{
	"=HYPERLINK(\"http://evil.example\",\"clique\")",
	"+55 11 99999-0000",
	"-2+3",
	"@SUM(A1:A2)",
	"\tTAB INICIAL",
	"PÃO & CIA <LTDA> \"ASPAS\"; PONTO-E-VÍRGULA",
	"CAFÉ ☕ EMOJI",
}

func date(t *testing.T, y int, m time.Month, d int) domain.Date {
	t.Helper()
	dt, err := domain.NewDate(y, m, d)
	if err != nil {
		t.Fatal(err)
	}
	return dt
}

// fixture returns a checking account statement with hostile text, a repeated
// and a missing FITID, and a credit-card statement: what the exporters must
// survive.
func fixture(t *testing.T) []domain.Statement {
	t.Helper()
	checking := domain.Statement{
		Bank:    domain.BankItau,
		Format:  domain.FormatOFX,
		Parser:  "ofx",
		Account: domain.Account{BankCode: "341", Branch: "0001", Number: "12345-6", Type: domain.AccountChecking, Currency: "BRL"},
		Opening: domain.Known(100000),
		Closing: domain.Known(123456),
		Transactions: []domain.Transaction{
			{Date: date(t, 2024, 1, 2), Amount: -15000, Description: "PIX ENVIADO JOAO", Document: "123456", FITID: "A1", Line: 10},
			{Date: date(t, 2024, 1, 3), Amount: 38456, Description: hostile[0], Document: "", FITID: "A1", Line: 11, Balance: domain.Known(123456)},
			{Date: date(t, 2024, 1, 3), Amount: 1, Description: hostile[1], Line: 12},
			{Date: date(t, 2024, 1, 4), Amount: -1, Description: hostile[2], FITID: "A2", Line: 13},
			{Date: date(t, 2024, 1, 5), Amount: 99999999999, Description: hostile[3], Line: 14},
			{Date: date(t, 2024, 1, 5), Amount: -99999999999, Description: hostile[4], Line: 15},
			{Date: date(t, 2024, 1, 31), Amount: -5, Description: hostile[5], Document: "=1+1", Line: 16},
			{Date: date(t, 2024, 1, 31), Amount: 5, Description: hostile[6], Line: 17},
		},
		DayBalances: []domain.DayBalance{{Date: date(t, 2024, 1, 31), Balance: 123456, Line: 18}},
		Warnings:    []string{"Arquivo declarava CHARSET 1252, mas o conteúdo é UTF-8."},
	}
	checking.Rows.Count(domain.RowHeader, 1, "", "OFXHEADER:100")
	checking.Rows.Count(domain.RowBalance, 18, "saldo do dia", "SALDO DO DIA 1.234,56")
	checking.Rows.Count(domain.RowRejected, 19, "data inválida", "=cmd|' /C calc'!A0")
	for range checking.Transactions {
		checking.Rows.Count(domain.RowTransaction, 0, "", "")
	}
	checking.FillPeriod()
	domain.Reconcile(&checking)

	card := domain.Statement{
		Bank:    domain.BankNubank,
		Format:  domain.FormatOFX,
		Account: domain.Account{BankCode: "260", Number: "nubank-cartao", Type: domain.AccountCreditCard, Currency: "BRL"},
		Transactions: []domain.Transaction{
			{Date: date(t, 2024, 2, 10), Amount: -4990, Description: "UBER *TRIP", Line: 3},
			{Date: date(t, 2024, 2, 12), Amount: 4990, Description: "Estorno UBER", Line: 4},
		},
	}
	card.FillPeriod()
	domain.Reconcile(&card)
	return []domain.Statement{checking, card}
}

func render(t testing.TB, e domain.Exporter, stmts []domain.Statement) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := e.Export(&buf, stmts); err != nil {
		t.Fatalf("%s export: %v", e.Format(), err)
	}
	return buf.Bytes()
}

func TestExportersDeclareFormats(t *testing.T) {
	cases := []struct {
		e      domain.Exporter
		format domain.ExportFormat
	}{
		{export.NewXLSX(), domain.ExportXLSX},
		{export.NewCSV(), domain.ExportCSV},
		{export.NewOFX(), domain.ExportOFX},
		{export.NewJSON(), domain.ExportJSON},
	}
	for _, c := range cases {
		if c.e.Format() != c.format || c.e.ContentType() == "" {
			t.Errorf("%T: format %q content type %q", c.e, c.e.Format(), c.e.ContentType())
		}
	}
}
