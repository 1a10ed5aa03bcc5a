package export_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/export"
	"github.com/bankflow/bankflow/domain"
	"github.com/xuri/excelize/v2"
)

func openWorkbook(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func cell(t *testing.T, f *excelize.File, sheet, ref string) (string, excelize.CellType) {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	typ, err := f.GetCellType(sheet, ref)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	return v, typ
}

func TestXLSXTransactionsSheet(t *testing.T) {
	stmts := fixture(t)
	f := openWorkbook(t, render(t, export.NewXLSX(), stmts))

	if got := f.GetSheetList(); strings.Join(got, ",") != "Transações,Resumo,Linhas" {
		t.Fatalf("sheets = %v", got)
	}
	rows, err := f.GetRows(export.SheetTransactions)
	if err != nil {
		t.Fatal(err)
	}
	want := len(stmts[0].Transactions) + len(stmts[1].Transactions) + 1
	if len(rows) != want {
		t.Fatalf("%d rows, want %d (header + transactions)", len(rows), want)
	}
	if strings.Join(rows[0], "|") != "Data|Descrição|Documento|Valor (R$)|Saldo (R$)|Banco|Agência|Conta|FITID" {
		t.Errorf("header = %v", rows[0])
	}

	r := 2
	for _, s := range stmts {
		for _, tx := range s.Transactions {
			n := strconv.Itoa(r)
			// Amounts: number cells holding exactly Money.String().
			v, typ := cell(t, f, export.SheetTransactions, "D"+n)
			if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber || v != tx.Amount.String() {
				t.Errorf("D%s = %q (type %v), want number %s", n, v, typ, tx.Amount)
			}
			// Dates: number cells (serial days) shown as dd/mm/yyyy.
			shown, _ := f.GetCellValue(export.SheetTransactions, "A"+n)
			if shown != tx.Date.BR() {
				t.Errorf("A%s shows %q, want %q", n, shown, tx.Date.BR())
			}
			if _, typ := cell(t, f, export.SheetTransactions, "A"+n); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
				t.Errorf("A%s is a text cell, want a date number", n)
			}
			// Text stays text, exactly.
			if d, typ := cell(t, f, export.SheetTransactions, "B"+n); d != tx.Description || typ != excelize.CellTypeInlineString {
				t.Errorf("B%s = %q (type %v), want text %q", n, d, typ, tx.Description)
			}
			r++
		}
	}
	if v, _ := cell(t, f, export.SheetTransactions, "E3"); v != "1234.56" {
		t.Errorf("running balance E3 = %q, want 1234.56", v)
	}
	if v, _ := cell(t, f, export.SheetTransactions, "F2"); v != "Itaú" {
		t.Errorf("bank F2 = %q", v)
	}
	style, err := f.GetCellStyle(export.SheetTransactions, "D2")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(style)
	if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "#,##0.00;[Red]-#,##0.00" {
		t.Errorf("amount style = %+v (%v), want the currency format", st, err)
	}
	if shown, _ := f.GetCellValue(export.SheetTransactions, "D2"); shown != "-150.00" {
		t.Errorf("D2 shows %q, want -150.00", shown)
	}

	panes, err := f.GetPanes(export.SheetTransactions)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	names := f.GetDefinedName()
	found := false
	for _, n := range names {
		if n.Name == "_xlnm._FilterDatabase" && strings.Contains(n.RefersTo, "$A$1:$I$11") {
			found = true
		}
	}
	if !found {
		t.Errorf("no autofilter over A1:I11 in %+v", names)
	}
}

func TestXLSXNeverWritesFormulas(t *testing.T) {
	stmts := fixture(t)
	stmts[1].Transactions[0].Description = "\uE000-1.00" // text posing as our number mark
	f := openWorkbook(t, render(t, export.NewXLSX(), stmts))
	if v, typ := cell(t, f, export.SheetTransactions, "B10"); v != "-1.00" || typ != excelize.CellTypeInlineString {
		t.Errorf("B10 = %q (type %v), want the text -1.00", v, typ)
	}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if formula, _ := f.GetCellFormula(sheet, ref); formula != "" {
					t.Errorf("%s!%s has formula %q", sheet, ref, formula)
				}
			}
		}
	}
	if v, _ := f.GetCellValue(export.SheetTransactions, "B3"); v != hostile[0] {
		t.Errorf("=HYPERLINK description became %q", v)
	}
}

