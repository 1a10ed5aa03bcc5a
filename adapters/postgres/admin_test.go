package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

func TestSearchUsers(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		ana := newUser(t, db, "ana@example.com")
		bia := newUser(t, db, "bia@contabil.com.br")
		bia.Name, bia.Tier, bia.Role, bia.Active = "Beatriz Lima", domain.TierBusiness, domain.RoleAdmin, false
		if err := db.UpdateUser(ctx, bia); err != nil {
			t.Fatal(err)
		}
		newUser(t, db, "caio_x@example.com")
		no := false
		cases := []struct {
			name string
			f    domain.UserFilter
			want []string
		}{
			{"all", domain.UserFilter{}, []string{"ana@example.com", "bia@contabil.com.br", "caio_x@example.com"}},
			{"by e-mail part", domain.UserFilter{Query: "CONTABIL"}, []string{"bia@contabil.com.br"}},
			{"by name", domain.UserFilter{Query: "lima"}, []string{"bia@contabil.com.br"}},
			{"underscore is literal", domain.UserFilter{Query: "o_x"}, []string{"caio_x@example.com"}},
			{"tier", domain.UserFilter{Tier: domain.TierBusiness}, []string{"bia@contabil.com.br"}},
			{"role", domain.UserFilter{Role: domain.RoleUser}, []string{"ana@example.com", "caio_x@example.com"}},
			{"inactive", domain.UserFilter{Active: &no}, []string{"bia@contabil.com.br"}},
			{"page", domain.UserFilter{Limit: 1, Offset: 1}, []string{"bia@contabil.com.br"}},
		}
		for _, c := range cases {
			us, n, err := db.SearchUsers(ctx, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got []string
			for _, u := range us {
				got = append(got, u.Email)
			}
			if !equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
			if c.f.Limit == 0 && n != len(c.want) {
				t.Errorf("%s: total %d, want %d", c.name, n, len(c.want))
			}
			if c.name == "page" && n != 3 {
				t.Errorf("page total = %d, want 3", n)
			}
		}
		_ = ana
	})
}

func TestAdminJobsAndRetry(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		old := newJob(t, db, u.ID, "a", t0)
		newer := newJob(t, db, u.ID, "b", t0.Add(time.Hour))
		gone := newJob(t, db, u.ID, "c", t0.Add(2*time.Hour))
		for _, j := range []*domain.Job{old, gone} {
			claim(t, db, j.ID)
			if err := db.FailJob(ctx, j.ID, "Formato não reconhecido.", t0.Add(3*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.MarkFileDeleted(ctx, gone.ID, t0.Add(4*time.Hour)); err != nil {
			t.Fatal(err)
		}
		js, n, err := db.ListJobsFailedFirst(ctx, domain.JobFilter{})
		if err != nil || n != 3 {
			t.Fatalf("list: %d, %v", n, err)
		}
		if js[0].ID != gone.ID || js[1].ID != old.ID || js[2].ID != newer.ID {
			t.Errorf("order = %s %s %s; want failed first, newest first", js[0].ID, js[1].ID, js[2].ID)
		}
		if b, err := db.StoredBytes(ctx, u.ID); err != nil || b != 2*1234 {
			t.Errorf("stored bytes = %d, %v; want the two kept inputs", b, err)
		}

		j, err := db.RetryJob(ctx, old.ID)
		if err != nil || j.Status != domain.JobQueued || j.ErrorMessage != "" {
			t.Fatalf("retry = %+v, %v", j, err)
		}
		if _, err := db.RetryJob(ctx, old.ID); domain.ErrorCode(err) != domain.CodeConflict {
			t.Errorf("retrying a queued job: %v, want conflict", err)
		}
		if _, err := db.RetryJob(ctx, gone.ID); domain.ErrorCode(err) != domain.CodeConflict {
			t.Errorf("retrying a job whose file is gone: %v, want conflict", err)
		}
	})
}

func TestPasswordResetIsSingleUse(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		for _, h := range []string{"h1", "h2", "old"} {
			exp := t0.Add(time.Hour)
			if h == "old" {
				exp = t0.Add(-time.Minute)
			}
			if err := db.CreatePasswordReset(ctx, &domain.PasswordReset{TokenHash: h, UserID: u.ID, CreatedAt: t0, ExpiresAt: exp}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.GetPasswordReset(ctx, "old", t0); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("expired link: %v, want not found", err)
		}
		r, err := db.ConsumePasswordReset(ctx, "h1", t0)
		if err != nil || r.UserID != u.ID {
			t.Fatalf("consume = %+v, %v", r, err)
		}
		if _, err := db.ConsumePasswordReset(ctx, "h1", t0); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("second use: %v, want not found", err)
		}
		if _, err := db.GetPasswordReset(ctx, "h2", t0); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("the user's other link should close with the first use: %v", err)
		}
	})
}

func TestQueryAudit(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		for i, e := range []domain.AuditEvent{
			{ActorID: "a1", Action: "auth.login"},
			{ActorID: "a1", Action: "admin.user.tier"},
			{ActorID: "a2", Action: "admin.user.active"},
			{ActorID: "a2", Action: "auth.login_failed"},
		} {
			e.At = t0.Add(time.Duration(i) * 24 * time.Hour)
			if err := db.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		cases := []struct {
			name string
			f    domain.AuditFilter
			want []string
		}{
			{"all newest first", domain.AuditFilter{}, []string{"auth.login_failed", "admin.user.active", "admin.user.tier", "auth.login"}},
			{"action", domain.AuditFilter{Action: "auth.login"}, []string{"auth.login"}},
			{"action prefix", domain.AuditFilter{Action: "admin."}, []string{"admin.user.active", "admin.user.tier"}},
			{"actor", domain.AuditFilter{ActorID: "a2"}, []string{"auth.login_failed", "admin.user.active"}},
			{"date range", domain.AuditFilter{From: t0.Add(24 * time.Hour), To: t0.Add(72 * time.Hour)}, []string{"admin.user.active", "admin.user.tier"}},
			{"page", domain.AuditFilter{Limit: 1, Offset: 3}, []string{"auth.login"}},
		}
		for _, c := range cases {
			es, n, err := db.QueryAudit(ctx, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.Action)
			}
			if !equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
			if c.f.Limit == 0 && n != len(c.want) {
				t.Errorf("%s: total %d, want %d", c.name, n, len(c.want))
			}
		}
		if acts, err := db.AuditActions(ctx); err != nil || len(acts) != 4 {
			t.Errorf("actions = %v, %v", acts, err)
		}
	})
}

