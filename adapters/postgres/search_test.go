package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// completedJob creates, claims and completes a job of u holding txs.
func completedJob(tb testing.TB, db *DB, userID, hash string, txs ...domain.Transaction) *domain.Job {
	tb.Helper()
	j := newJob(tb, db, userID, hash, t0)
	claim(tb, db, j.ID)
	res := domain.JobResult{Statements: []domain.Statement{statement(tb, txs...)}, DetectedBank: domain.BankItau, Format: "ofx"}
	if err := db.CompleteJob(context.Background(), j.ID, res, t0); err != nil {
		tb.Fatalf("complete: %v", err)
	}
	return j
}

func descriptions(ts []domain.StoredTransaction) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Description
	}
	return out
}

func TestSearchTransactions(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		other := newUser(t, db, "bia@example.com")
		j1 := completedJob(t, db, u.ID, "a",
			tx(t, "2024-01-02", -15000, "TRANSFERENCIA PIX JOAO SILVA"),
			tx(t, "2024-01-03", 250000, "SALÁRIO EMPRESA XYZ LTDA"),
			tx(t, "2024-01-05", -4590, "TARIFA BANCARIA MENSAL"),
		)
		completedJob(t, db, u.ID, "b",
			tx(t, "2024-02-10", -99900, "Transferências enviadas TED"),
			tx(t, "2024-02-11", -1250, "COMPRA CARTAO PADARIA"),
		)
		completedJob(t, db, other.ID, "c",
			tx(t, "2024-01-02", -15000, "TRANSFERENCIA PIX OUTRO CLIENTE"),
		)
		minus100, zero := domain.Money(-10000), domain.Money(0)

		tests := []struct {
			name  string
			q     domain.TransactionQuery
			want  []string
			total int
		}{
			{"accents and case ignored", domain.TransactionQuery{Text: "transferência"},
				[]string{"TRANSFERENCIA PIX JOAO SILVA", "Transferências enviadas TED"}, 2},
			{"accented text found from plain query", domain.TransactionQuery{Text: "salario"},
				[]string{"SALÁRIO EMPRESA XYZ LTDA"}, 1},
			{"all words required", domain.TransactionQuery{Text: "pix joão"},
				[]string{"TRANSFERENCIA PIX JOAO SILVA"}, 1},
			{"no match", domain.TransactionQuery{Text: "aluguel"}, []string{}, 0},
			{"hostile text is only words", domain.TransactionQuery{Text: `"pix" ( ) * : ^ ' -`},
				[]string{"TRANSFERENCIA PIX JOAO SILVA"}, 1},
			{"amount range", domain.TransactionQuery{MinAmount: &minus100, MaxAmount: &zero},
				[]string{"TARIFA BANCARIA MENSAL", "COMPRA CARTAO PADARIA"}, 2},
			{"date range", domain.TransactionQuery{From: date(t, "2024-01-03"), To: date(t, "2024-01-31")},
				[]string{"SALÁRIO EMPRESA XYZ LTDA", "TARIFA BANCARIA MENSAL"}, 2},
			{"one job", domain.TransactionQuery{JobID: j1.ID, Sort: "-amount"},
				[]string{"SALÁRIO EMPRESA XYZ LTDA", "TARIFA BANCARIA MENSAL", "TRANSFERENCIA PIX JOAO SILVA"}, 3},
			{"sorted by date, newest first, paged", domain.TransactionQuery{Sort: "-date", Limit: 2, Offset: 1},
				[]string{"Transferências enviadas TED", "TARIFA BANCARIA MENSAL"}, 5},
			{"sorted by amount", domain.TransactionQuery{Sort: "amount", Limit: 1},
				[]string{"Transferências enviadas TED"}, 5},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				tc.q.UserID = u.ID
				got, total, err := db.SearchTransactions(ctx, tc.q)
				if err != nil {
					t.Fatalf("search: %v", err)
				}
				if d := descriptions(got); total != tc.total || len(d) != len(tc.want) || !equal(d, tc.want) {
					t.Errorf("got %q (total %d), want %q (total %d)", d, total, tc.want, tc.total)
				}
				for _, tr := range got {
					if tr.UserID != u.ID {
						t.Errorf("returned another user's transaction %+v", tr)
					}
				}
			})
		}

		_, _, err := db.SearchTransactions(ctx, domain.TransactionQuery{UserID: u.ID, Sort: "description; DROP TABLE users"})
		wantCode(t, err, domain.CodeInvalid)
		got, total, err := db.SearchTransactions(ctx, domain.TransactionQuery{UserID: other.ID, JobID: j1.ID})
		if err != nil || total != 0 || len(got) != 0 {
			t.Errorf("another user reads job %s: %d rows, %v", j1.ID, total, err)
		}
	})
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

