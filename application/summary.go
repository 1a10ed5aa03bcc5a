package application

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/bankflow/bankflow/domain"
)

// The job summary is the statement JSON contract of every statement in the
// job, without the transactions (those live in their own table): a JSON
// array, one object per statement, in file order, each with the number of
// transactions that belong to it so the statements can be rebuilt from the
// stored transactions in sequence order.

type statementSummary struct {
	Bank             string         `json:"bank"`
	Format           string         `json:"format"`
	Parser           string         `json:"parser"`
	Account          summaryAccount `json:"account"`
	Period           summaryPeriod  `json:"period"`
	OpeningBalance   *string        `json:"opening_balance"`
	ClosingBalance   *string        `json:"closing_balance"`
	Reconciliation   summaryRecon   `json:"reconciliation"`
	Rows             summaryRows    `json:"rows"`
	DayBalances      []summaryDay   `json:"day_balances"`
	Warnings         []string       `json:"warnings"`
	TransactionCount int            `json:"transaction_count"`
}

type summaryAccount struct {
	BankCode string `json:"bank_code"`
	Branch   string `json:"branch"`
	Number   string `json:"number"`
	Type     string `json:"type"`
	Currency string `json:"currency"`
}

type summaryPeriod struct {
	Start *string `json:"start"`
	End   *string `json:"end"`
}

type summaryRecon struct {
	Status     string  `json:"status"`
	Difference string  `json:"difference"`
	BreakDate  *string `json:"break_date"`
	BreakLine  int     `json:"break_line"`
}

type summaryRows struct {
	Transactions int           `json:"transactions"`
	Balance      int           `json:"balance"`
	Header       int           `json:"header"`
	Future       int           `json:"future"`
	Ignored      int           `json:"ignored"`
	Rejected     []summaryNote `json:"rejected"`
	Notes        []summaryNote `json:"notes"`
}

type summaryNote struct {
	Line   int    `json:"line"`
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	Text   string `json:"text"`
}

type summaryDay struct {
	Date    string `json:"date"`
	Balance string `json:"balance"`
	Line    int    `json:"line"`
}

// encodeSummary renders the job summary of stmts.
func encodeSummary(stmts []domain.Statement) ([]byte, error) {
	out := make([]statementSummary, 0, len(stmts))
	for i := range stmts {
		out = append(out, summarize(&stmts[i]))
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encode summary: %w", err)
	}
	return b, nil
}

func summarize(st *domain.Statement) statementSummary {
	s := statementSummary{
		Bank:   st.Bank,
		Format: string(st.Format),
		Parser: st.Parser,
		Account: summaryAccount{
			BankCode: st.Account.BankCode, Branch: st.Account.Branch, Number: st.Account.Number,
			Type: string(st.Account.Type), Currency: st.Account.Currency,
		},
		Period:         summaryPeriod{Start: optDate(st.Period.Start), End: optDate(st.Period.End)},
		OpeningBalance: optMoney(st.Opening),
		ClosingBalance: optMoney(st.Closing),
		Reconciliation: summaryRecon{
			Status: string(st.Reconciliation.Status), Difference: st.Reconciliation.Difference.String(),
			BreakDate: optDate(st.Reconciliation.BreakDate), BreakLine: st.Reconciliation.BreakLine,
		},
		Rows: summaryRows{
			Transactions: st.Rows.Transactions, Balance: st.Rows.Balance, Header: st.Rows.Header,
			Future: st.Rows.Future, Ignored: st.Rows.Ignored,
			Rejected: []summaryNote{}, Notes: []summaryNote{},
		},
		DayBalances:      []summaryDay{},
		Warnings:         append([]string{}, st.Warnings...),
		TransactionCount: len(st.Transactions),
	}
	for _, n := range st.Rows.Notes {
		sn := summaryNote{Line: n.Line, Kind: string(n.Kind), Reason: n.Reason, Text: n.Text}
		if n.Kind == domain.RowRejected {
			s.Rows.Rejected = append(s.Rows.Rejected, sn)
		} else {
			s.Rows.Notes = append(s.Rows.Notes, sn)
		}
	}
	for _, d := range st.DayBalances {
		s.DayBalances = append(s.DayBalances, summaryDay{Date: d.Date.String(), Balance: d.Balance.String(), Line: d.Line})
	}
	return s
}

