package application

import (
	"context"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

func TestSweeperDeletesExpiredFilesAndRecordsIt(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	free := e.addUser(t, domain.TierFree)         // 30 minutes
	business := e.addUser(t, domain.TierBusiness) // 24 hours
	expired := e.completed(t, free, "STMT a")
	failed := e.submit(t, free, "garbage")
	if err := e.jobs.Process(ctx, failed.ID); err != nil {
		t.Fatal(err)
	}
	kept := e.completed(t, business, "STMT b")
	free2 := e.addUser(t, domain.TierFree)
	pending := e.submit(t, free2, "STMT c") // still queued: owed processing

	e.clock.Add(31 * time.Minute)
	s := NewSweeper(e.repo, e.files, time.Minute, e.clock.Now, e.log)
	n, err := s.SweepOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("swept %d jobs, want 2 (the completed and the failed free-tier jobs)", n)
	}
	for _, j := range []*domain.Job{expired, failed} {
		got := e.repo.job(j.ID)
		if got.FileDeletedAt == nil || !got.FileDeletedAt.Equal(e.clock.Now()) {
			t.Errorf("deletion of job %s not recorded: %+v", j.ID, got.FileDeletedAt)
		}
	}
	if e.files.has(expired.InputFileID) || e.files.has(expired.OutputFileID) || e.files.has(failed.InputFileID) {
		t.Error("expired files still stored")
	}
	if !e.files.has(kept.InputFileID) || !e.files.has(pending.InputFileID) {
		t.Error("a file within retention, or owed processing, was deleted")
	}
	// The results stay readable: transactions live in the database.
	if _, err := e.jobs.Statements(ctx, free, expired.ID); err != nil {
		t.Fatalf("statements after sweep: %v", err)
	}

	if n, err := s.SweepOnce(ctx); n != 0 || err != nil {
		t.Fatalf("second sweep: %d, %v", n, err)
	}
}

func TestSweeperStartStop(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree)
	j := e.completed(t, u, "STMT a")
	e.clock.Add(time.Hour)
	s := NewSweeper(e.repo, e.files, time.Hour, e.clock.Now, e.log)
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "first sweep", func() bool { return e.repo.job(j.ID).FileDeletedAt != nil })
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}