func TestDeleteUserData(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		other := newUser(t, db, "bia@example.com")
		j := completedJob(t, db, u.ID, "a", tx(t, "2024-01-02", -15000, "PIX"))
		newJob(t, db, u.ID, "b", t0)
		kept := completedJob(t, db, other.ID, "c", tx(t, "2024-01-02", -15000, "PIX"))
		if err := db.CreateToken(ctx, &domain.APIToken{UserID: u.ID, Name: "ERP", Hash: "h1", Prefix: "bf"}); err != nil {
			t.Fatal(err)
		}

		files, err := db.DeleteUserData(ctx, u.ID)
		if err != nil {
			t.Fatalf("delete: %v", err)
		}
		if len(files) != 2 || !contains(files, "in-a") || !contains(files, "in-b") {
			t.Errorf("file ids = %v, want the two inputs", files)
		}
		if jobs, _ := db.ListJobs(ctx, domain.JobFilter{UserID: u.ID}); len(jobs) != 0 {
			t.Errorf("%d jobs left", len(jobs))
		}
		if _, total, _ := db.SearchTransactions(ctx, domain.TransactionQuery{UserID: u.ID}); total != 0 {
			t.Errorf("%d transactions left", total)
		}
		if _, err := db.GetTokenByHash(ctx, "h1"); err == nil {
			t.Error("token survived")
		}
		if _, err := db.GetJob(ctx, j.ID); err == nil {
			t.Error("job survived")
		}
		if _, total, _ := db.SearchTransactions(ctx, domain.TransactionQuery{UserID: other.ID, JobID: kept.ID}); total != 1 {
			t.Errorf("the other user's data was touched: %d transactions", total)
		}
		if _, err := db.GetUser(ctx, u.ID); err != nil {
			t.Errorf("the user row itself should stay: %v", err)
		}
	})
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestAuditLog(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		for i, action := range []string{"auth.login", "admin.user.tier"} {
			e := domain.AuditEvent{At: t0.Add(time.Duration(i) * time.Hour), ActorID: "u1", Action: action, IP: "10.0.0.1", Detail: `{"tier":"business"}`}
			if err := db.Append(ctx, e); err != nil {
				t.Fatalf("append: %v", err)
			}
		}
		events, err := db.ListAuditEvents(ctx, AuditFilter{ActorID: "u1"})
		if err != nil || len(events) != 2 || events[0].Action != "admin.user.tier" || !events[1].At.Equal(t0) {
			t.Fatalf("events = %+v, %v", events, err)
		}
		if _, err := db.bun.ExecContext(ctx, "UPDATE audit_events SET action = 'forged'"); err == nil {
			t.Error("the audit log accepted an UPDATE")
		}
		if n, err := db.PruneAudit(ctx, t0.Add(30*time.Minute)); err != nil || n != 1 {
			t.Errorf("prune = %d, %v; want 1", n, err)
		}
		if db.isPostgres() {
			if _, err := db.bun.ExecContext(ctx, "DELETE FROM audit_events"); err == nil {
				t.Error("the audit log accepted a DELETE outside retention")
			}
		}
	})
}
