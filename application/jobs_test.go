package application

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/domain"
)

func TestUsersOnlySeeTheirOwnJobs(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	owner := e.addUser(t, domain.TierFree)
	stranger := e.addUser(t, domain.TierFree)
	j := e.completed(t, owner, "STMT x")

	calls := map[string]func() error{
		"get":        func() error { _, err := e.jobs.Get(ctx, stranger, j.ID); return err },
		"statements": func() error { _, err := e.jobs.Statements(ctx, stranger, j.ID); return err },
		"export": func() error {
			return e.jobs.Export(ctx, stranger, j.ID, domain.ExportCSV, &bytes.Buffer{})
		},
		"cancel": func() error { return e.jobs.Cancel(ctx, stranger, j.ID) },
		"delete": func() error { return e.jobs.Delete(ctx, stranger, j.ID) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			wantCode(t, call(), domain.CodeNotFound)
		})
	}
	if e.repo.job(j.ID).ID == "" || !e.files.has(j.InputFileID) {
		t.Fatal("a stranger's delete removed the job or its file")
	}

	list, err := e.jobs.List(ctx, stranger, domain.JobFilter{UserID: owner.ID})
	if err != nil || len(list) != 0 {
		t.Fatalf("stranger listed %d jobs (asking for the owner's): %v", len(list), err)
	}
	list, _ = e.jobs.List(ctx, owner, domain.JobFilter{})
	if len(list) != 1 || list[0].ID != j.ID {
		t.Fatalf("owner listed %+v", list)
	}

	admin := e.addUser(t, domain.TierFree)
	admin.Role = domain.RoleAdmin
	if _, err := e.jobs.Get(ctx, admin, j.ID); err != nil {
		t.Fatalf("admin get: %v", err)
	}
}

func TestExportACompletedJob(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	j := e.completed(t, u, "STMT x")
	var buf bytes.Buffer
	if err := e.jobs.Export(ctx, u, j.ID, domain.ExportCSV, &buf); err != nil {
		t.Fatal(err)
	}
	want := "csv itau 12345-6\n2024-01-02;-150.00;PIX ENVIADO JOAO\n2024-01-05;384.56;TED RECEBIDA\ncsv itau 98765-4\n2024-01-31;0.50;RENDIMENTO POUPANCA\n"
	if buf.String() != want {
		t.Fatalf("export\n%s\nwant\n%s", buf.String(), want)
	}
	err := e.jobs.Export(ctx, u, j.ID, domain.ExportFormat("pdf"), &buf)
	wantCode(t, err, domain.CodeInvalid)
}

func TestStatementsOfAnUnfinishedJob(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree)
	j := e.submit(t, u, "STMT x")
	_, err := e.jobs.Statements(context.Background(), u, j.ID)
	wantCode(t, err, domain.CodeConflict)
	if !strings.Contains(domain.ErrorMessage(err), "processamento") {
		t.Errorf("message %q", domain.ErrorMessage(err))
	}
}

func TestCancel(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	queued := e.submit(t, u, "STMT a")
	if err := e.jobs.Cancel(ctx, u, queued.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.jobs.Process(ctx, queued.ID); err != nil {
		t.Fatal(err)
	}
	if got := e.repo.job(queued.ID); got.Status != domain.JobCancelled || e.reader.reads != 0 {
		t.Fatalf("cancelled job was processed: %s", got.Status)
	}
	done := e.completed(t, u, "STMT b")
	wantCode(t, e.jobs.Cancel(ctx, u, done.ID), domain.CodeConflict)
}

func TestDeleteRemovesJobFilesAndTransactions(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	j := e.completed(t, u, "STMT x")
	if err := e.jobs.Delete(ctx, u, j.ID); err != nil {
		t.Fatal(err)
	}
	if e.files.count() != 0 || len(e.repo.stored(j.ID)) != 0 {
		t.Fatalf("%d files, %d transactions left", e.files.count(), len(e.repo.stored(j.ID)))
	}
	_, err := e.jobs.Get(ctx, u, j.ID)
	wantCode(t, err, domain.CodeNotFound)
	if ev := e.audit.find("job.delete"); len(ev) != 1 || ev[0].ActorID != u.ID || ev[0].TargetID != j.ID {
		t.Fatalf("delete audit %+v", ev)
	}
}

func TestUsage(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree)
	e.completed(t, u, "STMT a")
	e.submit(t, u, "STMT b")
	got, err := e.jobs.Usage(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if got.FilesThisMonth != 2 || got.ActiveJobs != 1 || got.Tier != domain.TierFree || got.Limits.FilesPerMonth != 20 {
		t.Fatalf("usage %+v", got)
	}
}

func TestExportAndDeleteUserData(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	u.PasswordHash = "$argon2id$secret-hash"
	_ = e.users.UpdateUser(ctx, u)
	j := e.completed(t, u, "STMT x")

	var buf bytes.Buffer
	if err := e.jobs.ExportUserData(ctx, u, &buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "secret-hash") {
		t.Fatal("password hash exported")
	}
	var data struct {
		User struct{ Email string }
		Jobs []struct {
			ID           string
			Transactions []struct{ Amount string }
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &data); err != nil {
		t.Fatal(err)
	}
	if data.User.Email != u.Email || len(data.Jobs) != 1 || data.Jobs[0].ID != j.ID || len(data.Jobs[0].Transactions) != 3 {
		t.Fatalf("exported %s", buf.String())
	}

	if err := e.jobs.DeleteUserData(ctx, u); err != nil {
		t.Fatal(err)
	}
	stored, _ := e.users.GetUser(ctx, u.ID)
	if stored.Active || strings.Contains(stored.Email, "example.com") || stored.PasswordHash != "" {
		t.Fatalf("user after erasure %+v", stored)
	}
	if e.files.count() != 0 || len(e.repo.jobs) != 0 {
		t.Fatal("jobs or files left after erasure")
	}
}
