package domain

import "slices"

// Reconciler proves a statement one transaction at a time, so a streamed
// statement never has to hold its transactions: feed it every transaction in
// the order of the file, then Finish computes exactly what FillPeriod,
// DeriveBalances and Reconcile compute over the whole slice. Whether the
// file lists its movements oldest or newest first is decided, as
// DeriveBalances does, from the first and last dates, so both walks of the
// running balances are kept until then.
type Reconciler struct {
	n            int
	first, last  Transaction // in file order
	sum          Money
	credits      Money
	debits       Money
	minD, maxD   Date
	days         DayTotals
	oldest, newe runningCheck // oldest first (file order), newest first (reverse)
}

// runningCheck follows the rows that carry a printed balance.
type runningCheck struct {
	seen        bool
	pending     Money       // amounts since the last balance row (see Add)
	head        Transaction // the balance row the opening balance is checked against
	headPending Money       // the movements that row's balance includes since the opening
	prev        Transaction // the last balance row seen, in file order
	brk         Transaction // the break found so far
	broken      bool
}

// Add records one transaction, in the order of the file.
func (r *Reconciler) Add(t Transaction) {
	if r.n == 0 {
		r.first = t
	}
	r.last = t
	r.n++
	r.sum += t.Amount
	if t.Amount > 0 {
		r.credits += t.Amount
	} else {
		r.debits += t.Amount
	}
	if !t.Date.IsZero() {
		if r.minD.IsZero() || t.Date.Before(r.minD) {
			r.minD = t.Date
		}
		if r.maxD.IsZero() || t.Date.After(r.maxD) {
			r.maxD = t.Date
		}
	}
	r.days.Add(t.Date, t.Amount)
	r.oldest.addForward(t)
	r.newe.addReverse(t)
}

// addForward walks the balance rows oldest first: each printed balance must
// be the previous one plus the movements in between; the first one is
// checked against the opening balance at the end.
func (c *runningCheck) addForward(t Transaction) {
	c.pending += t.Amount
	if !t.Balance.Valid {
		return
	}
	if !c.seen {
		c.seen, c.head, c.headPending = true, t, c.pending
	} else if !c.broken && c.prev.Balance.Value+c.pending != t.Balance.Value {
		c.brk, c.broken = t, true
	}
	c.prev, c.pending = t, 0
}

// addReverse walks a newest-first file: the previous balance row (later in
// time) must equal this row's balance plus the movements from that row
// down to this one. The earliest break in time is the last one found.
func (c *runningCheck) addReverse(t Transaction) {
	if t.Balance.Valid {
		if c.seen && t.Balance.Value+c.pending != c.prev.Balance.Value {
			c.brk, c.broken = c.prev, true
		}
		c.seen, c.prev, c.pending = true, t, 0
	}
	c.pending += t.Amount
	if c.seen {
		c.head, c.headPending = c.prev, c.pending
	}
}

// result is runningBreak's answer once the opening balance is final.
func (c *runningCheck) result(opening OptionalMoney) (Date, int, bool) {
	if !c.seen {
		return Date{}, 0, false
	}
	if opening.Valid && opening.Value+c.headPending != c.head.Balance.Value {
		return c.head.Date, c.head.Line, true
	}
	if c.broken {
		return c.brk.Date, c.brk.Line, true
	}
	return Date{}, 0, true
}

// Count returns the number of transactions added.
func (r *Reconciler) Count() int { return r.n }

// Totals returns the sum of credits (>0) and of debits (<0, as a negative
// number) of the transactions added.
func (r *Reconciler) Totals() (credits, debits Money) { return r.credits, r.debits }

// newestFirst reports a file listed newest first, as chronological decides.
func (r *Reconciler) newestFirst() bool { return r.n >= 2 && r.first.Date.After(r.last.Date) }