func TestXLSXSummaryAndRows(t *testing.T) {
	stmts := fixture(t)
	stmts[1].Opening, stmts[1].Closing = domain.Known(0), domain.Known(1)
	domain.Reconcile(&stmts[1])
	f := openWorkbook(t, render(t, export.NewXLSX(), stmts))

	rows, err := f.GetRows(export.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string][]string{}
	for _, r := range rows {
		if len(r) == 2 {
			values[r[0]] = append(values[r[0]], r[1])
		}
	}
	checks := map[string][]string{
		"Banco":                  {"Itaú", "Nubank"},
		"Conta":                  {"12345-6", "nubank-cartao"},
		"Período":                {"02/01/2024 a 31/01/2024", "10/02/2024 a 12/02/2024"},
		"Saldo inicial (R$)":     {"1,000.00", "0.00"},
		"Saldo final (R$)":       {"1,234.56", "0.01"},
		"Total de créditos (R$)": {"1,000,000,384.61", "49.90"},
		"Número de lançamentos":  {"8", "2"},
		"Conciliação":            {"Conferido", "Divergente (diferença R$ 0,01)"},
		"Tipo":                   {"Conta corrente", "Cartão de crédito"},
	}
	for label, want := range checks {
		if strings.Join(values[label], "|") != strings.Join(want, "|") {
			t.Errorf("Resumo %q = %v, want %v", label, values[label], want)
		}
	}
	if got := values["Aviso"]; len(got) != 1 || !strings.Contains(got[0], "CHARSET") {
		t.Errorf("warnings in Resumo = %v", got)
	}

	notes, err := f.GetRows(export.SheetRows)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 3 || notes[2][2] != "Rejeitada" || notes[2][3] != "data inválida" || notes[2][4] != "=cmd|' /C calc'!A0" {
		t.Errorf("Linhas = %q", notes)
	}
}

func TestXLSXReconciliationLabels(t *testing.T) {
	d := date(t, 2024, 3, 7)
	cases := []struct {
		r    domain.Reconciliation
		want string
	}{
		{domain.Reconciliation{Status: domain.ReconBalanced}, "Conferido"},
		{domain.Reconciliation{Status: domain.ReconMismatch, Difference: -123456, BreakDate: d}, "Divergente (diferença R$ -1.234,56; quebra em 07/03/2024)"},
		{domain.Reconciliation{Status: domain.ReconUnknown}, "Sem saldos para conferir"},
	}
	for _, c := range cases {
		s := fixture(t)[:1]
		s[0].Reconciliation = c.r
		f := openWorkbook(t, render(t, export.NewXLSX(), s))
		rows, _ := f.GetRows(export.SheetSummary)
		got := ""
		for _, r := range rows {
			if len(r) == 2 && r[0] == "Conciliação" {
				got = r[1]
			}
		}
		if got != c.want {
			t.Errorf("Conciliação = %q, want %q", got, c.want)
		}
	}
}

func TestXLSXEmpty(t *testing.T) {
	f := openWorkbook(t, render(t, export.NewXLSX(), nil))
	rows, err := f.GetRows(export.SheetTransactions)
	if err != nil || len(rows) != 1 {
		t.Errorf("empty export: %d rows, %v", len(rows), err)
	}
}

// TestXLSXColumnWidths: descriptions and reasons get wide columns, so the
// workbook reads well when it opens, without resizing.
func TestXLSXColumnWidths(t *testing.T) {
	f := openWorkbook(t, render(t, export.NewXLSX(), fixture(t)))
	cases := []struct {
		sheet, col string
		want       int
	}{
		{export.SheetTransactions, "A", 12}, // Data
		{export.SheetTransactions, "B", 50}, // Descrição
		{export.SheetTransactions, "I", 24}, // FITID
		{export.SheetRows, "D", 50},         // Motivo
		{export.SheetRows, "E", 80},         // Texto
	}
	for _, c := range cases {
		w, err := f.GetColWidth(c.sheet, c.col)
		if err != nil {
			t.Fatalf("%s!%s: %v", c.sheet, c.col, err)
		}
		if w != float64(c.want) {
			t.Errorf("%s column %s width %v, want %d", c.sheet, c.col, w, c.want)
		}
	}
}
