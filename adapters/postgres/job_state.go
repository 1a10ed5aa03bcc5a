package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/bankflow/bankflow/domain"
	"github.com/uptrace/bun"
)

// Job state changes are conditional updates (UPDATE ... WHERE status IN
// (...) RETURNING *): two workers, or a worker and a user cancelling, can
// never both win.

// ClaimJob moves a queued job to processing, counts the attempt and returns
// the job; CodeConflict when it is not queued, ErrNotFound when absent.
func (db *DB) ClaimJob(ctx context.Context, id string, now time.Time) (*domain.Job, error) {
	r, err := transition(ctx, db.bun, id, []domain.JobStatus{domain.JobQueued}, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", string(domain.JobProcessing)).
			Set("started_at = ?", now.UTC()).
			Set("attempts = attempts + 1").
			Set("progress = 0").
			Set("error_message = ''")
	})
	if err != nil {
		return nil, fmt.Errorf("claim job: %w", err)
	}
	return r.domain(), nil
}

// UpdateProgress records the progress (clamped to 0..100) of a processing
// job; CodeConflict when it is no longer processing (cancelled meanwhile).
func (db *DB) UpdateProgress(ctx context.Context, id string, progress int) error {
	progress = min(max(progress, 0), 100)
	_, err := transition(ctx, db.bun, id, []domain.JobStatus{domain.JobProcessing}, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("progress = ?", progress)
	})
	if err != nil {
		return fmt.Errorf("update progress: %w", err)
	}
	return nil
}

// FailJob marks a queued or processing job failed with message (pt-BR, for
// the user); CodeConflict when the job is already final.
func (db *DB) FailJob(ctx context.Context, id, message string, now time.Time) error {
	_, err := transition(ctx, db.bun, id, []domain.JobStatus{domain.JobQueued, domain.JobProcessing}, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", string(domain.JobFailed)).
			Set("error_message = ?", message).
			Set("completed_at = ?", now.UTC())
	})
	if err != nil {
		return fmt.Errorf("fail job: %w", err)
	}
	return nil
}

// CancelJob marks a queued or processing job cancelled; CodeConflict when
// it already finished.
func (db *DB) CancelJob(ctx context.Context, id string, now time.Time) error {
	_, err := transition(ctx, db.bun, id, []domain.JobStatus{domain.JobQueued, domain.JobProcessing}, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", string(domain.JobCancelled)).
			Set("completed_at = ?", now.UTC())
	})
	if err != nil {
		return fmt.Errorf("cancel job: %w", err)
	}
	return nil
}

// RequeueJob moves a processing job back to queued (graceful shutdown, a
// reclaimed delivery); CodeConflict when it is not processing.
func (db *DB) RequeueJob(ctx context.Context, id string) error {
	_, err := transition(ctx, db.bun, id, []domain.JobStatus{domain.JobProcessing}, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("status = ?", string(domain.JobQueued)).
			Set("progress = 0").
			Set("started_at = NULL")
	})
	if err != nil {
		return fmt.Errorf("requeue job: %w", err)
	}
	return nil
}

// CompleteJob replaces the job's transactions with those of res and marks it
// completed, all in one database transaction. CodeConflict, with nothing
// written, when the job is no longer processing.
func (db *DB) CompleteJob(ctx context.Context, id string, res domain.JobResult, now time.Time) error {
	rows := transactionRows(id, res.Statements)
	recon, diff := reconciliationOf(res.Statements)
	err := db.bun.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		j, err := transition(ctx, tx, id, []domain.JobStatus{domain.JobProcessing}, func(q *bun.UpdateQuery) *bun.UpdateQuery {
			q = q.Set("status = ?", string(domain.JobCompleted)).
				Set("progress = 100").
				Set("transaction_count = ?", len(rows)).
				Set("reconciliation = ?", string(recon)).
				Set("difference_cents = ?", int64(diff)).
				Set("detected_bank = ?", res.DetectedBank).
				Set("format = ?", res.Format).
				Set("output_file_id = ?", res.OutputFileID).
				Set("error_message = ''").
				Set("completed_at = ?", now.UTC())
			if len(res.Summary) > 0 {
				q = q.Set("summary = ?", string(res.Summary))
			} else {
				q = q.Set("summary = NULL")
			}
			return q
		})
		if err != nil {
			return err
		}
		for i := range rows {
			rows[i].UserID = j.UserID
		}
		return replaceTransactions(ctx, tx, id, rows)
	})
	if err != nil {
		return fmt.Errorf("complete job: %w", err)
	}
	return nil
}

// transition applies set to the job when its status is one of from and
// returns the updated row. When nothing matched it tells absent
// (ErrNotFound) from a job in another status (CodeConflict).
func transition(ctx context.Context, idb bun.IDB, id string, from []domain.JobStatus, set func(*bun.UpdateQuery) *bun.UpdateQuery) (*jobRow, error) {
	if !validID(id) {
		return nil, errNotFound(fmt.Errorf("job id %q", id))
	}
	statuses := make([]string, len(from))
	for i, s := range from {
		statuses[i] = string(s)
	}
	var r jobRow
	q := idb.NewUpdate().Model(&r).Where("id = ?", id).Where("status IN (?)", bun.List(statuses))
	err := set(q).Returning("*").Scan(ctx)
	if err == nil {
		return &r, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	cur, err := getJob(ctx, idb, id)
	if err != nil {
		return nil, err
	}
	return nil, domain.Wrap(domain.CodeConflict, fmt.Errorf("job %s is %s", id, cur.Status), conflictMessage(domain.JobStatus(cur.Status)))
}

// conflictMessage tells the user why a job cannot change now.
func conflictMessage(s domain.JobStatus) string {
	switch s {
	case domain.JobQueued:
		return "Este processamento ainda está na fila."
	case domain.JobProcessing:
		return "Este processamento já está em andamento."
	case domain.JobCancelled:
		return "Este processamento foi cancelado."
	default:
		return "Este processamento já terminou e não pode ser alterado."
	}
}

// reconciliationOf summarises the statements of one file: mismatch (with
// the summed difference) if any statement mismatches, balanced if all
// balance, unknown otherwise.
func reconciliationOf(sts []domain.Statement) (domain.ReconStatus, domain.Money) {
	if len(sts) == 0 {
		return domain.ReconUnknown, 0
	}
	status := domain.ReconBalanced
	var diff domain.Money
	for _, s := range sts {
		switch s.Reconciliation.Status {
		case domain.ReconMismatch:
			status = domain.ReconMismatch
			diff += s.Reconciliation.Difference
		case domain.ReconBalanced:
		default:
			if status == domain.ReconBalanced {
				status = domain.ReconUnknown
			}
		}
	}
	return status, diff
}
