package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/bankflow/bankflow/domain"
)

// Admin queries: the user directory, per-user storage, the all-jobs listing
// with failed jobs first, retries, account deletion and password resets.

type resetRow struct {
	bun.BaseModel `bun:"table:password_resets,alias:r"`

	TokenHash string     `bun:"token_hash,pk"`
	UserID    string     `bun:"user_id"`
	CreatedBy string     `bun:"created_by"`
	CreatedAt time.Time  `bun:"created_at"`
	ExpiresAt time.Time  `bun:"expires_at"`
	UsedAt    *time.Time `bun:"used_at"`
}

func (r *resetRow) domain() *domain.PasswordReset {
	return &domain.PasswordReset{TokenHash: r.TokenHash, UserID: r.UserID, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(), UsedAt: utcPtr(r.UsedAt)}
}

// SearchUsers returns the users matching f ordered by e-mail, and how many
// match in all.
func (db *DB) SearchUsers(ctx context.Context, f domain.UserFilter) ([]domain.User, int, error) {
	var rows []userRow
	q := db.bun.NewSelect().Model(&rows)
	if s := strings.ToLower(strings.TrimSpace(f.Query)); s != "" {
		pat := "%" + likeEscape(s) + "%"
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("lower(u.email) LIKE ? ESCAPE '\\'", pat).WhereOr("lower(u.name) LIKE ? ESCAPE '\\'", pat)
		})
	}
	if f.Tier != "" {
		q = q.Where("u.subscription_tier = ?", string(f.Tier))
	}
	if f.Role != "" {
		q = q.Where("u.role = ?", string(f.Role))
	}
	if f.Active != nil {
		q = q.Where("u.is_active = ?", *f.Active)
	}
	n, err := q.Order("u.email").Limit(clampLimit(f.Limit)).Offset(offset(f.Offset)).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("search users: %w", err)
	}
	out := make([]domain.User, len(rows))
	for i := range rows {
		out[i] = *rows[i].domain()
	}
	return out, int(n), nil
}

// likeEscape escapes the LIKE wildcards of s with a backslash.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// StoredBytes sums the sizes of the user's input files still kept (not yet
// swept).
func (db *DB) StoredBytes(ctx context.Context, userID string) (int64, error) {
	if !validID(userID) {
		return 0, nil
	}
	var n sql.NullInt64
	err := db.bun.NewSelect().Model((*jobRow)(nil)).ColumnExpr("sum(j.file_size)").
		Where("j.user_id = ?", userID).Where("j.input_file_id <> ''").Where("j.file_deleted_at IS NULL").
		Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("stored bytes: %w", err)
	}
	return n.Int64, nil
}

// ListJobsFailedFirst returns the jobs matching f, failed ones first and
// then newest first, and how many match in all.
func (db *DB) ListJobsFailedFirst(ctx context.Context, f domain.JobFilter) ([]domain.Job, int, error) {
	var rows []jobRow
	q := db.bun.NewSelect().Model(&rows)
	if f.UserID != "" {
		if !validID(f.UserID) {
			return nil, 0, nil
		}
		q = q.Where("j.user_id = ?", f.UserID)
	}
	if f.Status != "" {
		q = q.Where("j.status = ?", string(f.Status))
	}
	n, err := q.OrderExpr("CASE WHEN j.status = ? THEN 0 ELSE 1 END", string(domain.JobFailed)).
		Order("j.created_at DESC", "j.id").
		Limit(clampLimit(f.Limit)).Offset(offset(f.Offset)).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("list jobs failed first: %w", err)
	}
	return jobsOf(rows), int(n), nil
}

// RetryJob moves a failed job whose input file is still kept back to
// queued; CodeConflict when it is not failed or its file is gone,
// ErrNotFound when absent.
func (db *DB) RetryJob(ctx context.Context, id string) (*domain.Job, error) {
	r, err := transition(ctx, db.bun, id, []domain.JobStatus{domain.JobFailed}, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Where("input_file_id <> ''").Where("file_deleted_at IS NULL").
			Set("status = ?", string(domain.JobQueued)).
			Set("error_message = ''").
			Set("progress = 0").
			Set("started_at = NULL").
			Set("completed_at = NULL")
	})
	if err != nil {
		return nil, fmt.Errorf("retry job: %w", err)
	}
	return r.domain(), nil
}

// DeleteUser removes the user row; jobs, transactions (and their search
// index rows), tokens, sender addresses and password resets go with it by
// cascade. ErrNotFound when absent.
func (db *DB) DeleteUser(ctx context.Context, id string) error {
	if !validID(id) {
		return errNotFound(fmt.Errorf("user id %q", id))
	}
	res, err := db.bun.NewDelete().Model((*userRow)(nil)).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	return affectedOne(res, "delete user")
}

// CreatePasswordReset stores a reset link (its hash).
func (db *DB) CreatePasswordReset(ctx context.Context, r *domain.PasswordReset) error {
	row := &resetRow{TokenHash: r.TokenHash, UserID: r.UserID, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}
	if _, err := db.bun.NewInsert().Model(row).Exec(ctx); err != nil {
		return fmt.Errorf("create password reset: %w", err)
	}
	return nil
}

// GetPasswordReset returns the reset with hash when it is unused and not
// expired at now; ErrNotFound otherwise.
func (db *DB) GetPasswordReset(ctx context.Context, hash string, now time.Time) (*domain.PasswordReset, error) {
	var r resetRow
	err := db.bun.NewSelect().Model(&r).Where("r.token_hash = ?", hash).
		Where("r.used_at IS NULL").Where("r.expires_at > ?", now.UTC()).Scan(ctx)
	if err != nil {
		return nil, notFound(err, "get password reset")
	}
	return r.domain(), nil
}

// ConsumePasswordReset marks the reset with hash used, once: a conditional
// update, so two requests with the same link cannot both win. Every other
// open link of the same user is closed with it. ErrNotFound for an unknown,
// used or expired link.
func (db *DB) ConsumePasswordReset(ctx context.Context, hash string, now time.Time) (*domain.PasswordReset, error) {
	var r resetRow
	err := db.bun.NewUpdate().Model(&r).Set("used_at = ?", now.UTC()).
		Where("token_hash = ?", hash).Where("used_at IS NULL").Where("expires_at > ?", now.UTC()).
		Returning("*").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound(err)
	}
	if err != nil {
		return nil, fmt.Errorf("consume password reset: %w", err)
	}
	if _, err := db.bun.NewUpdate().Model((*resetRow)(nil)).Set("used_at = ?", now.UTC()).
		Where("user_id = ?", r.UserID).Where("used_at IS NULL").Exec(ctx); err != nil {
		return nil, fmt.Errorf("close other password resets: %w", err)
	}
	return r.domain(), nil
}
