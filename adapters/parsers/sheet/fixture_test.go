package sheet

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The workbooks below imitate what the banks' internet banking exports
// (formats/README.md §3.10): real date cells and serials, currency formats,
// a logo row above the data. testdata/itau.xlsx and testdata/bb.xlsx are
// these same builders' output, committed; regenerate them with
// BANKFLOW_UPDATE_FIXTURES=1 go test ./adapters/parsers/sheet.

// book builds a workbook with one sheet named name and the given rows.
// Cell values: string → text, money → number with a currency format,
// time.Time → date cell, serial → number with a dd/mm/yyyy format, int →
// plain number, float64 → number written with all its float digits.
type money string // the exact decimal text stored in the XML ("-150.5")
type serial int

func book(t testing.TB, name string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		t.Fatal(err)
	}
	currency := `"R$" #,##0.00;[Red]-"R$" #,##0.00`
	moneyStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &currency})
	if err != nil {
		t.Fatal(err)
	}
	dateFmt := "dd/mm/yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		t.Fatal(err)
	}
	builtinDate, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			switch v := v.(type) {
			case nil:
			case money:
				must(t, f.SetCellDefault(name, cell, string(v)))
				must(t, f.SetCellStyle(name, cell, cell, moneyStyle))
			case time.Time:
				must(t, f.SetCellValue(name, cell, v))
				must(t, f.SetCellStyle(name, cell, cell, builtinDate))
			case serial:
				must(t, f.SetCellInt(name, cell, int64(v)))
				must(t, f.SetCellStyle(name, cell, cell, dateStyle))
			case float64:
				must(t, f.SetCellFloat(name, cell, v, -1, 64))
			default:
				must(t, f.SetCellValue(name, cell, v))
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// itauBook is sheet "Lançamentos": a logo cell, the account block, then the
// table with real date cells and currency amounts.
func itauBook(t testing.TB) []byte {
	return book(t, "Lançamentos", [][]any{
		{"Logotipo Itaú"},
		{"Agência: 1234  Conta: 12345-6"},
		{},
		{"data", "lançamento", "ag./origem", "valor (R$)", "saldos (R$)"},
		{day(2023, 12, 29), "SALDO ANTERIOR", nil, nil, money("1000")},
		{day(2024, 1, 2), "PIX ENVIADO JOAO", nil, money("-150.5"), nil},
		{day(2024, 1, 3), "TED RECEBIDA EMPRESA", "0341", money("1234.56"), nil},
		{day(2024, 1, 3), "SALDO DO DIA", nil, nil, money("2084.06")},
		{day(2024, 1, 31), "TARIFA PACOTE", nil, money("-0.3"), nil},
		{day(2024, 1, 31), "SALDO DO DIA", nil, nil, money("2083.76")},
	})
}

// bbBook is sheet "Extrato": a title row, then BB's columns with unsigned
// values and Entrada/Saída, dates as serial numbers with a date format.
func bbBook(t testing.TB) []byte {
	return book(t, "Extrato", [][]any{
		{"Extrato Conta Corrente"},
		{"Data", "Lançamento", "Detalhes", "N° documento", "Valor", "Tipo Lançamento"},
		{serial(45288), "Saldo Anterior", nil, nil, money("1000"), nil},
		{serial(45288), "Pix - Recebido", "28/12 10:15 FULANO DE TAL", "281201", money("500"), "Entrada"},
		{serial(45293), "Pagamento de Boleto", "ENEL DISTRIBUICAO", "020101", money("1234.56"), "Saída"},
		{serial(45293), "Saldo do dia", nil, nil, money("265.44"), nil},
	})
}

// santanderBook is sheet "Sheet0" with the AGENCIA/CONTA row, General
// numbers for the amounts and a float-noise value.
func santanderBook(t testing.TB) []byte {
	return book(t, "Sheet0", [][]any{
		{"AGENCIA", 1234, "CONTA", "01012345-6"},
		{"Data", "Histórico", "Documento", "Valor (R$)", "Saldo (R$)"},
		{"02/01/2024", "SALDO ANTERIOR", nil, nil, 1000},
		{"03/01/2024", "PIX RECEBIDO FULANO", "000123", 250.1, 1250.1},
		{"03/01/2024", "ESTORNO TARIFA", nil, noise(), 1250.4},
		{"04/01/2024", "PAGAMENTO CARTAO", "000456", -1300.4, -50.0},
	})
}

// noise is 0.1 + 0.2 as a binary float: 0.30000000000000004.
func noise() float64 {
	a, b := 0.1, 0.2
	return a + b
}

func TestWriteFixtures(t *testing.T) {
	if os.Getenv("BANKFLOW_UPDATE_FIXTURES") == "" {
		t.Skip("set BANKFLOW_UPDATE_FIXTURES=1 to regenerate testdata/*.xlsx")
	}
	for name, data := range map[string][]byte{"itau.xlsx": itauBook(t), "bb.xlsx": bbBook(t)} {
		if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
