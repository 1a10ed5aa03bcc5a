package domain

import "strings"

// RowKind is what an input row turned out to be. Every input row is one of
// these: nothing is dropped silently.
type RowKind string

// The row kinds.
const (
	RowTransaction RowKind = "transaction"
	RowBalance     RowKind = "balance"  // SALDO ANTERIOR, SALDO DO DIA, ...: became a balance
	RowHeader      RowKind = "header"   // column titles, preamble, account block, trailer
	RowFuture      RowKind = "future"   // scheduled entries ("Últimos lançamentos", "a compensar")
	RowIgnored     RowKind = "ignored"  // blank lines, totals, informational rows
	RowRejected    RowKind = "rejected" // looked like a movement but could not be read
)

// RowNote explains one row that did not become a transaction.
type RowNote struct {
	Line   int
	Kind   RowKind
	Reason string // pt-BR, shown to the user
	Text   string // the row as it was, trimmed to a reasonable length
}

// RowSummary accounts for every input row of a statement.
type RowSummary struct {
	Transactions int
	Balance      int
	Header       int
	Future       int
	Ignored      int
	Rejected     int
	Notes        []RowNote // one per non-transaction row that deserves a reason (all rejected rows)
}

const maxNoteText = 200

// Count records a row of the given kind. Rejected rows always keep a note;
// other kinds keep one when reason is not empty.
func (r *RowSummary) Count(kind RowKind, line int, reason, text string) {
	switch kind {
	case RowTransaction:
		r.Transactions++
		return
	case RowBalance:
		r.Balance++
	case RowHeader:
		r.Header++
	case RowFuture:
		r.Future++
	case RowIgnored:
		r.Ignored++
	case RowRejected:
		r.Rejected++
	}
	if reason == "" && kind != RowRejected {
		return
	}
	if len(text) > maxNoteText {
		text = strings.ToValidUTF8(text[:maxNoteText], "")
	}
	r.Notes = append(r.Notes, RowNote{Line: line, Kind: kind, Reason: reason, Text: text})
}

// Total is the number of input rows accounted for.
func (r RowSummary) Total() int {
	return r.Transactions + r.Balance + r.Header + r.Future + r.Ignored + r.Rejected
}

// RejectedNotes returns the notes of rejected rows.
func (r RowSummary) RejectedNotes() []RowNote {
	var out []RowNote
	for _, n := range r.Notes {
		if n.Kind == RowRejected {
			out = append(out, n)
		}
	}
	return out
}
