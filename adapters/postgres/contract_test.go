package postgres

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// The repository contract: every test runs on SQLite and on PostgreSQL.

func TestUsers(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@escritorio.com.br")
		if u.ID == "" {
			t.Fatal("CreateUser left the id empty")
		}

		dup := &domain.User{Email: "ana@escritorio.com.br", Name: "Outra", PasswordHash: "x", Tier: domain.TierFree, Role: domain.RoleUser}
		err := db.CreateUser(ctx, dup)
		wantCode(t, err, domain.CodeConflict)
		if msg := domain.ErrorMessage(err); msg != "Este e-mail já está cadastrado." {
			t.Errorf("duplicate message = %q", msg)
		}

		got, err := db.GetUserByEmail(ctx, "  ANA@Escritorio.com.br ")
		if err != nil {
			t.Fatalf("get by email: %v", err)
		}
		if got.ID != u.ID || got.Name != "Ana Souza" || got.Tier != domain.TierFree || !got.Active || !got.CreatedAt.Equal(t0) {
			t.Errorf("got %+v", got)
		}

		login := t0.Add(time.Hour)
		got.Name, got.Tier, got.Role, got.LastLogin, got.NotifyEmail, got.InboxToken = "Ana S.", domain.TierBusiness, domain.RoleAdmin, &login, true, "tok123"
		if err := db.UpdateUser(ctx, got); err != nil {
			t.Fatalf("update: %v", err)
		}
		again, err := db.GetUser(ctx, u.ID)
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		if again.Name != "Ana S." || again.Tier != domain.TierBusiness || !again.IsAdmin() || again.LastLogin == nil || !again.LastLogin.Equal(login) || !again.NotifyEmail {
			t.Errorf("after update got %+v", again)
		}
		if byInbox, err := db.GetUserByInboxToken(ctx, "tok123"); err != nil || byInbox.ID != u.ID {
			t.Errorf("by inbox token: %v %v", byInbox, err)
		}

		other := newUser(t, db, "bia@escritorio.com.br")
		other.Email = "ana@escritorio.com.br"
		wantCode(t, db.UpdateUser(ctx, other), domain.CodeConflict)

		_, err = db.GetUser(ctx, "00000000-0000-0000-0000-000000000000")
		wantNotFound(t, err)
		_, err = db.GetUser(ctx, "not-a-uuid")
		wantNotFound(t, err)
		_, err = db.GetUserByEmail(ctx, "ninguem@example.com")
		wantNotFound(t, err)
		if n, err := db.CountUsers(ctx); err != nil || n != 2 {
			t.Errorf("CountUsers = %d, %v; want 2", n, err)
		}
	})
}

func TestTokens(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		other := newUser(t, db, "bia@example.com")
		hash := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
		tok := &domain.APIToken{UserID: u.ID, Name: "ERP", Hash: hash, Prefix: "bf_9f86", CreatedAt: t0}
		if err := db.CreateToken(ctx, tok); err != nil {
			t.Fatalf("create: %v", err)
		}
		got, err := db.GetTokenByHash(ctx, hash)
		if err != nil || got.ID != tok.ID || got.UserID != u.ID || got.Name != "ERP" {
			t.Fatalf("by hash: %+v, %v", got, err)
		}
		if list, err := db.ListTokens(ctx, u.ID); err != nil || len(list) != 1 {
			t.Fatalf("list: %v, %v", list, err)
		}
		wantNotFound(t, db.RevokeToken(ctx, other.ID, tok.ID, t0))
		if err := db.RevokeToken(ctx, u.ID, tok.ID, t0.Add(time.Hour)); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		_, err = db.GetTokenByHash(ctx, hash)
		wantNotFound(t, err)
		wantNotFound(t, db.RevokeToken(ctx, u.ID, tok.ID, t0))
		list, err := db.ListTokens(ctx, u.ID)
		if err != nil || len(list) != 1 || list[0].RevokedAt == nil {
			t.Fatalf("revoked token should stay listed with RevokedAt: %+v, %v", list, err)
		}
	})
}

