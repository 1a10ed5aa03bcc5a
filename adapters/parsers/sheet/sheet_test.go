package sheet

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

func TestNumberText(t *testing.T) {
	tests := []struct {
		raw      string
		decimals bool
		want     string
	}{
		{"1234.56", false, "1234,56"},
		{"-150.5", false, "-150,50"},
		{"100", false, "100"},
		{"100", true, "100,00"},
		{"0.30000000000000004", false, "0,30"},                    // float noise rounded on the digits
		{"1234.5599999999999", false, "1234,56"},                  // noise with a carry
		{"-99.999999999999986", false, "-100,00"},                 // carry into the integer part
		{"1.234", false, "1,234"},                                 // three real decimals: kept, the money parser refuses it
		{"1.5E-2", false, "0,015"},                                // exponent notation
		{"1.23456E+5", false, "123456"},                           // exponent to an integer
		{"-0", false, "0"},                                        // no negative zero
		{"0.1", true, "0,10"},                                     //
		{"123456789012345678.91", false, "123456789012345678,91"}, // beyond float64 precision, exact
	}
	for _, tc := range tests {
		got, ok := numberText(tc.raw, tc.decimals)
		if !ok || got != tc.want {
			t.Errorf("numberText(%q, %v) = %q, %v; want %q", tc.raw, tc.decimals, got, ok, tc.want)
		}
	}
	for _, bad := range []string{"", "abc", "1,5", "1.2.3", "1E999", "--1", "."} {
		if got, ok := numberText(bad, false); ok {
			t.Errorf("numberText(%q) = %q, want not a number", bad, got)
		}
	}
}

func TestSerialDate(t *testing.T) {
	tests := []struct {
		raw      string
		date1904 bool
		want     string
	}{
		{"45292", false, "01/01/2024"},
		{"45292.75", false, "01/01/2024"}, // the time of day is dropped
		{"1", false, "01/01/1900"},
		{"61", false, "01/03/1900"}, // after the phantom 29/02/1900
		{"43830", true, "01/01/2024"},
	}
	for _, tc := range tests {
		got, ok := serialDate(tc.raw, tc.date1904)
		if !ok || got != tc.want {
			t.Errorf("serialDate(%q, %v) = %q, %v; want %q", tc.raw, tc.date1904, got, ok, tc.want)
		}
	}
	for _, bad := range []string{"60", "0", "-5", "abc", "999999999"} {
		if got, ok := serialDate(bad, false); ok {
			t.Errorf("serialDate(%q) = %q, want refused", bad, got)
		}
	}
}

func TestCustomClass(t *testing.T) {
	tests := map[string]numClass{
		"dd/mm/yyyy":                        classDate,
		"[$-416]d/m/yy;@":                   classDate,
		"mmm/yy":                            classDate,
		`"R$" #,##0.00;[Red]-"R$" #,##0.00`: classDecimal,
		"[$R$-416] #,##0.00":                classDecimal,
		"#,##0.00_);(#,##0.00)":             classDecimal,
		"General":                           classGeneral,
		"hh:mm":                             classGeneral,
		`"Saldo dia" 0`:                     classGeneral,
		"@":                                 classGeneral,
	}
	for code, want := range tests {
		if got := customClass(code); got != want {
			t.Errorf("customClass(%q) = %d, want %d", code, got, want)
		}
	}
}

// TestWorkbookGrid checks the cells handed to the table layouts: dates as
// DD/MM/YYYY whatever their cell kind, amounts exact in Brazilian notation,
// text as stored.
func TestWorkbookGrid(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		row  int
		want []string
	}{
		{"itaú date cell and currency", itauBook(t), 5, []string{"02/01/2024", "PIX ENVIADO JOAO", "", "-150,50"}},
		{"itaú logo row", itauBook(t), 0, []string{"Logotipo Itaú"}},
		{"bb serial with date format", bbBook(t), 4, []string{"02/01/2024", "Pagamento de Boleto", "ENEL DISTRIBUICAO", "020101", "1234,56", "Saída"}},
		{"santander float noise", santanderBook(t), 4, []string{"03/01/2024", "ESTORNO TARIFA", "", "0,30", "1250,40"}},
		{"santander agência as a number", santanderBook(t), 0, []string{"AGENCIA", "1234", "CONTA", "01012345-6"}},
		{"general serial under a date title", book(t, "Plan1", [][]any{
			{"Data", "Histórico", "Valor", "Documento"},
			{45293, "PIX", 10.5, "00123"},
		}), 1, []string{"02/01/2024", "PIX", "10,50", "00123"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			grids, err := readWorkbook(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if got := grids[0].grid[tc.row]; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("row %d = %q, want %q", tc.row+1, got, tc.want)
			}
		})
	}
}

