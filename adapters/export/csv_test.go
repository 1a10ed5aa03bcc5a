package export_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/export"
)

func TestCSVForBrazilianExcel(t *testing.T) {
	stmts := fixture(t)
	out := render(t, export.NewCSV(), stmts)
	if !bytes.HasPrefix(out, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 BOM: %q", out[:8])
	}
	r := csv.NewReader(bytes.NewReader(out[3:]))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not a ';' CSV: %v", err)
	}
	if got := strings.Join(records[0], "|"); got != "Data|Descrição|Documento|Valor (R$)|Saldo (R$)|Banco|Agência|Conta|FITID" {
		t.Errorf("header = %s", got)
	}
	if len(records) != 1+len(stmts[0].Transactions)+len(stmts[1].Transactions) {
		t.Fatalf("%d records", len(records))
	}
	cases := []struct {
		row        int
		date       string
		desc, doc  string
		amount     string
		balance    string
		bank, acct string
	}{
		{1, "02/01/2024", "PIX ENVIADO JOAO", "123456", "-150,00", "", "Itaú", "12345-6"},
		{2, "03/01/2024", "'" + hostile[0], "", "384,56", "1234,56", "Itaú", "12345-6"},
		{3, "03/01/2024", "'" + hostile[1], "", "0,01", "", "Itaú", "12345-6"},
		{4, "04/01/2024", "'" + hostile[2], "", "-0,01", "", "Itaú", "12345-6"},
		{5, "05/01/2024", "'" + hostile[3], "", "999999999,99", "", "Itaú", "12345-6"},
		{6, "05/01/2024", "'" + hostile[4], "", "-999999999,99", "", "Itaú", "12345-6"},
		{7, "31/01/2024", hostile[5], "'=1+1", "-0,05", "", "Itaú", "12345-6"},
		{9, "10/02/2024", "UBER *TRIP", "", "-49,90", "", "Nubank", "nubank-cartao"},
	}
	for _, c := range cases {
		got := records[c.row]
		want := []string{c.date, c.desc, c.doc, c.amount, c.balance, c.bank}
		if strings.Join(got[:6], "|") != strings.Join(want, "|") || got[7] != c.acct {
			t.Errorf("row %d = %q, want %q … %s", c.row, got, want, c.acct)
		}
	}
	if !bytes.Contains(out, []byte("\r\n")) {
		t.Errorf("lines should end with CRLF for Excel")
	}
}