func TestJobLifecycle(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		j := newJob(t, db, u.ID, "aaa", t0)
		if got, err := db.GetJob(ctx, j.ID); err != nil || got.Status != domain.JobQueued {
			t.Fatalf("new job: %+v, %v", got, err)
		}

		claimed := claim(t, db, j.ID)
		if claimed.Status != domain.JobProcessing || claimed.Attempts != 1 || claimed.StartedAt == nil {
			t.Errorf("claimed = %+v", claimed)
		}
		_, err := db.ClaimJob(ctx, j.ID, t0)
		wantCode(t, err, domain.CodeConflict)
		if err := db.UpdateProgress(ctx, j.ID, 40); err != nil {
			t.Fatalf("progress: %v", err)
		}

		done := t0.Add(2 * time.Minute)
		if err := db.CompleteJob(ctx, j.ID, threeTransactions(t), done); err != nil {
			t.Fatalf("complete: %v", err)
		}
		got, err := db.GetJob(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != domain.JobCompleted || got.TransactionCount != 3 || got.Progress != 100 ||
			got.Reconciliation != domain.ReconBalanced || got.Difference != 0 || got.DetectedBank != domain.BankItau ||
			got.Format != "ofx" || got.OutputFileID != "out-1" || string(got.Summary) != `{"bank": "itau"}` && string(got.Summary) != `{"bank":"itau"}` ||
			got.CompletedAt == nil || !got.CompletedAt.Equal(done) {
			t.Errorf("completed job = %+v (summary %s)", got, got.Summary)
		}

		txs, err := db.JobTransactions(ctx, j.ID)
		if err != nil || len(txs) != 3 {
			t.Fatalf("transactions: %d, %v", len(txs), err)
		}
		first := txs[0]
		if first.Seq != 1 || first.Date != date(t, "2024-01-02") || first.Amount != -15000 || first.Description != "TRANSFERENCIA PIX JOAO SILVA" ||
			first.FITID != "20240102001" || !first.Balance.Valid || first.Balance.Value != 85000 || first.UserID != u.ID ||
			first.Bank != domain.BankItau || first.Account != "0001 12345-6" {
			t.Errorf("first transaction = %+v", first)
		}
		if txs[1].Balance.Valid || txs[1].Document != "000123" {
			t.Errorf("second transaction = %+v", txs[1])
		}

		wantCode(t, db.CompleteJob(ctx, j.ID, threeTransactions(t), done), domain.CodeConflict)
		wantCode(t, db.CancelJob(ctx, j.ID, done), domain.CodeConflict)
		wantCode(t, db.FailJob(ctx, j.ID, "x", done), domain.CodeConflict)
		wantCode(t, db.RequeueJob(ctx, j.ID), domain.CodeConflict)
		_, err = db.ClaimJob(ctx, "00000000-0000-0000-0000-000000000000", t0)
		wantNotFound(t, err)

		if err := db.DeleteJob(ctx, j.ID); err != nil {
			t.Fatalf("delete: %v", err)
		}
		_, err = db.GetJob(ctx, j.ID)
		wantNotFound(t, err)
		if txs, _ := db.JobTransactions(ctx, j.ID); len(txs) != 0 {
			t.Errorf("transactions survived their job: %d", len(txs))
		}
	})
}

func TestCompleteJobReplacesTransactions(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		j := newJob(t, db, u.ID, "aaa", t0)
		claim(t, db, j.ID)
		if err := db.RequeueJob(ctx, j.ID); err != nil {
			t.Fatalf("requeue: %v", err)
		}
		if again := claim(t, db, j.ID); again.Attempts != 2 {
			t.Errorf("attempts = %d, want 2", again.Attempts)
		}
		res := threeTransactions(t)
		// Identical lines of one file are all kept.
		res.Statements[0].Transactions = append(res.Statements[0].Transactions, res.Statements[0].Transactions[2])
		if err := db.CompleteJob(ctx, j.ID, res, t0); err != nil {
			t.Fatalf("complete: %v", err)
		}
		// A second run of the same job (the row reset by a crashed worker's
		// recovery) replaces, never doubles, the transactions.
		if _, err := db.bun.ExecContext(ctx, "UPDATE processing_jobs SET status = 'processing' WHERE id = ?", j.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.CompleteJob(ctx, j.ID, res, t0); err != nil {
			t.Fatalf("complete again: %v", err)
		}
		txs, err := db.JobTransactions(ctx, j.ID)
		if err != nil || len(txs) != 4 {
			t.Fatalf("transactions = %d, %v; want 4", len(txs), err)
		}
		if txs[2].Dedup == txs[3].Dedup || txs[3].Dedup != "2024-01-05|-45.90|tarifa bancaria mensal|2" {
			t.Errorf("dedup fingerprints %q, %q", txs[2].Dedup, txs[3].Dedup)
		}
	})
}

func TestCompleteCancelledJobWritesNothing(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		j := newJob(t, db, u.ID, "aaa", t0)
		claim(t, db, j.ID)
		if err := db.CancelJob(ctx, j.ID, t0); err != nil {
			t.Fatalf("cancel: %v", err)
		}
		wantCode(t, db.CompleteJob(ctx, j.ID, threeTransactions(t), t0), domain.CodeConflict)
		wantCode(t, db.UpdateProgress(ctx, j.ID, 50), domain.CodeConflict)
		got, _ := db.GetJob(ctx, j.ID)
		if got.Status != domain.JobCancelled || got.TransactionCount != 0 {
			t.Errorf("job = %+v", got)
		}
		if txs, _ := db.JobTransactions(ctx, j.ID); len(txs) != 0 {
			t.Errorf("%d transactions written for a cancelled job", len(txs))
		}
	})
}

