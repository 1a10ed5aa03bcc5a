package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/bankflow/bankflow/domain"
	"github.com/uptrace/bun"
)

var _ domain.JobRepository = (*DB)(nil)

// defaultRetention applies when a job arrives with neither ExpiresAt nor
// Retention set.
const defaultRetention = 30 * time.Minute

// CreateJob inserts j as queued, filling ID, CreatedAt and ExpiresAt
// (CreatedAt + Retention, 30 minutes by default) when empty.
func (db *DB) CreateJob(ctx context.Context, j *domain.Job) error {
	if j.ID == "" {
		j.ID = newID()
	}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = time.Now().UTC()
	}
	if j.ExpiresAt.IsZero() {
		ret := j.Retention
		if ret <= 0 {
			ret = defaultRetention
		}
		j.ExpiresAt = j.CreatedAt.Add(ret)
	}
	if j.Status == "" {
		j.Status = domain.JobQueued
	}
	if j.Reconciliation == "" {
		j.Reconciliation = domain.ReconUnknown
	}
	if j.Source == "" {
		j.Source = domain.SourceUpload
	}
	if !validID(j.UserID) {
		return domain.Errorf(domain.CodeInvalid, "Usuário inválido.")
	}
	if _, err := db.bun.NewInsert().Model(jobToRow(j)).Exec(ctx); err != nil {
		return fmt.Errorf("create job: %w", err)
	}
	return nil
}

// GetJob returns the job with id, or ErrNotFound.
func (db *DB) GetJob(ctx context.Context, id string) (*domain.Job, error) {
	r, err := getJob(ctx, db.bun, id)
	if err != nil {
		return nil, err
	}
	return r.domain(), nil
}

func getJob(ctx context.Context, idb bun.IDB, id string) (*jobRow, error) {
	if !validID(id) {
		return nil, errNotFound(fmt.Errorf("job id %q", id))
	}
	var r jobRow
	if err := idb.NewSelect().Model(&r).Where("j.id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get job")
	}
	return &r, nil
}

// ListJobs returns jobs matching f, newest first.
func (db *DB) ListJobs(ctx context.Context, f domain.JobFilter) ([]domain.Job, error) {
	var rows []jobRow
	q := db.bun.NewSelect().Model(&rows)
	if f.UserID != "" {
		if !validID(f.UserID) {
			return nil, nil
		}
		q = q.Where("j.user_id = ?", f.UserID)
	}
	if f.Status != "" {
		q = q.Where("j.status = ?", string(f.Status))
	}
	err := q.Order("j.created_at DESC", "j.id").Limit(clampLimit(f.Limit)).Offset(offset(f.Offset)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	return jobsOf(rows), nil
}

// FindJobByHash returns the user's newest job for the same bytes that did
// not fail and was not cancelled (re-sending those is a legitimate retry),
// or ErrNotFound.
func (db *DB) FindJobByHash(ctx context.Context, userID, hash string) (*domain.Job, error) {
	if !validID(userID) {
		return nil, errNotFound(fmt.Errorf("user id %q", userID))
	}
	var r jobRow
	err := db.bun.NewSelect().Model(&r).
		Where("j.user_id = ?", userID).Where("j.file_hash = ?", hash).
		Where("j.status NOT IN (?)", bun.List([]string{string(domain.JobFailed), string(domain.JobCancelled)})).
		Order("j.created_at DESC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, notFound(err, "find job by hash")
	}
	return r.domain(), nil
}

// CountJobsSince counts the user's jobs created at or after since.
func (db *DB) CountJobsSince(ctx context.Context, userID string, since time.Time) (int, error) {
	if !validID(userID) {
		return 0, nil
	}
	n, err := db.bun.NewSelect().Model((*jobRow)(nil)).
		Where("j.user_id = ?", userID).Where("j.created_at >= ?", since.UTC()).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count jobs: %w", err)
	}
	return int(n), nil
}

// CountActiveJobs counts the user's queued or processing jobs.
func (db *DB) CountActiveJobs(ctx context.Context, userID string) (int, error) {
	if !validID(userID) {
		return 0, nil
	}
	n, err := db.bun.NewSelect().Model((*jobRow)(nil)).
		Where("j.user_id = ?", userID).Where("j.status IN (?)", bun.List(unfinishedStatuses())).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count active jobs: %w", err)
	}
	return int(n), nil
}

// CountJobsByStatus counts all jobs per status (metrics, admin).
func (db *DB) CountJobsByStatus(ctx context.Context) (map[domain.JobStatus]int, error) {
	var rows []struct {
		Status string `bun:"status"`
		N      int    `bun:"n"`
	}
	err := db.bun.NewSelect().Model((*jobRow)(nil)).ColumnExpr("j.status AS status, count(*) AS n").
		Group("j.status").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count jobs by status: %w", err)
	}
	out := make(map[domain.JobStatus]int, len(rows))
	for _, r := range rows {
		out[domain.JobStatus(r.Status)] = r.N
	}
	return out, nil
}

// DeleteJob removes a job and, by cascade, its transactions.
func (db *DB) DeleteJob(ctx context.Context, id string) error {
	if !validID(id) {
		return errNotFound(fmt.Errorf("job id %q", id))
	}
	res, err := db.bun.NewDelete().Model((*jobRow)(nil)).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete job: %w", err)
	}
	return affectedOne(res, "delete job")
}

// UnfinishedJobs returns the ids of queued and processing jobs, oldest first.
func (db *DB) UnfinishedJobs(ctx context.Context) ([]string, error) {
	var ids []string
	err := db.bun.NewSelect().Model((*jobRow)(nil)).Column("id").
		Where("j.status IN (?)", bun.List(unfinishedStatuses())).Order("j.created_at").Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("unfinished jobs: %w", err)
	}
	return ids, nil
}

// ExpiredFiles returns up to limit jobs whose stored input is past ExpiresAt
// and not yet deleted, oldest first.
func (db *DB) ExpiredFiles(ctx context.Context, now time.Time, limit int) ([]domain.Job, error) {
	var rows []jobRow
	err := db.bun.NewSelect().Model(&rows).
		Where("j.expires_at <= ?", now.UTC()).Where("j.file_deleted_at IS NULL").
		Order("j.expires_at").Limit(clampLimit(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("expired files: %w", err)
	}
	return jobsOf(rows), nil
}

// MarkFileDeleted records that the job's stored files (input and exported
// workbook) are gone and forgets their ids. Marking twice keeps the first time.
func (db *DB) MarkFileDeleted(ctx context.Context, id string, now time.Time) error {
	if !validID(id) {
		return errNotFound(fmt.Errorf("job id %q", id))
	}
	res, err := db.bun.NewUpdate().Model((*jobRow)(nil)).
		Set("file_deleted_at = COALESCE(file_deleted_at, ?)", now.UTC()).
		Set("input_file_id = ''").
		Set("output_file_id = ''").
		Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("mark file deleted: %w", err)
	}
	return affectedOne(res, "mark file deleted")
}

// unfinishedStatuses lists the statuses of jobs still to be worked on.
func unfinishedStatuses() []string {
	return []string{string(domain.JobQueued), string(domain.JobProcessing)}
}

func jobsOf(rows []jobRow) []domain.Job {
	out := make([]domain.Job, len(rows))
	for i := range rows {
		out[i] = *rows[i].domain()
	}
	return out
}
