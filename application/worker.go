package application

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// WorkerConfig sizes a worker.
type WorkerConfig struct {
	Concurrency   int // jobs processed at once; 1 when zero
	MaxDeliveries int // deliveries after which a job is failed; 5 when zero
	// RetryBackoff is the pause before a failed delivery is given back,
	// multiplied by the attempt (capped at 30s); 1s when zero.
	RetryBackoff time.Duration
	// StaleAfter, when set, makes start-up recovery leave alone jobs that
	// another live process started less than this long ago (a shared
	// queue redelivers them if that process dies). Zero requeues every
	// processing job: right for the in-process queue, whose jobs all died
	// with the previous run.
	StaleAfter time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Worker takes job ids from the queue and processes them.
type Worker struct {
	jobs *Jobs
	q    domain.JobQueue
	repo domain.JobRepository
	cfg  WorkerConfig
	log  *slog.Logger

	mu       sync.Mutex
	started  bool
	stopRecv context.CancelFunc // stops receiving
	stopJobs context.CancelFunc // aborts in-flight jobs (Stop deadline)
	stopped  chan struct{}      // closed when Stop begins: cuts backoffs short
	inflight map[string]struct{}
	wg       sync.WaitGroup
}

// NewWorker returns a worker; Start runs it.
func NewWorker(jobs *Jobs, q domain.JobQueue, repo domain.JobRepository, cfg WorkerConfig, log *slog.Logger) *Worker {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 1
	}
	if cfg.MaxDeliveries <= 0 {
		cfg.MaxDeliveries = 5
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = time.Second
	}
	if log == nil {
		log = slog.Default()
	}
	return &Worker{jobs: jobs, q: q, repo: repo, cfg: cfg, log: log, inflight: map[string]struct{}{}}
}

// Start spawns the worker goroutines and returns at once. ctx only carries
// values: the worker runs until Stop.
func (w *Worker) Start(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		return errors.New("worker already started")
	}
	w.started = true
	base := context.WithoutCancel(ctx)
	recvCtx, stopRecv := context.WithCancel(base)
	jobCtx, stopJobs := context.WithCancel(base)
	w.stopRecv, w.stopJobs = stopRecv, stopJobs
	w.stopped = make(chan struct{})
	for range w.cfg.Concurrency {
		w.wg.Add(1)
		go w.loop(recvCtx, jobCtx)
	}
	return nil
}

// Stop stops receiving and waits for in-flight jobs until ctx ends. Jobs
// still running then are aborted, put back to queued and not acked, so the
// queue (or start-up recovery) delivers them again.
func (w *Worker) Stop(ctx context.Context) error {
	w.mu.Lock()
	if !w.started || w.stopRecv == nil {
		w.mu.Unlock()
		return nil
	}
	stopRecv, stopJobs := w.stopRecv, w.stopJobs
	w.stopRecv = nil
	close(w.stopped)
	w.mu.Unlock()

	stopRecv()
	done := make(chan struct{})
	go func() { w.wg.Wait(); close(done) }()
	select {
	case <-done:
		stopJobs()
		return nil
	case <-ctx.Done():
	}
	stopJobs()
	w.mu.Lock()
	ids := make([]string, 0, len(w.inflight))
	for id := range w.inflight {
		ids = append(ids, id)
	}
	w.mu.Unlock()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	for _, id := range ids {
		if err := w.repo.RequeueJob(rctx, id); err != nil {
			w.log.Warn("requeue in-flight job at shutdown", "job", id, "err", err)
		}
	}
	return fmt.Errorf("worker stop: %d jobs still running: %w", len(ids), ctx.Err())
}

func (w *Worker) loop(recvCtx, jobCtx context.Context) {
	defer w.wg.Done()
	for {
		d, err := w.q.Receive(recvCtx)
		if recvCtx.Err() != nil {
			if d != nil && d.Retry != nil {
				// Received as we stopped: give it straight back.
				_ = d.Retry(context.WithoutCancel(jobCtx))
			}
			return
		}
		if err != nil {
			w.log.Warn("receive from queue", "err", err)
			if !w.sleep(w.cfg.RetryBackoff) {
				return
			}
			continue
		}
		w.handle(jobCtx, d)
	}
}

