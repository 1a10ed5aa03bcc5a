// Package table reads bank statements laid out as tables: the CSV/TXT
// exports of Brazilian banks (Nubank, Inter, Bradesco, Banco do Brasil,
// Caixa, Itaú, Santander, C6, Mercado Pago) and any CSV with recognisable
// date and amount columns. It works on a grid of cells, so the spreadsheet
// parsers hand their sheets to ParseGrid.
package table

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// ParseGrid reads the statement in a grid (rows of cells) with the layout
// DetectGrid ranks first. Row numbers in notes and transactions are 1-based
// grid rows. format is recorded in the statement and in the parser name
// ("bradesco-xlsx").
func ParseGrid(ctx context.Context, s *source.Sample, grid [][]string, format domain.Format) ([]domain.Statement, error) {
	d, ok := detect(grid)
	if !ok {
		return nil, errUnknownLayout()
	}
	r, err := parseWith(ctx, d.lay, d.m, s, grid, rowSource{grid: grid}, len(grid), format, nil)
	if err != nil {
		return nil, err
	}
	return []domain.Statement{r.st}, nil
}

// errUnknownLayout says what was looked for and what is supported.
func errUnknownLayout() error {
	return domain.Errorf(domain.CodeUnsupported,
		"Não reconheci a tabela deste arquivo como um extrato: nas primeiras %d linhas não há colunas de data e valor "+
			"(ou crédito/débito). Layouts suportados: Nubank (conta e cartão), Inter (conta e cartão), Bradesco, "+
			"Banco do Brasil, Caixa, Itaú, Santander, C6, Mercado Pago e qualquer CSV com colunas de data e valor.",
		headerScan)
}

// run is the state of one parse.
type run struct {
	lay    layout
	cols   columns
	header []string // raw header cells, to recognise a repeated header
	st     domain.Statement
	order  domain.DateOrder
	style  domain.NumberStyle
	money  []int // the columns holding amounts and balances
	future bool
	// pair[held] is the last transaction read, kept until the next one (a
	// continuation line may still add to its description) while the next
	// is built in the other; in memory they are in st.Transactions.
	pair    [2]domain.Transaction
	held    int
	hasHeld bool
	count   int // transactions read, held one included
	// lastBal and pending rebuild unsigned balances (Bradesco).
	lastBal domain.OptionalMoney
	pending domain.Money
	// days sums the movements per day, for an opening balance derived from
	// a "Saldo do Dia" column.
	days domain.DayTotals
	// lo and hi are the first and last transaction dates, for the period.
	lo, hi domain.Date
	// streaming: transactions go to sink instead of st.Transactions.
	ctx   context.Context
	sink  domain.StatementSink
	begun bool
}

// parseWith reads a table with the layout found by detection: head is its
// top (as headGrid reads it), src is the whole table, rowsHint is about how
// many rows there are.
func parseWith(ctx context.Context, lay layout, m match, s *source.Sample, head [][]string, src rowSource,
	rowsHint int, format domain.Format, sink domain.StatementSink) (*run, error) {
	r := &run{lay: lay, cols: m.cols, money: m.cols.moneyColumns(), ctx: ctx, sink: sink}
	r.st = domain.Statement{
		Bank:    lay.bank,
		Format:  format,
		Parser:  lay.id + "-" + string(format),
		Account: domain.Account{BankCode: lay.code, Type: lay.accountType, Currency: "BRL"},
	}
	if r.st.Account.BankCode == "" {
		r.st.Account.BankCode = source.CodeOfSlug(lay.bank)
	}
	if s != nil && s.Bank != "" && lay.bank == domain.BankUnknown {
		r.st.Bank, r.st.Account.BankCode = s.Bank, source.CodeOfSlug(s.Bank)
	}
	first := 0
	if m.header >= 0 {
		readPreamble(head[:m.header], &r.st, 1)
		r.header = head[m.header]
		r.st.Rows.Count(domain.RowHeader, m.header+1, "", "")
		first = m.header + 1
	}
	r.settle(src.all(), first)
	if sink == nil {
		r.st.Transactions = make([]domain.Transaction, 0, max(rowsHint-first, 0))
	}
	if err := r.rows(src, first); err != nil {
		return nil, err
	}
	return r, r.finish()
}

