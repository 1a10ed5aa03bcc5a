package export

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/bankflow/bankflow/domain"
	"github.com/xuri/excelize/v2"
)

// rowNoteHeader are the columns of the "Linhas" sheet.
var rowNoteHeader = []string{"Conta", "Linha", "Tipo", "Motivo", "Texto"}

// writeSummary fills "Resumo": one block of label/value rows per statement,
// with a blank row between blocks. The sheet is small, so it is written
// cell by cell: amounts through SetCellDefault, which stores the decimal
// text as the number cell's value, digit for digit (no binary float).
func writeSummary(f *excelize.File, st styles, stmts []summary) error {
	const sheet = SheetSummary
	if err := f.SetColWidth(sheet, "A", "A", 28); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 60); err != nil {
		return err
	}
	r := 1
	put := func(label string, value any) error {
		a, b := "A"+strconv.Itoa(r), "B"+strconv.Itoa(r)
		r++
		if err := f.SetCellStr(sheet, a, label); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, a, a, st.label); err != nil {
			return err
		}
		switch v := value.(type) {
		case domain.Money:
			if err := f.SetCellDefault(sheet, b, v.String()); err != nil {
				return err
			}
			return f.SetCellStyle(sheet, b, b, st.money)
		case int:
			return f.SetCellInt(sheet, b, int64(v))
		case wrapped:
			if err := f.SetCellStr(sheet, b, string(v)); err != nil {
				return err
			}
			return f.SetCellStyle(sheet, b, b, st.wrap)
		case string:
			if v == "" {
				return nil
			}
			return f.SetCellStr(sheet, b, v)
		}
		return fmt.Errorf("summary value %T", value)
	}
	for i := range stmts {
		s := &stmts[i].st
		rows := []struct {
			label string
			value any
		}{
			{"Banco", clean(bankName(s))},
			{"Código do banco", clean(s.Account.BankCode)},
			{"Agência", clean(s.Account.Branch)},
			{"Conta", clean(s.Account.Number)},
			{"Tipo", accountTypeLabel(s.Account.Type)},
			{"Período", periodLabel(s.Period)},
			{"Saldo inicial (R$)", optionalNumber(s.Opening)},
			{"Saldo final (R$)", optionalNumber(s.Closing)},
			{"Total de créditos (R$)", stmts[i].credits},
			{"Total de débitos (R$)", stmts[i].debits},
			{"Número de lançamentos", stmts[i].count},
			{"Conciliação", reconLabel(s.Reconciliation)},
			{"Linhas do arquivo", s.Rows.Total()},
			{"Linhas de saldo", s.Rows.Balance},
			{"Linhas de cabeçalho", s.Rows.Header},
			{"Lançamentos futuros", s.Rows.Future},
			{"Linhas ignoradas", s.Rows.Ignored},
			{"Linhas rejeitadas", s.Rows.Rejected},
		}
		for _, row := range rows {
			if err := put(row.label, row.value); err != nil {
				return err
			}
		}
		if len(s.Warnings) == 0 {
			if err := put("Avisos", "Nenhum"); err != nil {
				return err
			}
		}
		for _, w := range s.Warnings {
			if err := put("Aviso", wrapped(clean(w))); err != nil {
				return err
			}
		}
		r++ // blank row between statements
	}
	return nil
}

// wrapped is summary text shown with line wrapping.
type wrapped string

// writeRowNotes fills "Linhas": every input row that did not become a
// transaction and carries a reason (all rejected rows do).
func writeRowNotes(f *excelize.File, st styles, stmts []summary) error {
	sw, err := f.NewStreamWriter(SheetRows)
	if err != nil {
		return err
	}
	// Column widths in characters, as constants: no variable of a
	// floating-point type exists in this package.
	if err := errors.Join(
		sw.SetColWidth(1, 1, 16), // Conta
		sw.SetColWidth(2, 2, 8),  // Linha
		sw.SetColWidth(3, 3, 18), // Tipo
		sw.SetColWidth(4, 4, 50), // Motivo
		sw.SetColWidth(5, 5, 80), // Texto
	); err != nil {
		return err
	}
	if err := freezeHeader(sw); err != nil {
		return err
	}
	if err := sw.SetRow("A1", headerRow(rowNoteHeader, st.header)); err != nil {
		return err
	}
	r := 2
	for i := range stmts {
		s := &stmts[i].st
		account := text(s.Account.Number)
		for _, n := range s.Rows.Notes {
			row := []any{account, n.Line, kindLabel(n.Kind), text(n.Reason), text(n.Text)}
			if err := sw.SetRow("A"+strconv.Itoa(r), row); err != nil {
				return err
			}
			r++
		}
	}
	if r == 2 {
		row := []any{nil, nil, nil, "Todas as linhas foram lidas como lançamentos, saldos ou cabeçalhos (contagem no Resumo)."}
		if err := sw.SetRow("A2", row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func optionalNumber(m domain.OptionalMoney) any {
	if !m.Valid {
		return "Não informado"
	}
	return m.Value
}

func periodLabel(p domain.Period) string {
	switch {
	case p.Start.IsZero() && p.End.IsZero():
		return "Não informado"
	case p.Start.IsZero():
		return "até " + p.End.BR()
	case p.End.IsZero():
		return "a partir de " + p.Start.BR()
	}
	return p.Start.BR() + " a " + p.End.BR()
}

func accountTypeLabel(t domain.AccountType) string {
	switch t {
	case domain.AccountSavings:
		return "Poupança"
	case domain.AccountCreditCard:
		return "Cartão de crédito"
	case domain.AccountChecking:
		return "Conta corrente"
	}
	return "Não informado"
}
