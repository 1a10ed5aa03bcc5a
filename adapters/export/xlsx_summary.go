package export

import (
	"strconv"

	"github.com/bankflow/bankflow/domain"
	"github.com/xuri/excelize/v2"
)

// rowNoteHeader are the columns of the "Linhas" sheet.
var rowNoteHeader = []string{"Conta", "Linha", "Tipo", "Motivo", "Texto"}

// writeSummary fills "Resumo": one block of label/value rows per statement,
// with a blank row between blocks.
func writeSummary(f *excelize.File, st styles, stmts []summary) error {
	sw, err := f.NewStreamWriter(SheetSummary)
	if err != nil {
		return err
	}
	if err := setWidths(sw, 28, 60); err != nil {
		return err
	}
	r := 1
	put := func(label string, value any) error {
		err := sw.SetRow("A"+strconv.Itoa(r), []any{excelize.Cell{StyleID: st.label, Value: label}, value})
		r++
		return err
	}
	for i := range stmts {
		s := &stmts[i].st
		credits, debits := stmts[i].credits, stmts[i].debits
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
			{"Saldo inicial (R$)", optionalNumber(s.Opening, st.money)},
			{"Saldo final (R$)", optionalNumber(s.Closing, st.money)},
			{"Total de créditos (R$)", numberCell(credits, st.money)},
			{"Total de débitos (R$)", numberCell(debits, st.money)},
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
			if err := put("Aviso", excelize.Cell{StyleID: st.wrap, Value: clean(w)}); err != nil {
				return err
			}
		}
		r++ // blank row between statements
	}
	return sw.Flush()
}

// writeRowNotes fills "Linhas": every input row that did not become a
// transaction and carries a reason (all rejected rows do).
func writeRowNotes(f *excelize.File, st styles, stmts []summary) error {
	sw, err := f.NewStreamWriter(SheetRows)
	if err != nil {
		return err
	}
	if err := setWidths(sw, 16, 8, 18, 50, 80); err != nil {
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

func optionalNumber(m domain.OptionalMoney, style int) any {
	if !m.Valid {
		return "Não informado"
	}
	return numberCell(m.Value, style)
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
