package application

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// sweepBatch is how many expired jobs one query returns.
const sweepBatch = 200

// Sweeper deletes stored files past their retention and records it on the
// job. It is driven by the expiry timestamps in the database, so a restart
// never leaves files behind.
type Sweeper struct {
	repo  domain.JobRepository
	files domain.FileStore
	now   func() time.Time
	log   *slog.Logger
	periodic
}

// NewSweeper returns a sweeper that runs every interval (1 minute when zero).
func NewSweeper(repo domain.JobRepository, files domain.FileStore, every time.Duration, now func() time.Time, log *slog.Logger) *Sweeper {
	if every <= 0 {
		every = time.Minute
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Sweeper{repo: repo, files: files, now: now, log: log}
	s.periodic = periodic{name: "sweeper", every: every, task: s.sweepLogged}
	return s
}

// sweepLogged is one periodic run: errors are logged, the next run retries.
func (s *Sweeper) sweepLogged(ctx context.Context) {
	if n, err := s.SweepOnce(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("sweep expired files", "deleted", n, "err", err)
	} else if n > 0 {
		s.log.Info("swept expired files", "deleted", n)
	}
}

// SweepOnce deletes the stored input and output files of every job past its
// expiry and records the deletion; it returns how many jobs were swept.
// Jobs still queued or processing keep their input until they end (the
// file is still owed processing). A failure on one job does not stop the
// others; the errors are joined.
func (s *Sweeper) SweepOnce(ctx context.Context) (int, error) {
	jobs, err := s.repo.ExpiredFiles(ctx, s.now().UTC(), sweepBatch)
	if err != nil {
		return 0, fmt.Errorf("list expired files: %w", err)
	}
	n := 0
	var errs []error
	for _, j := range jobs {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		if !j.Status.Final() {
			continue
		}
		if err := s.sweep(ctx, &j); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

func (s *Sweeper) sweep(ctx context.Context, j *domain.Job) error {
	for _, id := range []string{j.InputFileID, j.OutputFileID} {
		if id == "" {
			continue
		}
		if err := s.files.Delete(ctx, id); err != nil {
			return fmt.Errorf("delete file of job %s: %w", j.ID, err)
		}
	}
	if err := s.repo.MarkFileDeleted(ctx, j.ID, s.now().UTC()); err != nil {
		return fmt.Errorf("mark file deleted for job %s: %w", j.ID, err)
	}
	return nil
}
