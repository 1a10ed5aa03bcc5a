package domain

// Bank slugs, as the statement JSON contract names them.
const (
	BankItau      = "itau"
	BankBradesco  = "bradesco"
	BankBB        = "bb"
	BankCaixa     = "caixa"
	BankSantander = "santander"
	BankNubank    = "nubank"
	BankInter     = "inter"
	BankC6        = "c6"
	BankSicoob    = "sicoob"
	BankSicredi   = "sicredi"
	BankBTG       = "btg"
	BankUnknown   = "unknown"
)

// Format is the kind of file a statement was read from.
type Format string

// The input formats.
const (
	FormatOFX     Format = "ofx"
	FormatCSV     Format = "csv"
	FormatXLSX    Format = "xlsx"
	FormatXLS     Format = "xls"
	FormatCNAB240 Format = "cnab240"
	FormatPDF     Format = "pdf"
)

// AccountType tells a bank account from a credit card.
type AccountType string

// The account types.
const (
	AccountChecking   AccountType = "checking"
	AccountSavings    AccountType = "savings"
	AccountCreditCard AccountType = "creditcard"
)

// Account identifies the account a statement belongs to. Unknown fields are "".
type Account struct {
	BankCode string // COMPE code, 3 digits ("341")
	Branch   string // agência, as printed
	Number   string // conta with its check digit, as printed
	Type     AccountType
	Currency string // ISO 4217, "BRL" by default
}

// Period is the span a statement covers; either end may be zero (unknown).
type Period struct {
	Start Date
	End   Date
}

// OptionalMoney is an amount that may be unknown.
type OptionalMoney struct {
	Value Money
	Valid bool
}

// Known returns a valid OptionalMoney holding m.
func Known(m Money) OptionalMoney { return OptionalMoney{Value: m, Valid: true} }

// Transaction is one movement of money, in the order of the file.
type Transaction struct {
	Date        Date
	Amount      Money // negative: money leaving the account holder
	Description string
	Document    string        // document / check number, "" if none
	FITID       string        // the bank's transaction id, "" if none; NOT unique
	Balance     OptionalMoney // running balance printed on the row, if any
	Line        int           // 1-based line (or row) of the source file
}

// DayBalance is a balance the bank printed for the end of a day
// ("SALDO DO DIA").
type DayBalance struct {
	Date    Date
	Balance Money
	Line    int
}

// Statement is what one account's file says: its movements, its balances and
// an account of every input row.
type Statement struct {
	Bank           string // slug, see the Bank constants
	Format         Format
	Parser         string // the parser that read it ("ofx", "bradesco-csv", ...)
	Account        Account
	Period         Period
	Opening        OptionalMoney // balance before the first transaction
	Closing        OptionalMoney // balance after the last transaction
	Transactions   []Transaction
	DayBalances    []DayBalance
	Rows           RowSummary
	Warnings       []string
	Reconciliation Reconciliation
}

// Warnf appends a warning (English for logs and pt-BR for the user are the
// same text here: warnings are shown to users, so write them in pt-BR).
func (s *Statement) Warn(msg string) { s.Warnings = append(s.Warnings, msg) }

// Totals returns the sum of credits (>0) and of debits (<0, as a negative number).
func (s *Statement) Totals() (credits, debits Money) {
	for _, t := range s.Transactions {
		if t.Amount > 0 {
			credits += t.Amount
		} else {
			debits += t.Amount
		}
	}
	return credits, debits
}

// FillPeriod sets unknown period ends from the first and last transaction dates.
func (s *Statement) FillPeriod() {
	for _, t := range s.Transactions {
		if t.Date.IsZero() {
			continue
		}
		if s.Period.Start.IsZero() || t.Date.Before(s.Period.Start) {
			s.Period.Start = t.Date
		}
		if s.Period.End.IsZero() || t.Date.After(s.Period.End) {
			s.Period.End = t.Date
		}
	}
}