// Finish completes st as if it held every transaction added: the period
// widened to the transaction dates (FillPeriod), unknown balances derived
// from printed running or daily balances (DeriveBalances), and the balance
// proof (Reconcile), which it stores in st.Reconciliation and returns.
// st.Transactions is not read. Finish may be called again: it never
// overwrites a known balance.
func (r *Reconciler) Finish(st *Statement) Reconciliation {
	if !r.minD.IsZero() && (st.Period.Start.IsZero() || r.minD.Before(st.Period.Start)) {
		st.Period.Start = r.minD
	}
	if !r.maxD.IsZero() && (st.Period.End.IsZero() || r.maxD.After(st.Period.End)) {
		st.Period.End = r.maxD
	}
	first, last, check := r.first, r.last, &r.oldest
	if r.newestFirst() {
		first, last, check = r.last, r.first, &r.newe
	}
	if r.n > 0 {
		if !st.Opening.Valid && first.Balance.Valid {
			st.Opening = Known(first.Balance.Value - first.Amount)
		}
		if !st.Closing.Valid && last.Balance.Valid {
			st.Closing = Known(last.Balance.Value)
		}
	}
	deriveClosingFromDays(st)

	res := Reconciliation{Status: ReconUnknown}
	checked := false
	if st.Opening.Valid && st.Closing.Valid {
		res.Difference = st.Closing.Value - (st.Opening.Value + r.sum)
		res.Status = ReconBalanced
		if res.Difference != 0 {
			res.Status = ReconMismatch
		}
		checked = true
	}
	if d, line, ok := check.result(st.Opening); ok {
		checked = true
		if !d.IsZero() || line != 0 {
			res.BreakDate, res.BreakLine = d, line
			res.Status = ReconMismatch
		}
	}
	if d, line, ok := dailyBreakOf(st, &r.days); ok {
		checked = true
		if (!d.IsZero() || line != 0) && (res.BreakDate.IsZero() || d.Before(res.BreakDate)) {
			res.BreakDate, res.BreakLine = d, line
			res.Status = ReconMismatch
		}
	}
	if !checked {
		res.Status = ReconUnknown
	}
	st.Reconciliation = res
	return res
}

// deriveClosingFromDays takes an unknown closing balance from the latest
// printed end-of-day balance.
func deriveClosingFromDays(st *Statement) {
	if st.Closing.Valid || len(st.DayBalances) == 0 {
		return
	}
	latest := st.DayBalances[0]
	for _, d := range st.DayBalances[1:] {
		if !d.Date.Before(latest.Date) {
			latest = d
		}
	}
	st.Closing = Known(latest.Balance)
}

// dailyBreakOf is dailyBreak over per-day totals instead of transactions.
func dailyBreakOf(st *Statement, totals *DayTotals) (Date, int, bool) {
	if len(st.DayBalances) == 0 {
		return Date{}, 0, false
	}
	days := append([]DayBalance(nil), st.DayBalances...)
	sortDays(days)
	base, baseDate, have := st.Opening.Value, Date{}, st.Opening.Valid
	start := 0
	if !have {
		base, baseDate = days[0].Balance, days[0].Date
		start = 1
	}
	for _, d := range days[start:] {
		if base+totals.Between(baseDate, d.Date) != d.Balance {
			return d.Date, d.Line, true
		}
		base, baseDate = d.Balance, d.Date
	}
	return Date{}, 0, true
}

// DayTotals sums amounts per posting date, in memory proportional to the
// number of distinct dates, not of transactions.
type DayTotals struct {
	m      map[Date]Money
	cur    Date
	acc    Money
	has    bool
	dates  []Date  // sorted, built on demand
	prefix []Money // prefix[i] = sum of the totals of dates[:i+1]
}

// Add adds amount to the total of date (the zero date included).
func (d *DayTotals) Add(date Date, amount Money) {
	if d.has && date == d.cur {
		d.acc += amount
		return
	}
	d.flush()
	d.cur, d.acc, d.has = date, amount, true
}

func (d *DayTotals) flush() {
	if !d.has {
		return
	}
	if d.m == nil {
		d.m = make(map[Date]Money)
	}
	d.m[d.cur] += d.acc
	d.has, d.acc, d.dates, d.prefix = false, 0, nil, nil
}

// UpTo returns the total of the amounts dated on or before to (undated
// amounts included).
func (d *DayTotals) UpTo(to Date) Money {
	d.flush()
	if d.dates == nil {
		d.dates = make([]Date, 0, len(d.m))
		for k := range d.m {
			d.dates = append(d.dates, k)
		}
		slices.SortFunc(d.dates, Date.Compare)
		d.prefix = make([]Money, len(d.dates))
		var run Money
		for i, k := range d.dates {
			run += d.m[k]
			d.prefix[i] = run
		}
	}
	i, found := slices.BinarySearchFunc(d.dates, to, Date.Compare)
	if found {
		return d.prefix[i]
	}
	if i == 0 {
		return 0
	}
	return d.prefix[i-1]
}

// Between returns the total of the amounts dated after from (every amount
// when from is zero) and on or before to.
func (d *DayTotals) Between(from, to Date) Money {
	if from.IsZero() {
		return d.UpTo(to)
	}
	if !from.Before(to) {
		return 0
	}
	return d.UpTo(to) - d.UpTo(from)
}
