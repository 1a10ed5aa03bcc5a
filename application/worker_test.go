package application

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// waitFor polls cond; the deadline only guards against a hung test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func startWorker(t *testing.T, e *testEnv, cfg WorkerConfig) *Worker {
	t.Helper()
	if cfg.RetryBackoff == 0 {
		cfg.RetryBackoff = time.Millisecond
	}
	w := NewWorker(e.jobs, e.queue, e.repo, cfg, e.log)
	if err := w.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Stop(context.Background()) })
	return w
}

func TestWorkerProcessesAndAcks(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierProfessional)
	var ids []string
	for _, body := range []string{"STMT a", "STMT b", "garbage"} {
		ids = append(ids, e.submit(t, u, body).ID)
	}
	w := startWorker(t, e, WorkerConfig{Concurrency: 2})
	waitFor(t, "three acks", func() bool { return len(e.queue.ackedIDs()) == 3 })
	if err := w.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []domain.JobStatus{domain.JobCompleted, domain.JobCompleted, domain.JobFailed}
	for i, id := range ids {
		if got := e.repo.job(id).Status; got != want[i] {
			t.Errorf("job %d: %s, want %s", i, got, want[i])
		}
	}
}

func TestWorkerRetriesTransientFailures(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree)
	j := e.submit(t, u, "STMT a")
	e.files.putFails = 1 // the first workbook write fails
	startWorker(t, e, WorkerConfig{})
	waitFor(t, "ack", func() bool { return len(e.queue.ackedIDs()) == 1 })
	got := e.repo.job(j.ID)
	if got.Status != domain.JobCompleted || got.Attempts != 2 {
		t.Fatalf("status %s after %d attempts", got.Status, got.Attempts)
	}
	e.queue.mu.Lock()
	retries := len(e.queue.retried)
	e.queue.mu.Unlock()
	if retries != 1 {
		t.Fatalf("%d retries", retries)
	}
}

func TestWorkerDeliveryLimitFailsTheJob(t *testing.T) {
	tests := []struct {
		name       string
		queueLimit int
		workerMax  int
	}{
		{"queue limit", 3, 0},
		{"worker limit", 0, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			e.queue.max = tt.queueLimit
			u := e.addUser(t, domain.TierFree)
			e.queue.enqErr = errDown
			j := e.submit(t, u, "STMT a")
			e.queue.enqErr = nil
			// Three earlier deliveries died with their workers, leaving the job processing.
			e.queue.attempts[j.ID] = 3
			if _, err := e.repo.ClaimJob(context.Background(), j.ID, e.clock.Now()); err != nil {
				t.Fatal(err)
			}
			_ = e.queue.Enqueue(context.Background(), j.ID)
			startWorker(t, e, WorkerConfig{MaxDeliveries: tt.workerMax})
			waitFor(t, "ack", func() bool { return len(e.queue.ackedIDs()) == 1 })
			got := e.repo.job(j.ID)
			if got.Status != domain.JobFailed || !strings.Contains(got.ErrorMessage, "várias tentativas") {
				t.Fatalf("job %s %q", got.Status, got.ErrorMessage)
			}
			if e.reader.reads != 0 {
				t.Fatal("job processed past the delivery limit")
			}
		})
	}
}

func TestWorkerReclaimsAJobLeftProcessingByADeadWorker(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree)
	j := e.submit(t, u, "STMT a")
	<-e.queue.ch // the first delivery went to a worker that died mid-job
	if _, err := e.repo.ClaimJob(context.Background(), j.ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	_ = e.queue.Enqueue(context.Background(), j.ID) // redelivery, attempt 2
	startWorker(t, e, WorkerConfig{})
	waitFor(t, "ack", func() bool { return len(e.queue.ackedIDs()) == 1 })
	if got := e.repo.job(j.ID); got.Status != domain.JobCompleted || len(e.repo.stored(j.ID)) != 3 {
		t.Fatalf("status %s, %d transactions", got.Status, len(e.repo.stored(j.ID)))
	}
}

