package table

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// Reasons shown to the user for rows that are not transactions.
const (
	reasonTotals       = "linha de totais"
	reasonInfo         = "linha informativa, sem data nem valor"
	reasonFuture       = "lançamento futuro listado em 'Últimos Lançamentos': não faz parte do extrato nem do saldo"
	reasonFutureTitle  = "início do bloco de lançamentos futuros; as linhas seguintes não entram no extrato"
	reasonRepeatHeader = "cabeçalho repetido"
)

// row classifies one grid row (line is 1-based) and records it. Its only
// error is the sink's.
func (r *run) row(line int, row []string) error {
	rows := &r.st.Rows
	if blank(row) {
		rows.Count(domain.RowIgnored, line, "", "")
		return nil
	}
	if r.future {
		r.futureRow(line, row)
		return nil
	}
	c := &r.cols
	dateCell := cell(row, c.date)
	if r.header != nil && dateCell == cell(r.header, c.date) {
		rows.Count(domain.RowHeader, line, reasonRepeatHeader, "")
		return nil
	}
	desc := r.description(row)
	if kind, ok := balanceKind(desc); ok {
		r.balanceRow(line, row, kind)
		return nil
	}
	hasMoney := r.hasMoney(row)
	date, dateErr := domain.Date{}, error(nil)
	if dateCell == "" {
		dateErr = errNoDate
	} else {
		date, dateErr = r.parseDate(dateCell)
	}
	if dateErr != nil {
		switch {
		case r.stopsHere(row):
			r.future = true
			rows.Count(domain.RowHeader, line, reasonFutureTitle, joinRow(row))
		case isTotals(row):
			rows.Count(domain.RowIgnored, line, reasonTotals, joinRow(row))
		case !hasMoney && dateCell == "" && r.lay.continuation && r.hasHeld && desc != "" &&
			len(r.heldTx().Description) < maxDescription:
			t := r.heldTx()
			t.Description = strings.TrimSpace(t.Description + " " + desc)
			rows.Count(domain.RowIgnored, line, fmt.Sprintf("continuação da descrição da linha %d", t.Line), joinRow(row))
		case !hasMoney:
			rows.Count(domain.RowIgnored, line, reasonInfo, joinRow(row))
		case dateCell == "":
			rows.Count(domain.RowRejected, line, "lançamento sem data", joinRow(row))
		default:
			rows.Count(domain.RowRejected, line, fmt.Sprintf("data ilegível %q", dateCell), joinRow(row))
		}
		return nil
	}
	amount, reason := r.amount(row)
	if reason != "" {
		rows.Count(domain.RowRejected, line, reason, joinRow(row))
		return nil
	}
	// Built field by field where it is kept: no copy of the whole struct.
	t := r.slot()
	t.Date, t.Amount, t.Description, t.Line = date, amount, desc, line
	t.Document, t.FITID, t.Balance = cell(row, c.doc), cell(row, c.fitid), domain.OptionalMoney{}
	if c.account >= 0 && r.st.Account.Number == "" {
		r.st.Account.Number = cell(row, c.account)
	}
	r.pending += amount
	if v := cell(row, c.balance); v != "" {
		if b, err := parseMoney(v, r.style); err == nil {
			r.runningBalance(t, b)
		}
	}
	rows.Count(domain.RowTransaction, line, "", "")
	return r.push(t)
}

var errNoDate = fmt.Errorf("no date")

// maxDescription stops continuation lines from growing a description
// without bound; further lines are ignored with a note instead.
const maxDescription = 1000

// runningBalance stores the balance printed on a transaction's row: a
// running balance on the transaction, a "Saldo do Dia" column as the day's
// balance. Unsigned balances get their sign back from the arithmetic.
func (r *run) runningBalance(t *domain.Transaction, b domain.Money) {
	if r.lay.unsignedBalance && r.lastBal.Valid && b > 0 && b == -(r.lastBal.Value+r.pending) {
		b = -b
	}
	r.lastBal, r.pending = domain.Known(b), 0
	if !r.cols.dailyBalance {
		t.Balance = domain.Known(b)
		return
	}
	days := r.st.DayBalances
	if n := len(days); n > 0 && days[n-1].Date == t.Date {
		days[n-1].Balance, days[n-1].Line = b, t.Line
		return
	}
	r.st.DayBalances = append(days, domain.DayBalance{Date: t.Date, Balance: b, Line: t.Line})
}

// futureRow records a row after the "Últimos Lançamentos" title.
func (r *run) futureRow(line int, row []string) {
	switch {
	case isTotals(row):
		r.st.Rows.Count(domain.RowIgnored, line, reasonTotals, joinRow(row))
	case mapHeader(row).hasMovement():
		r.st.Rows.Count(domain.RowHeader, line, "cabeçalho dos lançamentos futuros", "")
	default:
		r.st.Rows.Count(domain.RowFuture, line, reasonFuture, joinRow(row))
	}
}