// handle processes one delivery and settles it: ack when the job reached a
// state where nothing more is to be done, retry after a backoff when the
// failure was transient, nothing when the worker is being killed.
func (w *Worker) handle(ctx context.Context, d *domain.Delivery) {
	log := w.log.With("job", d.JobID, "attempt", d.Attempt)
	if d.Exhausted() || d.Attempt > w.cfg.MaxDeliveries {
		if err := w.jobs.giveUp(ctx, d.JobID); err != nil {
			log.Error("mark job failed after delivery limit", "err", err)
			w.retry(ctx, d, log)
			return
		}
		log.Warn("delivery limit reached; job failed")
		w.ack(ctx, d, log)
		return
	}
	if d.Attempt > 1 {
		w.reclaim(ctx, d.JobID, log)
	}

	w.track(d.JobID, true)
	err := w.jobs.Process(ctx, d.JobID)
	w.track(d.JobID, false)

	switch {
	case ctx.Err() != nil:
		// Aborted by Stop: the job was requeued; the message stays unacked.
		return
	case err == nil:
		w.ack(ctx, d, log)
	default:
		log.Warn("processing failed; will retry", "err", err)
		w.retry(ctx, d, log)
	}
}

// reclaim takes back a job left processing by a worker that died: on a
// redelivery the previous attempt is over (the queue only redelivers after
// a retry or a visibility timeout), so a processing job goes back to queued
// and can be claimed. A slow but alive previous worker is harmless:
// CompleteJob replaces transactions and refuses a job no longer processing.
func (w *Worker) reclaim(ctx context.Context, id string, log *slog.Logger) {
	j, err := w.repo.GetJob(ctx, id)
	if err != nil || j.Status != domain.JobProcessing {
		return
	}
	if err := w.repo.RequeueJob(ctx, id); err != nil {
		log.Warn("reclaim stuck job", "err", err)
	}
}

func (w *Worker) ack(ctx context.Context, d *domain.Delivery, log *slog.Logger) {
	if d.Ack == nil {
		return
	}
	if err := d.Ack(context.WithoutCancel(ctx)); err != nil {
		log.Warn("ack delivery", "err", err)
	}
}

func (w *Worker) retry(ctx context.Context, d *domain.Delivery, log *slog.Logger) {
	wait := w.cfg.RetryBackoff * time.Duration(d.Attempt)
	if wait > 30*time.Second {
		wait = 30 * time.Second
	}
	w.sleep(wait)
	if d.Retry == nil {
		return
	}
	if err := d.Retry(context.WithoutCancel(ctx)); err != nil {
		log.Warn("give delivery back", "err", err)
	}
}

// sleep waits for d or until Stop begins; it reports whether it slept fully.
func (w *Worker) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.stopped:
		return false
	}
}

func (w *Worker) track(id string, on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if on {
		w.inflight[id] = struct{}{}
	} else {
		delete(w.inflight, id)
	}
}

// RecoverUnfinished re-enqueues, at start-up, every job left queued or
// processing by a previous run: processing ones go back to queued first,
// unless StaleAfter says a live process may still hold them. Duplicate
// queue entries are harmless since claiming is conditional.
func (w *Worker) RecoverUnfinished(ctx context.Context) error {
	ids, err := w.repo.UnfinishedJobs(ctx)
	if err != nil {
		return fmt.Errorf("list unfinished jobs: %w", err)
	}
	var errs []error
	for _, id := range ids {
		j, err := w.repo.GetJob(ctx, id)
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("get job %s: %w", id, err))
			continue
		}
		if j.Status == domain.JobProcessing {
			if w.heldByLiveWorker(j) {
				continue
			}
			if err := w.repo.RequeueJob(ctx, id); err != nil {
				errs = append(errs, fmt.Errorf("requeue job %s: %w", id, err))
				continue
			}
		}
		if err := w.q.Enqueue(ctx, id); err != nil {
			errs = append(errs, fmt.Errorf("enqueue job %s: %w", id, err))
		}
	}
	if len(ids) > 0 {
		w.log.Info("recovered unfinished jobs", "count", len(ids), "errors", len(errs))
	}
	return errors.Join(errs...)
}

// heldByLiveWorker reports whether a processing job started recently enough
// that another process sharing the queue may still be working on it.
func (w *Worker) heldByLiveWorker(j *domain.Job) bool {
	return w.cfg.StaleAfter > 0 && j.StartedAt != nil && w.cfg.Now().Sub(*j.StartedAt) < w.cfg.StaleAfter
}
