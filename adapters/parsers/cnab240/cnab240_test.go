package cnab240

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// The six sample files carry the same generated movements under different
// bank codes: 3 credits (R$ 11.323,07) and 6 debits (R$ 16.336,22), opening
// R$ 932.410,81 C and closing R$ 211.365,49 C. The generator drew the
// balances at random, so they do not add up: opening + movements is
// R$ 927.397,66, R$ 716.032,17 above the closing balance.
const (
	sampleCount   = 9
	sampleSum     = domain.Money(1132307 - 1633622)
	sampleOpening = domain.Money(93241081)
	sampleClosing = domain.Money(21136549)
	sampleDiff    = sampleClosing - (sampleOpening + sampleSum)
	sampleLines   = 13
)

func TestParseSamples(t *testing.T) {
	tests := []struct {
		file, bank, code, branch, number string
	}{
		{"conciliacao_bb.ret", domain.BankBB, "001", "0679-9", "2726711-0"},
		{"conciliacao_bradesco.ret", domain.BankBradesco, "237", "0679-9", "2726711-0"},
		{"conciliacao_caixa.ret", domain.BankCaixa, "104", "0679-9", "2726711-0"},
		{"conciliacao_daycoval.ret", domain.BankUnknown, "707", "0679-9", "2726711-0"},
		// The Itaú writer leaves position 71 blank and puts the DAC at 72.
		{"conciliacao_itau.ret", domain.BankItau, "341", "0679-9", "27267110-9"},
		{"conciliacao_santander.ret", domain.BankSantander, "033", "0679-9", "2726711-0"},
	}
	files, err := filepath.Glob("testdata/*.ret")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Fatalf("testdata has %d .ret files, the table covers %d: add the new file to the table", len(files), len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			s := sample(t, mustRead(t, filepath.Join("testdata", tc.file)))
			if got := New().Detect(s); got != 95 {
				t.Errorf("Detect = %d, want 95", got)
			}
			stmts := parse(t, s)
			if len(stmts) != 1 {
				t.Fatalf("got %d statements, want 1", len(stmts))
			}
			st := stmts[0]
			if st.Bank != tc.bank || st.Account.BankCode != tc.code {
				t.Errorf("bank = %q/%q, want %q/%q", st.Bank, st.Account.BankCode, tc.bank, tc.code)
			}
			if st.Account.Branch != tc.branch || st.Account.Number != tc.number {
				t.Errorf("account = %q %q, want %q %q", st.Account.Branch, st.Account.Number, tc.branch, tc.number)
			}
			if st.Format != domain.FormatCNAB240 || st.Account.Currency != "BRL" {
				t.Errorf("format/currency = %q/%q", st.Format, st.Account.Currency)
			}
			if len(st.Transactions) != sampleCount {
				t.Fatalf("got %d transactions, want %d", len(st.Transactions), sampleCount)
			}
			if got := sum(st.Transactions); got != sampleSum {
				t.Errorf("sum = %s, want %s", got, sampleSum)
			}
			credits, debits := st.Totals()
			if credits != 1132307 || debits != -1633622 {
				t.Errorf("totals = %s / %s, want 11323.07 / -16336.22", credits, debits)
			}
			if st.Opening != domain.Known(sampleOpening) || st.Closing != domain.Known(sampleClosing) {
				t.Errorf("opening/closing = %+v / %+v", st.Opening, st.Closing)
			}
			if len(st.Warnings) != 0 {
				t.Errorf("the trailer totals match the rows, yet warnings: %q", st.Warnings)
			}
			if st.Rows.Total() != sampleLines || st.Rows.Header != 4 || st.Rows.Transactions != sampleCount {
				t.Errorf("rows = %+v, want %d lines: 4 header, %d transactions", st.Rows, sampleLines, sampleCount)
			}
			wantPeriod := domain.Period{Start: date(t, "2022-12-05"), End: date(t, "2022-12-31")}
			if st.Period != wantPeriod {
				t.Errorf("period = %v, want %v", st.Period, wantPeriod)
			}
			first := st.Transactions[0]
			if first.Date != date(t, "2022-12-14") || first.Amount != 179371 ||
				first.Description != "ANTONIO E VERA INFORMATIC" || first.Line != 3 {
				t.Errorf("first transaction = %+v", first)
			}
			third := st.Transactions[2]
			if third.Amount != -61804 || third.Date != date(t, "2022-12-29") {
				t.Errorf("third transaction (a debit) = %+v", third)
			}
			domain.DeriveBalances(&st)
			r := domain.Reconcile(&st)
			if r.Status != domain.ReconMismatch || r.Difference != sampleDiff {
				t.Errorf("reconciliation = %+v, want mismatch of %s (the sample's balances are random)", r, sampleDiff)
			}
		})
	}
}