func TestXLSXStatements(t *testing.T) {
	tests := []struct {
		name             string
		data             []byte
		bank             string
		branch, number   string
		count            int
		sum              domain.Money
		opening, closing domain.OptionalMoney
		parser           string
	}{
		{"itaú built", itauBook(t), domain.BankItau, "1234", "12345-6", 3, 108376, domain.Known(100000), domain.Known(208376), "itau-xlsx"},
		{"itaú testdata", read(t, "testdata/itau.xlsx"), domain.BankItau, "1234", "12345-6", 3, 108376, domain.Known(100000), domain.Known(208376), "itau-xlsx"},
		{"bb testdata", read(t, "testdata/bb.xlsx"), domain.BankBB, "", "", 2, -73456, domain.Known(100000), domain.Known(26544), "bb-xlsx"},
		{"santander built", santanderBook(t), domain.BankSantander, "1234", "01012345-6", 3, -105000, domain.Known(100000), domain.Known(-5000), "santander-xlsx"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := source.NewSample("extrato.xlsx", "", tc.data)
			if got := NewXLSX().Detect(s); got != 90 {
				t.Errorf("Detect = %d, want 90", got)
			}
			stmts, err := NewXLSX().Parse(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			if len(stmts) != 1 {
				t.Fatalf("%d statements, want 1", len(stmts))
			}
			st := stmts[0]
			if st.Bank != tc.bank || st.Format != domain.FormatXLSX || st.Parser != tc.parser {
				t.Errorf("bank/format/parser = %s/%s/%s", st.Bank, st.Format, st.Parser)
			}
			if st.Account.Branch != tc.branch || st.Account.Number != tc.number {
				t.Errorf("account = %q %q, want %q %q", st.Account.Branch, st.Account.Number, tc.branch, tc.number)
			}
			var sum domain.Money
			for _, tx := range st.Transactions {
				sum += tx.Amount
			}
			if len(st.Transactions) != tc.count || sum != tc.sum {
				t.Errorf("%d transactions summing %s, want %d summing %s", len(st.Transactions), sum, tc.count, tc.sum)
			}
			domain.DeriveBalances(&st)
			if st.Opening != tc.opening || st.Closing != tc.closing {
				t.Errorf("opening/closing = %+v/%+v, want %+v/%+v", st.Opening, st.Closing, tc.opening, tc.closing)
			}
			if r := domain.Reconcile(&st); r.Status != domain.ReconBalanced {
				t.Errorf("reconciliation = %+v, want balanced", r)
			}
			if st.Rows.Rejected != 0 {
				t.Errorf("rejected rows: %+v", st.Rows.RejectedNotes())
			}
		})
	}
}

func TestXLSXRefused(t *testing.T) {
	notStatement := book(t, "Resumo", [][]any{{"Cliente", "Cidade"}, {"Fulano", "Recife"}})
	tests := []struct {
		name string
		data []byte
		code domain.Code
		msg  string
	}{
		{"corrupt zip", []byte("PK\x03\x04\x14\x00garbage that is no zip"), domain.CodeInvalid, "corrompido"},
		{"truncated workbook", itauBook(t)[:600], domain.CodeInvalid, "corrompido"},
		{"zip without a workbook", zipOf(t, map[string]string{"hello.txt": "oi"}), domain.CodeUnsupported, "não é uma planilha"},
		{"no statement-like sheet", notStatement, domain.CodeUnsupported, `"Resumo"`},
		{"broken sheet xml", brokenSheet(t), domain.CodeInvalid, "corrompido"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewXLSX().Parse(context.Background(), source.NewSample("x.xlsx", "", tc.data))
			if domain.ErrorCode(err) != tc.code || !strings.Contains(domain.ErrorMessage(err), tc.msg) {
				t.Errorf("err = %v, want %s with %q", err, tc.code, tc.msg)
			}
		})
	}
}

func TestXLS(t *testing.T) {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	s := source.NewSample("extrato.xls", "", ole)
	if got := NewXLS().Detect(s); got != 90 {
		t.Errorf("Detect = %d, want 90", got)
	}
	_, err := NewXLS().Parse(context.Background(), s)
	if domain.ErrorCode(err) != domain.CodeUnsupported ||
		!strings.Contains(domain.ErrorMessage(err), "Arquivo › Salvar como › Pasta de Trabalho do Excel (.xlsx) ou CSV") {
		t.Errorf("err = %v", err)
	}
	if got := NewXLS().Detect(source.NewSample("x.xlsx", "", itauBook(t))); got != 0 {
		t.Errorf("XLS claims an xlsx: %d", got)
	}
}

func read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