func TestFailJob(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		j := newJob(t, db, u.ID, "aaa", t0)
		claim(t, db, j.ID)
		msg := "Não reconhecemos o formato deste arquivo."
		if err := db.FailJob(ctx, j.ID, msg, t0); err != nil {
			t.Fatalf("fail: %v", err)
		}
		got, _ := db.GetJob(ctx, j.ID)
		if got.Status != domain.JobFailed || got.ErrorMessage != msg || got.CompletedAt == nil {
			t.Errorf("failed job = %+v", got)
		}
	})
}

func TestJobQueries(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		other := newUser(t, db, "bia@example.com")
		old := newJob(t, db, u.ID, "same", t0.Add(-40*24*time.Hour))
		recent := newJob(t, db, u.ID, "same", t0)
		failed := newJob(t, db, u.ID, "same", t0.Add(time.Minute))
		otherJob := newJob(t, db, other.ID, "same", t0)
		claim(t, db, recent.ID)
		if err := db.FailJob(ctx, failed.ID, "falhou", t0); err != nil {
			t.Fatal(err)
		}

		found, err := db.FindJobByHash(ctx, u.ID, "same")
		if err != nil || found.ID != recent.ID {
			t.Errorf("FindJobByHash = %v, %v; want the newest non-failed job %s", found, err, recent.ID)
		}
		_, err = db.FindJobByHash(ctx, u.ID, "different")
		wantNotFound(t, err)

		if n, err := db.CountJobsSince(ctx, u.ID, t0.Add(-24*time.Hour)); err != nil || n != 2 {
			t.Errorf("CountJobsSince = %d, %v; want 2", n, err)
		}
		if n, err := db.CountActiveJobs(ctx, u.ID); err != nil || n != 2 {
			t.Errorf("CountActiveJobs = %d, %v; want 2 (queued + processing)", n, err)
		}
		ids, err := db.UnfinishedJobs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(ids)
		want := []string{old.ID, recent.ID, otherJob.ID}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("UnfinishedJobs = %v, want %v", ids, want)
		}

		list, err := db.ListJobs(ctx, domain.JobFilter{UserID: u.ID})
		if err != nil || len(list) != 3 || list[0].ID != failed.ID || list[2].ID != old.ID {
			t.Errorf("ListJobs = %d jobs, %v; want 3 newest first", len(list), err)
		}
		list, err = db.ListJobs(ctx, domain.JobFilter{UserID: u.ID, Status: domain.JobProcessing})
		if err != nil || len(list) != 1 || list[0].ID != recent.ID {
			t.Errorf("ListJobs(processing) = %v, %v", list, err)
		}
		byStatus, err := db.CountJobsByStatus(ctx)
		if err != nil || byStatus[domain.JobQueued] != 2 || byStatus[domain.JobFailed] != 1 {
			t.Errorf("CountJobsByStatus = %v, %v", byStatus, err)
		}
	})
}

func TestExpiredFiles(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		expired := newJob(t, db, u.ID, "a", t0.Add(-time.Hour))
		fresh := newJob(t, db, u.ID, "b", t0)
		jobs, err := db.ExpiredFiles(ctx, t0, 10)
		if err != nil || len(jobs) != 1 || jobs[0].ID != expired.ID || jobs[0].InputFileID != "in-a" {
			t.Fatalf("ExpiredFiles = %+v, %v; want only %s", jobs, err, expired.ID)
		}
		if err := db.MarkFileDeleted(ctx, expired.ID, t0); err != nil {
			t.Fatalf("mark: %v", err)
		}
		if jobs, _ := db.ExpiredFiles(ctx, t0.Add(time.Hour), 10); len(jobs) != 1 || jobs[0].ID != fresh.ID {
			t.Errorf("after marking, ExpiredFiles = %+v; want only %s", jobs, fresh.ID)
		}
		got, _ := db.GetJob(ctx, expired.ID)
		if got.InputFileID != "" || got.OutputFileID != "" || got.FileDeletedAt == nil || !got.FileDeletedAt.Equal(t0) {
			t.Errorf("marked job = %+v", got)
		}
		wantNotFound(t, db.MarkFileDeleted(ctx, "00000000-0000-0000-0000-000000000000", t0))
		if !errors.Is(db.MarkFileDeleted(ctx, "x", t0), domain.ErrNotFound) {
			t.Error("a malformed id should be not found")
		}
	})
}