func TestDocumentPosition(t *testing.T) {
	// The document field 202-240 is read as printed, wherever the writer
	// aligned it.
	for file, want := range map[string]string{
		"conciliacao_bb.ret":       "OCRJN6Z90W",
		"conciliacao_bradesco.ret": "OCRJN6Z",
		"conciliacao_itau.ret":     "OCRJN6",
	} {
		st := parse(t, sample(t, mustRead(t, filepath.Join("testdata", file))))[0]
		if got := st.Transactions[0].Document; got != want {
			t.Errorf("%s: document = %q, want %q", file, got, want)
		}
	}
}

func TestDetect(t *testing.T) {
	bb := string(mustRead(t, "testdata/conciliacao_bb.ret"))
	tests := []struct {
		name string
		text string
		min  int
		max  int
	}{
		{"sample with CRLF", bb, 95, 95},
		{"sample with LF", strings.ReplaceAll(bb, "\r\n", "\n"), 95, 95},
		{"trailing spaces cut", trimLines(bb), 70, 70},
		{"cobrança retorno (service 01)", strings.Replace(bb, "1E0440", "1T0140", 1), 30, 30},
		{"OFX", "OFXHEADER:100\nDATA:OFXSGML\n<OFX>\n", 0, 0},
		{"CSV", "Data;Histórico;Valor\n01/02/2024;PIX;-10,00\n", 0, 0},
	}
	for _, tc := range tests {
		got := New().Detect(sample(t, []byte(tc.text)))
		if got < tc.min || got > tc.max {
			t.Errorf("%s: Detect = %d, want %d..%d", tc.name, got, tc.min, tc.max)
		}
	}
	if got := New().Detect(source.NewSample("x.xlsx", "", []byte("PK\x03\x04rest"))); got != 0 {
		t.Errorf("zip: Detect = %d, want 0", got)
	}
}

func TestParseVariants(t *testing.T) {
	bb := string(mustRead(t, "testdata/conciliacao_bb.ret"))
	lines := strings.Split(strings.TrimRight(bb, "\r\n"), "\r\n")

	t.Run("LF line breaks", func(t *testing.T) {
		st := parse(t, sample(t, []byte(strings.ReplaceAll(bb, "\r\n", "\n"))))[0]
		if len(st.Transactions) != sampleCount || len(st.Warnings) != 0 {
			t.Errorf("transactions = %d, warnings = %q", len(st.Transactions), st.Warnings)
		}
	})
	t.Run("trailing spaces cut", func(t *testing.T) {
		st := parse(t, sample(t, []byte(trimLines(bb))))[0]
		if len(st.Transactions) != sampleCount || sum(st.Transactions) != sampleSum {
			t.Errorf("transactions = %d, sum %s", len(st.Transactions), sum(st.Transactions))
		}
		if st.Transactions[0].Document != "OCRJN6Z90W" {
			t.Errorf("document = %q", st.Transactions[0].Document)
		}
		if !hasWarning(st, "não têm 240 caracteres") {
			t.Errorf("no width warning: %q", st.Warnings)
		}
	})
	t.Run("two accounts", func(t *testing.T) {
		second := make([]string, 0, 11)
		for _, l := range lines[1:12] {
			l = l[:3] + "0002" + l[7:]
			second = append(second, l[:58]+"000000123456"+l[70:])
		}
		all := append(append(append([]string{}, lines[:12]...), second...), lines[12])
		stmts := parse(t, sample(t, []byte(strings.Join(all, "\r\n")+"\r\n")))
		if len(stmts) != 2 {
			t.Fatalf("got %d statements, want 2", len(stmts))
		}
		if stmts[1].Account.Number != "123456-0" || len(stmts[1].Transactions) != sampleCount {
			t.Errorf("second account = %+v with %d transactions", stmts[1].Account, len(stmts[1].Transactions))
		}
		if got := stmts[0].Rows.Total() + stmts[1].Rows.Total(); got != len(all) {
			t.Errorf("rows of both statements = %d, want %d lines", got, len(all))
		}
	})
	t.Run("segment A rows in the lote", func(t *testing.T) {
		seg := lines[2][:13] + "A" + lines[2][14:]
		all := append(append(append([]string{}, lines[:3]...), seg), lines[3:]...)
		st := parse(t, sample(t, []byte(strings.Join(all, "\n"))))[0]
		if st.Rows.Ignored != 1 || !hasNote(st, domain.RowIgnored, "segmento A não é extrato") {
			t.Errorf("rows = %+v", st.Rows)
		}
		if len(st.Transactions) != sampleCount {
			t.Errorf("transactions = %d", len(st.Transactions))
		}
	})
	t.Run("trailer totals differ", func(t *testing.T) {
		tr := lines[11]
		tr = tr[:176] + "000000000001633600" + "000000000001132399" + tr[212:]
		all := append(append(append([]string{}, lines[:11]...), tr), lines[12])
		st := parse(t, sample(t, []byte(strings.Join(all, "\r\n"))))[0]
		if !hasWarning(st, "total de débitos de R$ 16.336,00, mas os lançamentos lidos somam R$ 16.336,22") ||
			!hasWarning(st, "total de créditos de R$ 11.323,99") {
			t.Errorf("warnings = %q", st.Warnings)
		}
	})
	t.Run("no trailers", func(t *testing.T) {
		st := parse(t, sample(t, []byte(strings.Join(lines[:11], "\r\n"))))[0]
		if st.Closing.Valid || len(st.Transactions) != sampleCount {
			t.Errorf("closing = %+v, transactions = %d", st.Closing, len(st.Transactions))
		}
		if !hasWarning(st, "não tem trailer") {
			t.Errorf("warnings = %q", st.Warnings)
		}
	})
}

