package ofx

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// TestTransactionFields checks single rows a user would look at: accents from
// cp1252 and UTF-8 files, entities left unexpanded, MEMO/NAME joins, the
// decimal comma, zero-amount Nubank rows and FITIDs that repeat.
func TestTransactionFields(t *testing.T) {
	cases := []struct {
		file, desc, amount, date, fitid, doc string
		stmt, index                          int
	}{
		{file: "ofxsharp_bb.ofx", index: 0, desc: "Transferência Agendada", amount: "3444.80", date: "2014-03-05", fitid: "2014030503444800", doc: "300000429583"},
		{file: "ofxsharp_bb.ofx", index: 1, desc: "Compra com Cartão", amount: "-22.25", date: "2014-03-05", fitid: "20140305122250", doc: "000000070561"},
		{file: "own/bb_duplicate_fitid_cp1252.ofx", index: 0, desc: "Saque", amount: "-50.00", date: "2024-04-02", fitid: "20240402150000"},
		{file: "own/bb_duplicate_fitid_cp1252.ofx", index: 1, desc: "Saque", amount: "-50.00", date: "2024-04-02", fitid: "20240402150000"},
		{file: "own/bb_duplicate_fitid_cp1252.ofx", index: 2, desc: "Transferência recebida", amount: "1200.00", date: "2024-04-03", fitid: "2024040301200000"},
		{file: "ofxsharp_santander.ofx", index: 1, desc: "COMPENSACAO INTERNA DE CHEQUE", amount: "-222.22", date: "2013-11-07", fitid: "00000105", doc: "00000105"},
		{file: "statementparser_bradesco-conta-corrente.ofx", index: 1, desc: "Apl.invest Fac", amount: "-150.04", date: "2024-09-02", fitid: "N202CE:02/09/24:-150.04:9170406: Apl.invest Fac:", doc: "9170406"},
		{file: "statementparser_nubank-cartao-credito.ofx", index: 66, desc: "Saldo restante da fatura anterior", amount: "0.00", date: "2024-01-09", fitid: "659fff02-bbc1-4db3-81d8-0ab704c04321"},
		{file: "statementparser_nubank-cartao-credito.ofx", index: 68, desc: "Saldo restante da fatura anterior", amount: "0.00", date: "2024-01-09", fitid: "659fff02-e130-40e6-81e1-ffbc87824560"},
		{file: "ofxparse_suncorp.ofx", index: 0, desc: "EFTPOS WDL HANDYWAY ALDI STORE   GEELONG WEST VICAU", amount: "-16.85", date: "2013-12-15", fitid: "1", doc: "0"},
		{file: "ofxparse_bank_medium.ofx", index: 1, desc: "MISCELLANEOUS PAYMENTS;Joe's Bald Hairstyles", amount: "-316.67", date: "2009-04-02", fitid: "0000123456782009040200004", doc: "0"},
		{file: "own/entity_bomb.ofx", index: 0, desc: "&lol9;", amount: "-10.00", date: "2024-02-05", fitid: "1"},
		{file: "own/entity_bomb.ofx", index: 1, desc: "&ext; P&G <LOJA> CAFÉ", amount: "-20.00", date: "2024-02-06", fitid: "2"},
		{file: "own/malformed_sgml.ofx", index: 0, desc: "A <3 B", amount: "-1.00", date: "2024-06-02", fitid: "m1"},
		{file: "own/malformed_sgml.ofx", index: 1, desc: "PIX JOAO", amount: "2.00", date: "2024-06-03", fitid: "m2"},
		{file: "own/malformed_sgml.ofx", index: 2, desc: "tarifa", amount: "-0.50", date: "2024-06-04"},
		{file: "own/multi_accounts_sgml.ofx", stmt: 2, index: 0, desc: "Loja X - Parcela 1/3", amount: "-99.90", date: "2024-03-11", fitid: "c1"},
		{file: "own/nubank_utf8_bom_lying_header.ofx", index: 0, desc: "Transferência recebida pelo Pix - JOSÉ DA CONCEIÇÃO - •••.123.456-•• - BCO DO BRASIL S.A. (0001)", amount: "1500.00", date: "2024-06-03", fitid: "6661a1b2-0000-4000-8000-000000000001"},
		{file: "own/nubank_utf8_bom_lying_header.ofx", index: 1, desc: "Compra no débito - PÃO DE AÇÚCAR", amount: "-89.90", date: "2024-06-04", fitid: "6661a1b2-0000-4000-8000-000000000002"},
		{file: "own/crlf_itau_saldos.ofx", index: 1, desc: "TED RECEBIDA", amount: "2500.50", date: "2024-01-15", fitid: "20240115001"},
	}
	for _, c := range cases {
		t.Run(c.file+"/"+c.desc, func(t *testing.T) {
			st := parse(t, c.file)[c.stmt]
			if c.index >= len(st.Transactions) {
				t.Fatalf("only %d transactions", len(st.Transactions))
			}
			tx := st.Transactions[c.index]
			if tx.Description != c.desc || tx.Amount.String() != c.amount || tx.Date.String() != c.date ||
				tx.FITID != c.fitid || tx.Document != c.doc {
				t.Errorf("got %s %s %q fitid=%q doc=%q, want %s %s %q fitid=%q doc=%q",
					tx.Date, tx.Amount, tx.Description, tx.FITID, tx.Document, c.date, c.amount, c.desc, c.fitid, c.doc)
			}
		})
	}
}

