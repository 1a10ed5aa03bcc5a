package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/bankflow/bankflow/domain"
)

// StatementJSON is one statement in the statement JSON contract of
// ARCHITECTURE.md. Amounts are decimal strings with a dot, dates YYYY-MM-DD,
// unknown values null. It holds no float: money stays exact on the wire.
type StatementJSON struct {
	Bank           string             `json:"bank"`
	Format         string             `json:"format"`
	Parser         string             `json:"parser,omitempty"`
	Account        AccountJSON        `json:"account"`
	Period         PeriodJSON         `json:"period"`
	OpeningBalance *string            `json:"opening_balance"`
	ClosingBalance *string            `json:"closing_balance"`
	Reconciliation ReconciliationJSON `json:"reconciliation"`
	Transactions   []TransactionJSON  `json:"transactions"`
	DayBalances    []DayBalanceJSON   `json:"day_balances"`
	Rows           RowsJSON           `json:"rows"`
	Warnings       []string           `json:"warnings"`
}

// AccountJSON identifies the account; unknown fields are null.
type AccountJSON struct {
	BankCode *string `json:"bank_code"`
	Branch   *string `json:"branch"`
	Number   *string `json:"number"`
	Type     *string `json:"type"`
	Currency *string `json:"currency"`
}

// PeriodJSON is the span of the statement; unknown ends are null.
type PeriodJSON struct {
	Start *string `json:"start"`
	End   *string `json:"end"`
}

// ReconciliationJSON is the balance proof: status balanced, mismatch or
// unknown; the difference closing - (opening + sum); the first day where
// printed balances stop adding up, or null.
type ReconciliationJSON struct {
	Status     string  `json:"status"`
	Difference string  `json:"difference"`
	BreakDate  *string `json:"break_date"`
	BreakLine  int     `json:"break_line,omitempty"`
}

// TransactionJSON is one movement, in the order of the file.
type TransactionJSON struct {
	Date        *string `json:"date"`
	Amount      string  `json:"amount"`
	Description string  `json:"description"`
	Document    *string `json:"document"`
	FITID       *string `json:"fitid"`
	Balance     *string `json:"balance"`
	Line        int     `json:"line,omitempty"`
}

// DayBalanceJSON is an end-of-day balance printed by the bank.
type DayBalanceJSON struct {
	Date    *string `json:"date"`
	Balance string  `json:"balance"`
	Line    int     `json:"line,omitempty"`
}

// RowsJSON accounts for every input row: counts per kind, the rejected rows
// (the contract's list) and every row note with its kind.
type RowsJSON struct {
	Transactions int            `json:"transactions"`
	Balance      int            `json:"balance"`
	Header       int            `json:"header"`
	Future       int            `json:"future"`
	Ignored      int            `json:"ignored"`
	Rejected     []RejectedJSON `json:"rejected"`
	Notes        []NoteJSON     `json:"notes"`
}

// RejectedJSON is a row that looked like a movement but could not be read.
type RejectedJSON struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Text   string `json:"text"`
}

// NoteJSON explains one row that did not become a transaction.
type NoteJSON struct {
	Line   int    `json:"line"`
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	Text   string `json:"text"`
}

// JSON writes the statement JSON contract: one object for one statement, an
// array for several (or none).
type JSON struct{}

var _ domain.Exporter = JSON{}

// NewJSON returns the JSON exporter.
func NewJSON() JSON { return JSON{} }

// Format returns domain.ExportJSON.
func (JSON) Format() domain.ExportFormat { return domain.ExportJSON }

// ContentType returns the media type of the output.
func (JSON) ContentType() string { return "application/json; charset=utf-8" }