// TestEraseUser is the storage half of the LGPD erasure proof: after the
// user row is deleted and the audit trail pseudonymised, nothing of the user
// is left in any table, in the full-text index or in the audit log, and the
// audit log still refuses any other change.
func TestEraseUser(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		other := newUser(t, db, "bia@example.com")
		completedJob(t, db, u.ID, "a", tx(t, "2024-01-02", -15000, "PIX ZEBULON"))
		completedJob(t, db, other.ID, "b", tx(t, "2024-01-02", -15000, "PIX ZEBULON"))
		if err := db.CreateToken(ctx, &domain.APIToken{UserID: u.ID, Name: "ERP", Hash: "h1", Prefix: "bf"}); err != nil {
			t.Fatal(err)
		}
		if err := db.CreatePasswordReset(ctx, &domain.PasswordReset{TokenHash: "r1", UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		for _, e := range []domain.AuditEvent{
			{ActorID: u.ID, Action: "auth.login", TargetID: u.ID, IP: "10.0.0.9"},
			{Action: "auth.login_failed", IP: "10.0.0.9", Detail: `{"email":"ana@example.com","reason":"unknown_email"}`},
			{ActorID: other.ID, Action: "admin.user.tier", TargetID: u.ID, IP: "10.0.0.1", Detail: `{"before":"free","after":"business"}`},
			{ActorID: other.ID, Action: "job.delete", TargetID: "j1", IP: "10.0.0.1", Detail: `{"owner":"` + u.ID + `"}`},
		} {
			e.At = t0
			if err := db.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
		}

		if _, err := db.DeleteUserData(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteUser(ctx, u.ID); err != nil {
			t.Fatalf("delete user: %v", err)
		}
		pseudo := "anon-0123456789abcdef01234567"
		if n, err := db.PseudonymizeAudit(ctx, u.ID, pseudo, u.Email); err != nil || n != 4 {
			t.Fatalf("pseudonymize = %d, %v; want 4 rows", n, err)
		}

		for _, table := range []string{"users", "processing_jobs", "transactions", "api_tokens", "password_resets"} {
			col := "user_id"
			if table == "users" {
				col = "id"
			}
			var n int
			if err := db.bun.NewRaw("SELECT count(*) FROM "+table+" WHERE "+col+" = ?", u.ID).Scan(ctx, &n); err != nil {
				t.Fatalf("count %s: %v", table, err)
			}
			if n != 0 {
				t.Errorf("%d rows of the erased user left in %s", n, table)
			}
		}
		var fts int
		if db.isPostgres() {
			err := db.bun.NewRaw("SELECT count(*) FROM transactions WHERE search @@ plainto_tsquery('portuguese', 'zebulon')").Scan(ctx, &fts)
			if err != nil || fts != 1 {
				t.Errorf("search index rows = %d, %v; want only the other user's", fts, err)
			}
		} else {
			err := db.bun.NewRaw("SELECT count(*) FROM transactions_fts WHERE transactions_fts MATCH 'zebulon'").Scan(ctx, &fts)
			if err != nil || fts != 1 {
				t.Errorf("search index rows = %d, %v; want only the other user's", fts, err)
			}
		}
		if _, total, _ := db.SearchTransactions(ctx, domain.TransactionQuery{UserID: other.ID, Text: "zebulon"}); total != 1 {
			t.Errorf("the other user's search hit is gone: %d", total)
		}

		events, _, err := db.QueryAudit(ctx, domain.AuditFilter{})
		if err != nil || len(events) != 4 {
			t.Fatalf("audit = %v, %v", events, err)
		}
		for _, e := range events {
			all := e.ActorID + " " + e.TargetID + " " + e.Detail
			if strings.Contains(all, u.ID) || strings.Contains(all, u.Email) {
				t.Errorf("audit event %s still names the user: %+v", e.Action, e)
			}
			if (e.ActorID == pseudo || e.TargetID == pseudo) && e.IP != "" {
				t.Errorf("audit event %s keeps the user's IP", e.Action)
			}
		}
		if _, err := db.bun.ExecContext(ctx, "UPDATE audit_events SET detail = 'x'"); err == nil {
			t.Error("the audit log accepted an UPDATE that is not a pseudonymisation")
		}
		if _, err := db.bun.ExecContext(ctx, "UPDATE audit_events SET actor_id = 'anon-1', action = 'forged'"); err == nil {
			t.Error("the audit log accepted a forged action")
		}
		if _, err := db.bun.ExecContext(ctx, "DELETE FROM audit_events WHERE at > ?", time.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err) // nothing that recent: a no-op either way
		}
	})
}

func TestAuditRefusesDeletingRecentEvents(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if err := db.Append(ctx, domain.AuditEvent{At: time.Now(), Action: "auth.login"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.bun.ExecContext(ctx, "DELETE FROM audit_events"); err == nil {
			t.Error("the audit log accepted deleting an event of today")
		}
	})
}