// TestTruncatedAt cuts a good file at several points: rows that are
// complete are kept with a warning; a row whose amount may be cut is
// rejected with its reason, never guessed.
func TestTruncatedAt(t *testing.T) {
	raw, err := os.ReadFile("testdata/own/crlf_itau_saldos.ofx")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	cases := []struct {
		name               string
		cut                int
		tx, rejected, bal  int
		lastAmount, reason string
	}{
		{name: "inside the amount", cut: strings.Index(text, "2.500,50") + 3, tx: 1, rejected: 1, bal: 1, lastAmount: "-150.00", reason: "incompleta"},
		{name: "after a closed transaction", cut: strings.Index(text, "TED RECEBIDA") + len("TED RECEBIDA\r\n</STMTTRN>"), tx: 2, bal: 1, lastAmount: "2500.50"},
		{name: "before the trailer", cut: strings.Index(text, "</BANKTRANLIST>"), tx: 3, bal: 2, lastAmount: "-0.50"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := source.NewSample("cut.ofx", "", []byte(text[:c.cut]))
			stmts, err := New().Parse(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			st := stmts[0]
			if st.Rows.Transactions != c.tx || st.Rows.Rejected != c.rejected || st.Rows.Balance != c.bal {
				t.Errorf("rows = %+v", st.Rows)
			}
			if got := st.Transactions[len(st.Transactions)-1].Amount.String(); got != c.lastAmount {
				t.Errorf("last amount = %s, want %s", got, c.lastAmount)
			}
			if c.reason != "" && !strings.Contains(st.Rows.RejectedNotes()[0].Reason, c.reason) {
				t.Errorf("reject reason = %q", st.Rows.RejectedNotes()[0].Reason)
			}
			if !strings.Contains(strings.Join(st.Warnings, "\n"), "truncado") {
				t.Errorf("no truncation warning: %q", st.Warnings)
			}
		})
	}
}