func TestWorkerStopWaitsForTheJobInFlight(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree)
	release := make(chan struct{})
	inFlight := make(chan struct{})
	e.reader.onRead = func(context.Context) { close(inFlight); <-release }
	j := e.submit(t, u, "STMT a")
	w := startWorker(t, e, WorkerConfig{})
	<-inFlight

	stopped := make(chan error, 1)
	go func() { stopped <- w.Stop(context.Background()) }()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) while a job was in flight", err)
	default:
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if got := e.repo.job(j.ID); got.Status != domain.JobCompleted {
		t.Fatalf("status %s", got.Status)
	}
	if !slices.Contains(e.queue.ackedIDs(), j.ID) {
		t.Fatal("finished job not acked")
	}
}

func TestWorkerStopDeadlineRequeuesTheJob(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree)
	release := make(chan struct{})
	inFlight := make(chan struct{})
	e.reader.onRead = func(context.Context) { close(inFlight); <-release }
	j := e.submit(t, u, "STMT a")
	w := startWorker(t, e, WorkerConfig{})
	<-inFlight

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the shutdown deadline has passed
	if err := w.Stop(ctx); err == nil {
		t.Fatal("Stop past its deadline reported success")
	}
	close(release)
	w.wg.Wait()
	if got := e.repo.job(j.ID); got.Status != domain.JobQueued {
		t.Fatalf("status %s, want queued for redelivery", got.Status)
	}
	if len(e.queue.ackedIDs()) != 0 || len(e.repo.stored(j.ID)) != 0 || e.files.count() != 1 {
		t.Fatal("aborted job was acked or left a result")
	}
}

func TestRecoverUnfinishedRequeuesQueuedAndProcessing(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierProfessional)
	e.queue.enqErr = errDown // the previous run lost its queue
	queued := e.submit(t, u, "STMT a")
	processing := e.submit(t, u, "STMT b")
	done := e.submit(t, u, "STMT c")
	e.queue.enqErr = nil
	if _, err := e.repo.ClaimJob(ctx, processing.ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.repo.ClaimJob(ctx, done.ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	_ = e.repo.FailJob(ctx, done.ID, "x", e.clock.Now())

	w := NewWorker(e.jobs, e.queue, e.repo, WorkerConfig{}, e.log)
	if err := w.RecoverUnfinished(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for len(e.queue.ch) > 0 {
		d := <-e.queue.ch
		got = append(got, d.JobID)
	}
	slices.Sort(got)
	want := []string{queued.ID, processing.ID}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("re-enqueued %v, want %v", got, want)
	}
	if s := e.repo.job(processing.ID).Status; s != domain.JobQueued {
		t.Fatalf("processing job now %s, want queued", s)
	}
}

func TestRecoverUnfinishedLeavesRecentJobsToLiveWorkers(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierProfessional)
	recent := e.submit(t, u, "STMT a")
	stale := e.submit(t, u, "STMT b")
	for len(e.queue.ch) > 0 {
		<-e.queue.ch
	}
	started := e.clock.Now()
	if _, err := e.repo.ClaimJob(ctx, stale.ID, started.Add(-10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.repo.ClaimJob(ctx, recent.ID, started.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	w := NewWorker(e.jobs, e.queue, e.repo, WorkerConfig{StaleAfter: 5 * time.Minute, Now: e.clock.Now}, e.log)
	if err := w.RecoverUnfinished(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for len(e.queue.ch) > 0 {
		got = append(got, (<-e.queue.ch).JobID)
	}
	if !slices.Equal(got, []string{stale.ID}) {
		t.Fatalf("re-enqueued %v, want only the stale job %s", got, stale.ID)
	}
	if s := e.repo.job(recent.ID).Status; s != domain.JobProcessing {
		t.Fatalf("a job a live worker may hold must stay processing, got %s", s)
	}
}
