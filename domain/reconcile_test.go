package domain

import "testing"

func day(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseISODate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestReconcileOpeningClosing(t *testing.T) {
	s := Statement{
		Opening: Known(100000),
		Closing: Known(85000),
		Transactions: []Transaction{
			{Date: day(t, "2024-01-02"), Amount: -15000},
		},
	}
	if r := Reconcile(&s); r.Status != ReconBalanced || r.Difference != 0 {
		t.Fatalf("want balanced, got %+v", r)
	}
	s.Closing = Known(86000)
	if r := Reconcile(&s); r.Status != ReconMismatch || r.Difference != 1000 {
		t.Fatalf("want mismatch of 10,00, got %+v", r)
	}
	s.Opening = OptionalMoney{}
	s.Closing = OptionalMoney{}
	if r := Reconcile(&s); r.Status != ReconUnknown {
		t.Fatalf("no balances: want unknown, got %+v", r)
	}
}

func TestReconcileNamesTheFirstBrokenDay(t *testing.T) {
	s := Statement{
		Opening: Known(1000),
		Transactions: []Transaction{
			{Date: day(t, "2024-01-02"), Amount: -100, Balance: Known(900), Line: 3},
			{Date: day(t, "2024-01-03"), Amount: 50, Balance: Known(950), Line: 4},
			{Date: day(t, "2024-01-04"), Amount: -10, Balance: Known(900), Line: 5}, // should be 940
			{Date: day(t, "2024-01-05"), Amount: -10, Balance: Known(890), Line: 6},
		},
	}
	DeriveBalances(&s)
	r := Reconcile(&s)
	if r.Status != ReconMismatch || r.BreakDate.String() != "2024-01-04" || r.BreakLine != 5 {
		t.Fatalf("want mismatch breaking on 2024-01-04 line 5, got %+v", r)
	}
}

func TestReconcileNewestFirstRunningBalances(t *testing.T) {
	s := Statement{Transactions: []Transaction{
		{Date: day(t, "2024-01-03"), Amount: 50, Balance: Known(950)},
		{Date: day(t, "2024-01-02"), Amount: -100, Balance: Known(900)},
	}}
	DeriveBalances(&s)
	if !s.Opening.Valid || s.Opening.Value != 1000 || s.Closing.Value != 950 {
		t.Fatalf("derived balances wrong: %+v %+v", s.Opening, s.Closing)
	}
	if r := Reconcile(&s); r.Status != ReconBalanced {
		t.Fatalf("want balanced, got %+v", r)
	}
}

func TestReconcileDailyBalances(t *testing.T) {
	s := Statement{
		Opening: Known(1000),
		Transactions: []Transaction{
			{Date: day(t, "2024-01-02"), Amount: -100},
			{Date: day(t, "2024-01-02"), Amount: -100},
			{Date: day(t, "2024-01-03"), Amount: 300},
		},
		DayBalances: []DayBalance{
			{Date: day(t, "2024-01-02"), Balance: 800, Line: 4},
			{Date: day(t, "2024-01-03"), Balance: 1000, Line: 6}, // should be 1100
		},
	}
	DeriveBalances(&s)
	r := Reconcile(&s)
	if r.Status != ReconMismatch || r.BreakDate.String() != "2024-01-03" || r.BreakLine != 6 {
		t.Fatalf("want mismatch breaking on 2024-01-03, got %+v", r)
	}
	s.DayBalances[1].Balance = 1100
	s.Closing = Known(1100)
	if r := Reconcile(&s); r.Status != ReconBalanced {
		t.Fatalf("want balanced, got %+v", r)
	}
}

func TestRowSummaryAccountsForEveryRow(t *testing.T) {
	var r RowSummary
	r.Count(RowTransaction, 2, "", "")
	r.Count(RowBalance, 3, "SALDO ANTERIOR", "01/01;SALDO ANTERIOR;100,00")
	r.Count(RowHeader, 1, "", "Data;Histórico;Valor")
	r.Count(RowRejected, 4, "data inválida", "32/01/2024;X;1,00")
	r.Count(RowFuture, 5, "lançamento futuro", "")
	if r.Total() != 5 || len(r.RejectedNotes()) != 1 || len(r.Notes) != 3 {
		t.Fatalf("summary wrong: %+v", r)
	}
}
