package domain

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// randomStatement builds a statement with the shapes banks produce: oldest or
// newest first, running balances on some rows (some of them wrong), daily
// balances, known or unknown opening and closing balances.
func randomStatement(rng *rand.Rand) Statement {
	var s Statement
	n := rng.IntN(12)
	newest := rng.IntN(2) == 0
	bal := Money(rng.IntN(100000))
	if rng.IntN(2) == 0 {
		s.Opening = Known(bal)
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		amt := Money(rng.IntN(20000) - 10000)
		bal += amt
		t := Transaction{Date: DateOf(start.AddDate(0, 0, i/2)), Amount: amt, Line: i + 1}
		if rng.IntN(10) == 0 {
			t.Date = Date{}
		}
		if rng.IntN(3) > 0 {
			t.Balance = Known(bal)
			if rng.IntN(6) == 0 {
				t.Balance.Value += 1
			}
		}
		s.Transactions = append(s.Transactions, t)
		if rng.IntN(4) == 0 {
			db := DayBalance{Date: t.Date, Balance: bal, Line: 100 + i}
			if rng.IntN(5) == 0 {
				db.Balance -= 7
			}
			s.DayBalances = append(s.DayBalances, db)
		}
	}
	if newest {
		for i, j := 0, len(s.Transactions)-1; i < j; i, j = i+1, j-1 {
			s.Transactions[i], s.Transactions[j] = s.Transactions[j], s.Transactions[i]
		}
	}
	if rng.IntN(3) == 0 {
		s.Closing = Known(bal + Money(rng.IntN(2)))
	}
	if rng.IntN(4) == 0 {
		s.Period.Start = DateOf(start.AddDate(0, 0, rng.IntN(5)))
	}
	return s
}

// The streamed proof must give exactly what the whole-slice proof gives:
// the same period, derived balances and reconciliation.
func TestReconcilerMatchesReconcile(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		want := randomStatement(rng)
		got := want
		got.Transactions = nil
		want.FillPeriod()
		DeriveBalances(&want)
		Reconcile(&want)

		var r Reconciler
		for _, tx := range want.Transactions {
			r.Add(tx)
		}
		r.Finish(&got)
		got.Transactions = want.Transactions
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d:\n got %+v\nwant %+v", i, got, want)
		}
		if c, d := r.Totals(); c != mustTotals(want, true) || d != mustTotals(want, false) {
			t.Fatalf("case %d: totals %v %v", i, c, d)
		}
	}
}

func mustTotals(s Statement, credits bool) Money {
	c, d := s.Totals()
	if credits {
		return c
	}
	return d
}

func TestCollectReplay(t *testing.T) {
	in := []Statement{
		{Bank: BankItau, Transactions: []Transaction{{Amount: 1}, {Amount: -2}}, Warnings: []string{"w"}},
		{Bank: BankBB},
	}
	var c Collect
	if err := Replay(context.Background(), in, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Statements) != 2 || len(c.Statements[0].Transactions) != 2 || c.Statements[0].Transactions[1].Amount != -2 ||
		c.Statements[0].Warnings[0] != "w" || c.Statements[1].Bank != BankBB || len(c.Statements[1].Transactions) != 0 {
		t.Fatalf("collected %+v", c.Statements)
	}
}
