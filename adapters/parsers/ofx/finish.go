package ofx

import (
	"fmt"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// finish fills the account, bank, period and balances of a statement from
// the fields collected while reading it.
func (b *builder) finish(s *stmtState) domain.Statement {
	st := s.st
	st.Format = domain.FormatOFX
	st.Parser = "ofx"

	code := source.BankCode(s.bankID)
	if len(code) == 3 {
		st.Account.BankCode = code
	} else if trim(s.bankID) != "" {
		st.Warn(fmt.Sprintf("BANKID %q não é um código de banco (COMPE) de 3 dígitos", trim(s.bankID)))
	}
	st.Account.Branch = trim(s.branch)
	st.Account.Number = trim(s.acct)
	st.Account.Type = accountType(s.acctType, s.card)
	st.Account.Currency = upper(trim(s.curdef))
	if st.Account.Currency == "" {
		st.Account.Currency = "BRL"
	}

	st.Bank = domain.BankUnknown
	if st.Account.BankCode != "" {
		st.Bank = source.BankSlug(st.Account.BankCode)
	}
	if st.Bank == domain.BankUnknown {
		st.Bank = bankOfFI(b.org, b.fid)
	}
	if b.forced != "" {
		if st.Bank != domain.BankUnknown && st.Bank != b.forced {
			st.Warn(fmt.Sprintf("banco informado (%s) difere do banco indicado no arquivo (%s); usado o banco informado", b.forced, st.Bank))
		}
		st.Bank = b.forced
	}
	if st.Account.BankCode == "" && st.Bank != domain.BankUnknown {
		st.Account.BankCode = source.CodeOfSlug(st.Bank)
	}

	st.Period.Start = periodDate(&st, "DTSTART", s.dtStart)
	st.Period.End = periodDate(&st, "DTEND", s.dtEnd)
	if !st.Period.Start.IsZero() && !st.Period.End.IsZero() && st.Period.End.Before(st.Period.Start) {
		st.Warn(fmt.Sprintf("período invertido no arquivo (DTSTART %s depois de DTEND %s)", st.Period.Start.BR(), st.Period.End.BR()))
	}
	st.FillPeriod()

	b.ledgerAndAvail(s, &st)

	if s.status != "" && trim(s.status) != "0" {
		msg := fmt.Sprintf("o banco informou o status %s para este extrato", trim(s.status))
		if s.message != "" {
			msg += ": " + trim(s.message)
		}
		st.Warn(msg)
	}
	if s.dupFITIDs > 0 {
		st.Warn(fmt.Sprintf("%d transação(ões) repetem o FITID de outra; todas foram mantidas (o FITID não é único neste banco)", s.dupFITIDs))
	}
	if s.noFITID > 0 {
		st.Warn(fmt.Sprintf("%d transação(ões) sem FITID; todas foram mantidas", s.noFITID))
	}
	st.Warnings = append(st.Warnings, b.warnings...)
	return st
}

func periodDate(st *domain.Statement, tag, v string) domain.Date {
	if trim(v) == "" {
		return domain.Date{}
	}
	d, err := parseDate(v)
	if err != nil {
		st.Warn(fmt.Sprintf("%s inválido (%q): período tomado das transações", tag, trim(v)))
		return domain.Date{}
	}
	return d
}

// ledgerAndAvail applies LEDGERBAL (closing balance when the file has no
// SALDO FINAL row) and records AVAILBAL as information only.
func (b *builder) ledgerAndAvail(s *stmtState, st *domain.Statement) {
	if l := s.ledger; l != nil {
		amount, err := parseAmount(l.amount)
		asOf, _ := parseDate(l.asOf)
		when := "data não informada"
		if !asOf.IsZero() {
			when = asOf.BR()
		}
		switch {
		case trim(l.amount) == "":
			st.Rows.Count(domain.RowIgnored, l.line, "LEDGERBAL sem valor: ignorado", "LEDGERBAL")
			st.Warn("o saldo LEDGERBAL está vazio no arquivo; saldo final desconhecido")
		case err != nil:
			st.Rows.Count(domain.RowIgnored, l.line, fmt.Sprintf("LEDGERBAL com valor inválido %q: ignorado", trim(l.amount)), "LEDGERBAL")
			st.Warn(fmt.Sprintf("o saldo LEDGERBAL tem valor inválido (%q); saldo final desconhecido", trim(l.amount)))
		case s.closingSet:
			st.Rows.Count(domain.RowBalance, l.line, fmt.Sprintf("LEDGERBAL (saldo em %s): informativo, o SALDO FINAL do extrato prevalece", when), "LEDGERBAL "+amount.BR())
			if amount != st.Closing.Value {
				st.Warn(fmt.Sprintf("LEDGERBAL (saldo em %s) de %s difere do SALDO FINAL de %s; usado o SALDO FINAL como saldo do período", when, amount.BR(), st.Closing.Value.BR()))
			}
		default:
			st.Closing = domain.Known(amount)
			st.Rows.Count(domain.RowBalance, l.line, fmt.Sprintf("LEDGERBAL (saldo em %s): usado como saldo final", when), "LEDGERBAL "+amount.BR())
			st.Warn(fmt.Sprintf("saldo final tomado do LEDGERBAL, que é o saldo em %s (DTASOF), não necessariamente no fim do período", when))
		}
	}
	if a := s.avail; a != nil {
		amount, err := parseAmount(a.amount)
		asOf, _ := parseDate(a.asOf)
		when := "data não informada"
		if !asOf.IsZero() {
			when = asOf.BR()
		}
		if err != nil {
			st.Rows.Count(domain.RowIgnored, a.line, "AVAILBAL sem valor válido: ignorado", "AVAILBAL "+trim(a.amount))
			return
		}
		st.Rows.Count(domain.RowBalance, a.line, fmt.Sprintf("AVAILBAL (saldo disponível em %s): informativo", when), "AVAILBAL "+amount.BR())
		st.Warn(fmt.Sprintf("saldo disponível (AVAILBAL) em %s: %s (informativo, não entra na conferência)", when, amount.BR()))
	}
}