// statement rebuilds a statement (without transactions) from its summary.
func (s statementSummary) statement() (domain.Statement, error) {
	st := domain.Statement{
		Bank:   s.Bank,
		Format: domain.Format(s.Format),
		Parser: s.Parser,
		Account: domain.Account{
			BankCode: s.Account.BankCode, Branch: s.Account.Branch, Number: s.Account.Number,
			Type: domain.AccountType(s.Account.Type), Currency: s.Account.Currency,
		},
		Rows: domain.RowSummary{
			Transactions: s.Rows.Transactions, Balance: s.Rows.Balance, Header: s.Rows.Header,
			Future: s.Rows.Future, Ignored: s.Rows.Ignored, Rejected: len(s.Rows.Rejected),
		},
	}
	if len(s.Warnings) > 0 {
		st.Warnings = s.Warnings
	}
	var err error
	if st.Period.Start, err = parseOptDate(s.Period.Start); err != nil {
		return st, err
	}
	if st.Period.End, err = parseOptDate(s.Period.End); err != nil {
		return st, err
	}
	if st.Opening, err = parseOptMoney(s.OpeningBalance); err != nil {
		return st, err
	}
	if st.Closing, err = parseOptMoney(s.ClosingBalance); err != nil {
		return st, err
	}
	st.Reconciliation.Status = domain.ReconStatus(s.Reconciliation.Status)
	st.Reconciliation.BreakLine = s.Reconciliation.BreakLine
	if st.Reconciliation.Difference, err = domain.ParseMoney(s.Reconciliation.Difference, domain.StyleDot); err != nil {
		return st, err
	}
	if st.Reconciliation.BreakDate, err = parseOptDate(s.Reconciliation.BreakDate); err != nil {
		return st, err
	}
	for _, n := range append(append([]summaryNote{}, s.Rows.Notes...), s.Rows.Rejected...) {
		st.Rows.Notes = append(st.Rows.Notes, domain.RowNote{Line: n.Line, Kind: domain.RowKind(n.Kind), Reason: n.Reason, Text: n.Text})
	}
	sort.SliceStable(st.Rows.Notes, func(a, b int) bool { return st.Rows.Notes[a].Line < st.Rows.Notes[b].Line })
	for _, d := range s.DayBalances {
		date, err := domain.ParseISODate(d.Date)
		if err != nil {
			return st, err
		}
		bal, err := domain.ParseMoney(d.Balance, domain.StyleDot)
		if err != nil {
			return st, err
		}
		st.DayBalances = append(st.DayBalances, domain.DayBalance{Date: date, Balance: bal, Line: d.Line})
	}
	return st, nil
}

// txPage is how many stored transactions are read per query.
const txPage = 1000

// rebuild returns the statements of a completed job: the summary gives each
// statement and how many of the job's transactions (in sequence order) are
// its own.
func (s *Jobs) rebuild(ctx context.Context, j *domain.Job) ([]domain.Statement, error) {
	var sums []statementSummary
	if len(j.Summary) > 0 {
		if err := json.Unmarshal(j.Summary, &sums); err != nil {
			return nil, domain.Wrap(domain.CodeInternal, fmt.Errorf("decode summary of job %s: %w", j.ID, err), "Erro interno ao ler o resultado.")
		}
	}
	stmts := make([]domain.Statement, 0, len(sums)+1)
	for _, sum := range sums {
		st, err := sum.statement()
		if err != nil {
			return nil, domain.Wrap(domain.CodeInternal, fmt.Errorf("summary of job %s: %w", j.ID, err), "Erro interno ao ler o resultado.")
		}
		stmts = append(stmts, st)
	}
	if len(stmts) == 0 {
		stmts = append(stmts, domain.Statement{Bank: j.DetectedBank, Format: domain.Format(j.Format)})
		sums = append(sums, statementSummary{TransactionCount: -1})
	}

	txs, err := s.storedTransactions(ctx, j)
	if err != nil {
		return nil, err
	}
	next := 0
	for i := range stmts {
		n := sums[i].TransactionCount
		if n < 0 || i == len(stmts)-1 || next+n > len(txs) {
			n = len(txs) - next
		}
		for _, t := range txs[next : next+n] {
			stmts[i].Transactions = append(stmts[i].Transactions, t.Transaction)
		}
		next += n
	}
	if want := totalCount(sums); want >= 0 && want != len(txs) {
		s.d.Log.Warn("stored transactions do not match the summary", "job", j.ID, "summary", want, "stored", len(txs))
	}
	return stmts, nil
}

// storedTransactions reads all of a job's transactions in sequence order.
func (s *Jobs) storedTransactions(ctx context.Context, j *domain.Job) ([]domain.StoredTransaction, error) {
	var all []domain.StoredTransaction
	for {
		page, total, err := s.d.Transactions.SearchTransactions(ctx, domain.TransactionQuery{
			UserID: j.UserID, JobID: j.ID, Sort: "seq", Limit: txPage, Offset: len(all),
		})
		if err != nil {
			return nil, unavailable(err)
		}
		all = append(all, page...)
		if len(page) == 0 || len(all) >= total {
			break
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].Seq < all[b].Seq })
	return all, nil
}

func totalCount(sums []statementSummary) int {
	n := 0
	for _, s := range sums {
		if s.TransactionCount < 0 {
			return -1
		}
		n += s.TransactionCount
	}
	return n
}

func optDate(d domain.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

func optMoney(m domain.OptionalMoney) *string {
	if !m.Valid {
		return nil
	}
	s := m.Value.String()
	return &s
}

func parseOptDate(s *string) (domain.Date, error) {
	if s == nil || *s == "" {
		return domain.Date{}, nil
	}
	return domain.ParseISODate(*s)
}

func parseOptMoney(s *string) (domain.OptionalMoney, error) {
	if s == nil {
		return domain.OptionalMoney{}, nil
	}
	m, err := domain.ParseMoney(*s, domain.StyleDot)
	if err != nil {
		return domain.OptionalMoney{}, err
	}
	return domain.Known(m), nil
}