// settle fixes the conventions of the whole table before reading it: date
// order and decimal mark from every value of their columns (unless the
// layout fixes them), and whether the sign column really holds signs. A
// layout that fixes both and has no sign column needs no first pass.
func (r *run) settle(all iter.Seq[[]string], first int) {
	r.order, r.style = r.lay.order, r.lay.style
	needDates, needMoney := !r.lay.fixedOrder, r.lay.style == domain.StyleAuto
	if !needDates && !needMoney && r.cols.sign < 0 {
		return
	}
	var dates domain.DateOrderVote
	var money domain.NumberStyleVote
	lastDate := ""
	signs, good := 0, 0
	i := 0
	for row := range all {
		if i++; i <= first {
			continue
		}
		// Repeated values (a date on many rows) add no evidence.
		if v := cell(row, r.cols.date); needDates && v != "" && v != lastDate {
			dates.Add(v)
			lastDate = v
		}
		if needMoney {
			for _, c := range r.money {
				if v := cell(row, c); v != "" {
					money.Add(v)
				}
			}
		}
		if v := cell(row, r.cols.sign); v != "" {
			signs++
			if _, ok := signOf(v); ok {
				good++
			}
		}
	}
	if needDates {
		r.order = dates.Order()
	}
	if needMoney {
		r.style = money.Style()
	}
	if r.cols.sign >= 0 && (signs == 0 || good*10 < signs*8) {
		r.cols.sign = -1 // a "Tipo" column of categories, not of signs
	}
}

// slot is where the next transaction is built: a new last element of the
// statement in memory, the free one of r.pair when streaming. push must
// follow.
func (r *run) slot() *domain.Transaction {
	if r.sink != nil {
		return &r.pair[1-r.held]
	}
	txs := r.st.Transactions
	if n := len(txs); n < cap(txs) {
		r.st.Transactions = txs[:n+1]
	} else {
		r.st.Transactions = append(txs, domain.Transaction{})
	}
	return &r.st.Transactions[len(r.st.Transactions)-1]
}

// push records the transaction built in slot: the held one is handed on,
// t is held. In memory t is already in the statement, where it stays the
// held one.
func (r *run) push(t *domain.Transaction) error {
	r.count++
	if r.cols.dailyBalance {
		r.days.Add(t.Date, t.Amount)
	}
	if r.sink == nil {
		r.spanDate(t.Date)
		r.hasHeld = true
		return nil
	}
	err := r.release()
	r.held, r.hasHeld = 1-r.held, true
	return err
}

// heldTx is the held transaction (hasHeld must be true).
func (r *run) heldTx() *domain.Transaction {
	if r.sink == nil {
		return &r.st.Transactions[len(r.st.Transactions)-1]
	}
	return &r.pair[r.held]
}

// spanDate widens the period of the transactions read to d.
func (r *run) spanDate(d domain.Date) {
	switch {
	case d.IsZero():
	case r.lo.IsZero():
		r.lo, r.hi = d, d
	case earlier(d, r.lo):
		r.lo = d
	case earlier(r.hi, d):
		r.hi = d
	}
}

// earlier is a.Before(b), short enough to inline.
func earlier(a, b domain.Date) bool {
	if a.Year != b.Year {
		return a.Year < b.Year
	}
	if a.Month != b.Month {
		return a.Month < b.Month
	}
	return a.Day < b.Day
}

// release hands the held transaction on to the sink (announcing the
// statement first); in memory it is already in the statement.
func (r *run) release() error {
	if !r.hasHeld {
		return nil
	}
	r.hasHeld = false
	if r.sink == nil {
		return nil
	}
	if err := r.begin(); err != nil {
		return err
	}
	return r.sink.Add(r.pair[r.held])
}