// Export writes stmts as indented JSON followed by a newline.
func (JSON) Export(w io.Writer, stmts []domain.Statement) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	var v any
	if len(stmts) == 1 {
		v = ToJSON(&stmts[0])
	} else {
		all := make([]StatementJSON, len(stmts))
		for i := range stmts {
			all[i] = ToJSON(&stmts[i])
		}
		v = all
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// ToJSON maps a statement to its contract form.
func ToJSON(s *domain.Statement) StatementJSON {
	out := StatementJSON{
		Bank:   s.Bank,
		Format: string(s.Format),
		Parser: s.Parser,
		Account: AccountJSON{
			BankCode: optString(s.Account.BankCode),
			Branch:   optString(s.Account.Branch),
			Number:   optString(s.Account.Number),
			Type:     optString(string(s.Account.Type)),
			Currency: optString(s.Account.Currency),
		},
		Period:         PeriodJSON{Start: optDate(s.Period.Start), End: optDate(s.Period.End)},
		OpeningBalance: optMoney(s.Opening),
		ClosingBalance: optMoney(s.Closing),
		Reconciliation: ReconciliationJSON{
			Status:     string(s.Reconciliation.Status),
			Difference: s.Reconciliation.Difference.String(),
			BreakDate:  optDate(s.Reconciliation.BreakDate),
			BreakLine:  s.Reconciliation.BreakLine,
		},
		Transactions: make([]TransactionJSON, len(s.Transactions)),
		DayBalances:  make([]DayBalanceJSON, len(s.DayBalances)),
		Rows: RowsJSON{
			Transactions: s.Rows.Transactions,
			Balance:      s.Rows.Balance,
			Header:       s.Rows.Header,
			Future:       s.Rows.Future,
			Ignored:      s.Rows.Ignored,
			Rejected:     []RejectedJSON{},
			Notes:        make([]NoteJSON, len(s.Rows.Notes)),
		},
		Warnings: append([]string{}, s.Warnings...),
	}
	if out.Bank == "" {
		out.Bank = domain.BankUnknown
	}
	if out.Reconciliation.Status == "" {
		out.Reconciliation.Status = string(domain.ReconUnknown)
	}
	for i, t := range s.Transactions {
		out.Transactions[i] = TransactionJSON{
			Date:        optDate(t.Date),
			Amount:      t.Amount.String(),
			Description: t.Description,
			Document:    optString(t.Document),
			FITID:       optString(t.FITID),
			Balance:     optMoney(t.Balance),
			Line:        t.Line,
		}
	}
	for i, d := range s.DayBalances {
		out.DayBalances[i] = DayBalanceJSON{Date: optDate(d.Date), Balance: d.Balance.String(), Line: d.Line}
	}
	for i, n := range s.Rows.Notes {
		out.Rows.Notes[i] = NoteJSON{Line: n.Line, Kind: string(n.Kind), Reason: n.Reason, Text: n.Text}
		if n.Kind == domain.RowRejected {
			out.Rows.Rejected = append(out.Rows.Rejected, RejectedJSON{Line: n.Line, Reason: n.Reason, Text: n.Text})
		}
	}
	return out
}

// DecodeJSON reads what the JSON exporter wrote (one object or an array) back
// into statements. Errors are *domain.Error with CodeInvalid.
func DecodeJSON(r io.Reader) ([]domain.Statement, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read json: %w", err)
	}
	data = bytes.TrimSpace(data)
	var list []StatementJSON
	if len(data) > 0 && data[0] == '[' {
		err = json.Unmarshal(data, &list)
	} else {
		var one StatementJSON
		err = json.Unmarshal(data, &one)
		list = []StatementJSON{one}
	}
	if err != nil {
		return nil, domain.Wrap(domain.CodeInvalid, err, "JSON de extrato inválido.")
	}
	out := make([]domain.Statement, len(list))
	for i := range list {
		if out[i], err = list[i].Statement(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Statement maps the contract form back to a domain statement. Errors are
// *domain.Error with CodeInvalid naming the bad value.
func (j *StatementJSON) Statement() (domain.Statement, error) {
	var p jsonParser
	s := domain.Statement{
		Bank:   j.Bank,
		Format: domain.Format(j.Format),
		Parser: j.Parser,
		Account: domain.Account{
			BankCode: deref(j.Account.BankCode),
			Branch:   deref(j.Account.Branch),
			Number:   deref(j.Account.Number),
			Type:     domain.AccountType(deref(j.Account.Type)),
			Currency: deref(j.Account.Currency),
		},
		Period:  domain.Period{Start: p.date(j.Period.Start), End: p.date(j.Period.End)},
		Opening: p.optMoney(j.OpeningBalance),
		Closing: p.optMoney(j.ClosingBalance),
		Reconciliation: domain.Reconciliation{
			Status:     domain.ReconStatus(j.Reconciliation.Status),
			Difference: p.money(j.Reconciliation.Difference),
			BreakDate:  p.date(j.Reconciliation.BreakDate),
			BreakLine:  j.Reconciliation.BreakLine,
		},
		Rows: domain.RowSummary{
			Transactions: j.Rows.Transactions,
			Balance:      j.Rows.Balance,
			Header:       j.Rows.Header,
			Future:       j.Rows.Future,
			Ignored:      j.Rows.Ignored,
			Rejected:     len(j.Rows.Rejected),
		},
	}
	if len(j.Warnings) > 0 {
		s.Warnings = j.Warnings
	}
	if len(j.Transactions) > 0 {
		s.Transactions = make([]domain.Transaction, len(j.Transactions))
	}
	for i, t := range j.Transactions {
		s.Transactions[i] = domain.Transaction{
			Date:        p.date(t.Date),
			Amount:      p.money(t.Amount),
			Description: t.Description,
			Document:    deref(t.Document),
			FITID:       deref(t.FITID),
			Balance:     p.optMoney(t.Balance),
			Line:        t.Line,
		}
	}
	for _, d := range j.DayBalances {
		s.DayBalances = append(s.DayBalances, domain.DayBalance{Date: p.date(d.Date), Balance: p.money(d.Balance), Line: d.Line})
	}
	if len(j.Rows.Notes) > 0 {
		for _, n := range j.Rows.Notes {
			s.Rows.Notes = append(s.Rows.Notes, domain.RowNote{Line: n.Line, Kind: domain.RowKind(n.Kind), Reason: n.Reason, Text: n.Text})
		}
	} else {
		// A producer that only sent the contract's rejected list.
		for _, n := range j.Rows.Rejected {
			s.Rows.Notes = append(s.Rows.Notes, domain.RowNote{Line: n.Line, Kind: domain.RowRejected, Reason: n.Reason, Text: n.Text})
		}
	}
	if p.err != nil {
		return domain.Statement{}, domain.Wrap(domain.CodeInvalid, p.err, "JSON de extrato com valor inválido.")
	}
	return s, nil
}

// jsonParser keeps the first conversion error so mapping code stays flat.
type jsonParser struct{ err error }

func (p *jsonParser) date(s *string) domain.Date {
	if s == nil || *s == "" {
		return domain.Date{}
	}
	d, err := domain.ParseISODate(*s)
	if err != nil && p.err == nil {
		p.err = err
	}
	return d
}

func (p *jsonParser) money(s string) domain.Money {
	if s == "" {
		return 0
	}
	m, err := domain.ParseMoney(s, domain.StyleDot)
	if err != nil && p.err == nil {
		p.err = err
	}
	return m
}

func (p *jsonParser) optMoney(s *string) domain.OptionalMoney {
	if s == nil {
		return domain.OptionalMoney{}
	}
	return domain.Known(p.money(*s))
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
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

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