func TestParseBadInput(t *testing.T) {
	bb := string(mustRead(t, "testdata/conciliacao_bb.ret"))
	lines := strings.Split(strings.TrimRight(bb, "\r\n"), "\r\n")
	with := func(i int, l string) []byte {
		all := append([]string{}, lines...)
		all[i] = l
		return []byte(strings.Join(all, "\r\n") + "\r\n")
	}
	tests := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"line truncated inside the value", with(2, lines[2][:160]), "linha truncada: 160 de 240"},
		{"line truncated before the date", with(2, lines[2][:100]), "data do lançamento inválida"},
		{"garbage in the value", with(2, lines[2][:150]+"00000000ABC0179371"+lines[2][168:]), "posições 151-169"},
		{"neither D nor C", with(2, lines[2][:168]+"X"+lines[2][169:]), "natureza (D/C)"},
		{"impossible date", with(2, lines[2][:134]+"3113202231132022"+lines[2][150:]), "data do lançamento inválida"},
		{"unknown record type", with(2, lines[2][:7]+"7"+lines[2][8:]), "tipo de registro"},
		{"line of 5 characters", with(2, "00100"), "linha truncada"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := parse(t, sample(t, tc.data))[0]
			if st.Rows.Rejected != 1 || !hasNote(st, domain.RowRejected, tc.reason) {
				t.Errorf("rows = %+v, want one rejected row with %q", st.Rows, tc.reason)
			}
			if len(st.Transactions) != sampleCount-1 || st.Rows.Total() != sampleLines {
				t.Errorf("transactions = %d, rows total %d", len(st.Transactions), st.Rows.Total())
			}
			if !hasWarning(st, "o banco informa total de") {
				t.Errorf("the trailer totals no longer match, but no warning: %q", st.Warnings)
			}
		})
	}
}

func TestParseRefused(t *testing.T) {
	bb := string(mustRead(t, "testdata/conciliacao_bb.ret"))
	tests := []struct {
		name string
		text string
		code domain.Code
		msg  string
	}{
		{"cobrança retorno", strings.Replace(bb, "1E0440", "1T0140", 1), domain.CodeUnsupported, "sem lote de extrato"},
		{"no file header", "hello\nworld\n", domain.CodeInvalid, "header de arquivo CNAB 240"},
		{"empty", "", domain.CodeInvalid, "vazio"},
		{"JPEG", "\xff\xd8\xff\xe0JFIF", domain.CodeUnsupported, "não é um texto CNAB 240"},
	}
	for _, tc := range tests {
		_, err := New().Parse(context.Background(), source.NewSample("x.ret", "", []byte(tc.text)))
		if domain.ErrorCode(err) != tc.code || !strings.Contains(domain.ErrorMessage(err), tc.msg) {
			t.Errorf("%s: err = %v, want %s with %q", tc.name, err, tc.code, tc.msg)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sample(t *testing.T, b []byte) *source.Sample {
	t.Helper()
	return source.NewSample("extrato.ret", "", b)
}

func parse(t *testing.T, s *source.Sample) []domain.Statement {
	t.Helper()
	stmts, err := New().Parse(context.Background(), s)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return stmts
}

func date(t *testing.T, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseISODate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sum(txs []domain.Transaction) domain.Money {
	var m domain.Money
	for _, tx := range txs {
		m += tx.Amount
	}
	return m
}

func trimLines(text string) string {
	lines := strings.Split(text, "\r\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\r\n")
}

func hasWarning(st domain.Statement, part string) bool {
	for _, w := range st.Warnings {
		if strings.Contains(w, part) {
			return true
		}
	}
	return false
}

func hasNote(st domain.Statement, kind domain.RowKind, part string) bool {
	for _, n := range st.Rows.Notes {
		if n.Kind == kind && strings.Contains(n.Reason, part) {
			return true
		}
	}
	return false
}