// TestBadInput: files that are not OFX, or that end before any statement,
// give a *domain.Error with a message a person can act on.
func TestBadInput(t *testing.T) {
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, make([]byte, 64)...)
	itau, err := os.ReadFile("testdata/ofxsharp_itau.ofx")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		raw  []byte
		msg  string
	}{
		{"empty", nil, "vazio"},
		{"blank lines", []byte("\r\n\n  \n"), "vazio"},
		{"jpeg renamed .ofx", jpeg, "imagem"},
		{"pdf renamed .ofx", []byte("%PDF-1.7\n1 0 obj\n"), "PDF"},
		{"truncated in the header", itau[:strings.Index(string(itau), "<BANKMSGSRSV1>")], "incompleto"},
		{"header only", itau[:40], "incompleto"},
		{"garbage text", []byte("isto não é um extrato\n1;2;3\n"), "nenhuma tag OFX"},
		{"ofx without statement", []byte("<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>"), "não contém extrato"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := source.NewSample("extrato.ofx", "", c.raw)
			stmts, err := New().Parse(context.Background(), s)
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("err = %v (%d statements), want *domain.Error", err, len(stmts))
			}
			if de.Code != domain.CodeInvalid || !strings.Contains(de.Message, c.msg) {
				t.Errorf("error = %s %q, want code invalid and %q", de.Code, de.Message, c.msg)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		name string
		text string
		want int
	}{
		{"sgml header after blank lines", "\r\n\r\nOFXHEADER:100\r\nDATA:OFXSGML\r\n", 95},
		{"xml processing instruction", `<?xml version="1.0"?><?OFX OFXHEADER="200"?>`, 95},
		{"bare root", "<OFX><BANKMSGSRSV1>", 95},
		{"root in lower case", "<ofx>", 95},
		{"transactions only", strings.Repeat("x", 2000) + "<STMTTRN><TRNAMT>1", 60},
		{"csv", "Data;Histórico;Valor\n01/01/2024;PIX;-1,00\n", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := New().Detect(source.NewSample("x", "", []byte(c.text))); got != c.want {
				t.Errorf("Detect = %d, want %d", got, c.want)
			}
		})
	}
	if got := New().Detect(source.NewSample("x.ofx", "", []byte("%PDF-1.4 <OFX>"))); got != 0 {
		t.Errorf("Detect(pdf) = %d, want 0", got)
	}
}

// TestForcedBank: --bank wins over the file and says so when they differ.
func TestForcedBank(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "ofxparse_suncorp.ofx"))
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := New().Parse(context.Background(), source.NewSample("x.ofx", "inter", raw))
	if err != nil {
		t.Fatal(err)
	}
	if stmts[0].Bank != "inter" || stmts[0].Account.BankCode != "077" {
		t.Errorf("bank = %s code %s, want inter 077", stmts[0].Bank, stmts[0].Account.BankCode)
	}
	raw, _ = os.ReadFile(filepath.Join("testdata", "ofxsharp_itau.ofx"))
	stmts, _ = New().Parse(context.Background(), source.NewSample("x.ofx", "bradesco", raw))
	if stmts[0].Bank != "bradesco" || !strings.Contains(strings.Join(stmts[0].Warnings, " "), "difere") {
		t.Errorf("bank = %s warnings %q", stmts[0].Bank, stmts[0].Warnings)
	}
}

func TestParseDate(t *testing.T) {
	cases := map[string]string{
		"20131209100000[-03:EST]":    "2013-12-09",
		"20140305120000[-3:BRT]":     "2014-03-05",
		"20240131000000[-3:GMT]":     "2024-01-31",
		"20241104174705[0:GMT]":      "2024-11-04",
		"20240901000000":             "2024-09-01",
		"20090401122017.000[-5:EST]": "2009-04-01",
		"20180507":                   "2018-05-07",
		"20180804093914:014":         "2018-08-04",
		"2014020100000[-03:EST]":     "2014-02-01",
		"20240131235959[+14:LINT]":   "2024-01-31",
		" 2024-02-29 ":               "2024-02-29",
	}
	for in, want := range cases {
		d, err := parseDate(in)
		if err != nil || d.String() != want {
			t.Errorf("parseDate(%q) = %s, %v; want %s", in, d, err, want)
		}
	}
	for _, bad := range []string{"", "00000000000000", "201120000000", "20120231", "2024013", "abc"} {
		if d, err := parseDate(bad); err == nil {
			t.Errorf("parseDate(%q) = %s, want error", bad, d)
		}
	}
}
