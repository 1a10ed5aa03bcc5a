package domain

// ReconStatus is the outcome of the balance proof.
type ReconStatus string

// The reconciliation outcomes.
const (
	ReconBalanced ReconStatus = "balanced"
	ReconMismatch ReconStatus = "mismatch"
	ReconUnknown  ReconStatus = "unknown"
)

// Reconciliation is the balance proof of a statement: opening + sum(amounts)
// == closing, and, where the bank printed running or daily balances, the first
// day on which they stop adding up.
type Reconciliation struct {
	Status     ReconStatus
	Difference Money // closing - (opening + sum); 0 unless mismatch
	BreakDate  Date  // first day where the printed balances stop adding up; zero if none
	BreakLine  int   // source line of that balance; 0 if none
}

// DeriveBalances fills an unknown opening or closing balance from the running
// balances printed on rows or per day. It never overwrites a known balance.
func DeriveBalances(s *Statement) {
	txs := chronological(s.Transactions)
	if len(txs) > 0 {
		first, last := txs[0], txs[len(txs)-1]
		if !s.Opening.Valid && first.Balance.Valid {
			s.Opening = Known(first.Balance.Value - first.Amount)
		}
		if !s.Closing.Valid && last.Balance.Valid {
			s.Closing = Known(last.Balance.Value)
		}
	}
	if !s.Closing.Valid && len(s.DayBalances) > 0 {
		latest := s.DayBalances[0]
		for _, d := range s.DayBalances[1:] {
			if !d.Date.Before(latest.Date) {
				latest = d
			}
		}
		s.Closing = Known(latest.Balance)
	}
}

// Reconcile computes the balance proof of s and stores it in s.Reconciliation.
func Reconcile(s *Statement) Reconciliation {
	r := Reconciliation{Status: ReconUnknown}
	checked := false
	if s.Opening.Valid && s.Closing.Valid {
		var sum Money
		for _, t := range s.Transactions {
			sum += t.Amount
		}
		r.Difference = s.Closing.Value - (s.Opening.Value + sum)
		r.Status = ReconBalanced
		if r.Difference != 0 {
			r.Status = ReconMismatch
		}
		checked = true
	}
	if d, line, ok := runningBreak(s); ok {
		checked = true
		if !d.IsZero() || line != 0 {
			r.BreakDate, r.BreakLine = d, line
			r.Status = ReconMismatch
		}
	}
	if d, line, ok := dailyBreak(s); ok {
		checked = true
		if (!d.IsZero() || line != 0) && (r.BreakDate.IsZero() || d.Before(r.BreakDate)) {
			r.BreakDate, r.BreakLine = d, line
			r.Status = ReconMismatch
		}
	}
	if !checked {
		r.Status = ReconUnknown
	}
	s.Reconciliation = r
	return r
}

// chronological returns the transactions oldest first: files listed newest
// first are reversed; the file order is kept otherwise.
func chronological(txs []Transaction) []Transaction {
	if len(txs) < 2 || !txs[0].Date.After(txs[len(txs)-1].Date) {
		return txs
	}
	out := make([]Transaction, len(txs))
	for i, t := range txs {
		out[len(txs)-1-i] = t
	}
	return out
}

// runningBreak walks the rows that carry a printed balance. ok is false when
// fewer than one such row exists; a zero date and line mean no break.
func runningBreak(s *Statement) (Date, int, bool) {
	txs := chronological(s.Transactions)
	prev, have := s.Opening.Value, s.Opening.Valid
	any := false
	var pending Money
	for _, t := range txs {
		pending += t.Amount
		if !t.Balance.Valid {
			continue
		}
		any = true
		if have && prev+pending != t.Balance.Value {
			return t.Date, t.Line, true
		}
		prev, have, pending = t.Balance.Value, true, 0
	}
	return Date{}, 0, any && have
}

// dailyBreak checks each printed end-of-day balance against the movements up
// to that day.
func dailyBreak(s *Statement) (Date, int, bool) {
	if len(s.DayBalances) == 0 {
		return Date{}, 0, false
	}
	days := append([]DayBalance(nil), s.DayBalances...)
	sortDays(days)
	base, baseDate, have := s.Opening.Value, Date{}, s.Opening.Valid
	start := 0
	if !have {
		base, baseDate, have = days[0].Balance, days[0].Date, true
		start = 1
	}
	for _, d := range days[start:] {
		var sum Money
		for _, t := range s.Transactions {
			if (baseDate.IsZero() || t.Date.After(baseDate)) && !t.Date.After(d.Date) {
				sum += t.Amount
			}
		}
		if base+sum != d.Balance {
			return d.Date, d.Line, true
		}
		base, baseDate = d.Balance, d.Date
	}
	return Date{}, 0, true
}

func sortDays(days []DayBalance) {
	for i := 1; i < len(days); i++ {
		for j := i; j > 0 && days[j].Date.Before(days[j-1].Date); j-- {
			days[j], days[j-1] = days[j-1], days[j]
		}
	}
}