// begin announces the statement to the sink, once.
func (r *run) begin() error {
	if r.begun {
		return nil
	}
	r.begun = true
	head := r.st
	head.Transactions, head.Rows, head.Warnings = nil, domain.RowSummary{}, nil
	return r.sink.Begin(r.ctx, &head)
}

// finish checks the outcome and fills what the rows imply.
func (r *run) finish() error {
	st := &r.st
	if r.count == 0 && st.Rows.Rejected > 0 {
		n := st.Rows.RejectedNotes()[0]
		return domain.Errorf(domain.CodeInvalid,
			"Nenhum lançamento pôde ser lido (%s): %d linha(s) rejeitada(s); a primeira, linha %d, %s: %q.",
			st.Parser, st.Rows.Rejected, n.Line, n.Reason, n.Text)
	}
	if err := r.release(); err != nil {
		return err
	}
	if st.Period.Start.IsZero() && !r.lo.IsZero() {
		// What st.FillPeriod gives, from the dates seen in push (streamed,
		// the engine's Reconciler fills it).
		st.Period.Start = r.lo
		if st.Period.End.IsZero() || r.hi.After(st.Period.End) {
			st.Period.End = r.hi
		}
	}
	if r.cols.dailyBalance {
		openingFromFirstDay(st, &r.days)
	}
	if r.lay.id == LayoutGeneric {
		st.Warnings = append([]string{r.assumptions()}, st.Warnings...)
	}
	if st.Rows.Rejected > 0 {
		st.Warn(fmt.Sprintf("%d linha(s) parecia(m) lançamento mas não pôde(puderam) ser lida(s); veja as linhas rejeitadas.", st.Rows.Rejected))
	}
	if st.Rows.Future > 0 {
		st.Warn(fmt.Sprintf("%d lançamento(s) futuro(s) listado(s) após o extrato não entra(m) nas transações nem no saldo.", st.Rows.Future))
	}
	if r.sink == nil {
		return nil
	}
	if err := r.begin(); err != nil {
		return err
	}
	return r.sink.End(st)
}

// assumptions tells the user, in pt-BR, how the generic reader understood
// the table.
func (r *run) assumptions() string {
	c := r.cols
	var parts []string
	say := func(i int, what string) {
		if i < 0 {
			return
		}
		if len(c.titles) > i && c.titles[i] != "" {
			parts = append(parts, fmt.Sprintf("coluna '%s' lida como %s", c.titles[i], what))
		} else {
			parts = append(parts, fmt.Sprintf("coluna %d lida como %s", i+1, what))
		}
	}
	say(c.date, "data")
	for _, i := range c.desc {
		say(i, "descrição")
	}
	say(c.amount, "valor")
	say(c.credit, "crédito")
	say(c.debit, "débito")
	say(c.sign, "sinal (C/D)")
	say(c.doc, "documento")
	say(c.balance, "saldo")
	switch r.style {
	case domain.StyleDot:
		parts = append(parts, "ponto decimal")
	default:
		parts = append(parts, "vírgula decimal")
	}
	switch r.order {
	case domain.OrderMDY:
		parts = append(parts, "datas mês/dia/ano")
	case domain.OrderYMD:
		parts = append(parts, "datas ano-mês-dia")
	default:
		parts = append(parts, "datas dia/mês/ano")
	}
	prefix := "Layout de banco não reconhecido; leitura genérica: "
	if r.header == nil {
		prefix = "Tabela sem cabeçalho; leitura genérica pelos valores: "
	}
	return prefix + strings.Join(parts, ", ") + "."
}

// openingFromFirstDay derives an unknown opening balance from a "Saldo do
// Dia" column: the first day's closing balance less that day's movements
// (and any before it).
func openingFromFirstDay(st *domain.Statement, days *domain.DayTotals) {
	if st.Opening.Valid || len(st.DayBalances) == 0 {
		return
	}
	first := st.DayBalances[0]
	for _, d := range st.DayBalances[1:] {
		if d.Date.Before(first.Date) {
			first = d
		}
	}
	st.Opening = domain.Known(first.Balance - days.UpTo(first.Date))
}