// description joins the description columns ("Histórico - Descrição").
func (r *run) description(row []string) string {
	switch len(r.cols.desc) {
	case 0:
		return ""
	case 1:
		return cell(row, r.cols.desc[0])
	}
	var parts []string
	for _, i := range r.cols.desc {
		if v := cell(row, i); v != "" && !slices.Contains(parts, v) {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " - ")
}

func (r *run) hasMoney(row []string) bool {
	for _, i := range r.money {
		if cell(row, i) != "" {
			return true
		}
	}
	return false
}

func (r *run) parseDate(v string) (domain.Date, error) {
	return parseDate(v, r.order)
}

// amount reads the movement of a row: the amount column, or credit minus
// debit (both read unsigned), then the D/C column, then the card inversion.
// reason is the pt-BR cause when it cannot be read.
func (r *run) amount(row []string) (domain.Money, string) {
	c := &r.cols
	var m domain.Money
	if v := cell(row, c.amount); v != "" || (c.credit < 0 && c.debit < 0) {
		if v == "" {
			return 0, "valor ausente"
		}
		x, err := parseMoney(v, r.style)
		if err != nil {
			return 0, fmt.Sprintf("valor ilegível %q", v)
		}
		m = x
	} else {
		cr, db := cell(row, c.credit), cell(row, c.debit)
		if cr == "" && db == "" {
			return 0, "valor ausente"
		}
		if cr != "" {
			x, err := parseMoney(cr, r.style)
			if err != nil {
				return 0, fmt.Sprintf("valor ilegível %q", cr)
			}
			m += x.Abs()
		}
		if db != "" {
			x, err := parseMoney(db, r.style)
			if err != nil {
				return 0, fmt.Sprintf("valor ilegível %q", db)
			}
			m -= x.Abs()
		}
	}
	if v := cell(row, c.sign); v != "" {
		if s, _ := signOf(v); s != 0 {
			m = domain.Money(s) * m.Abs()
		}
	}
	if r.lay.invert {
		m = -m
	}
	return m, ""
}

// stopsHere reports the title of the future-entries block.
func (r *run) stopsHere(row []string) bool {
	if len(r.lay.stop) == 0 {
		return false
	}
	for _, v := range row {
		if v == "" {
			continue
		}
		norm := normCell(v)
		for _, s := range r.lay.stop {
			if strings.HasPrefix(norm, s) {
				return true
			}
		}
		return false
	}
	return false
}

// isTotals reports a totals row: a cell reading "Total..." or "Totais".
func isTotals(row []string) bool {
	for _, v := range row {
		if len(v) >= 5 && (v[0] == 'T' || v[0] == 't') && strings.HasPrefix(fold(v), "tota") {
			return true
		}
	}
	return false
}

// balanceRole is what a balance row gives the statement.
type balanceRole int

const (
	balanceOpening balanceRole = iota
	balanceDay
	balanceClosing
)

// balanceKind recognises a balance label in a description.
func balanceKind(desc string) (balanceRole, bool) {
	if len(desc) < 2 {
		return 0, false
	}
	switch desc[0] | 0x20 { // ASCII lower case
	case 's':
		if c := desc[1] | 0x20; c != 'a' && c != ' ' {
			return 0, false
		}
	case 'c':
		if desc[1]|0x20 != 'o' {
			return 0, false
		}
	default:
		return 0, false
	}
	compact := strings.ReplaceAll(normCell(desc), " ", "")
	switch {
	case strings.HasPrefix(compact, "codlanc0"):
		return balanceOpening, true
	case !source.IsBalanceLabel(desc):
		return 0, false
	case strings.HasPrefix(compact, "saldoanterior"), strings.HasPrefix(compact, "saldoinicial"):
		return balanceOpening, true
	case compact == "saldo", strings.HasPrefix(compact, "saldofinal"), compact == "saldoatual", compact == "saldototal":
		return balanceClosing, true
	}
	return balanceDay, true
}

// balanceRow turns a balance line into the opening, a day's or the closing
// balance; it never becomes a transaction.
func (r *run) balanceRow(line int, row []string, kind balanceRole) {
	rows := &r.st.Rows
	v, ok := r.balanceValue(row)
	if !ok {
		rows.Count(domain.RowBalance, line, "linha de saldo sem valor legível", joinRow(row))
		return
	}
	date, dateErr := r.parseDate(cell(row, r.cols.date))
	if kind == balanceDay && dateErr != nil {
		kind = balanceClosing
	}
	switch kind {
	case balanceOpening:
		if r.st.Opening.Valid || r.count > 0 {
			rows.Count(domain.RowBalance, line, "saldo anterior repetido no meio do extrato; não usado", joinRow(row))
			return
		}
		r.st.Opening, r.lastBal, r.pending = domain.Known(v), domain.Known(v), 0
	case balanceDay:
		r.st.DayBalances = append(r.st.DayBalances, domain.DayBalance{Date: date, Balance: v, Line: line})
	case balanceClosing:
		r.st.Closing = domain.Known(v)
	}
	rows.Count(domain.RowBalance, line, "", "")
}

// balanceValue reads the value of a balance row: the balance column when
// filled, else the amount (with its D/C sign).
func (r *run) balanceValue(row []string) (domain.Money, bool) {
	if v := cell(row, r.cols.balance); v != "" {
		b, err := parseMoney(v, r.style)
		if err == nil && r.lay.unsignedBalance && r.lastBal.Valid && b > 0 && b == -(r.lastBal.Value+r.pending) {
			b = -b
		}
		return b, err == nil
	}
	saved := r.lay.invert
	r.lay.invert = false
	m, reason := r.amount(row)
	r.lay.invert = saved
	return m, reason == ""
}
