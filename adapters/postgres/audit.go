package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/bankflow/bankflow/domain"
)

var _ domain.AuditLog = (*DB)(nil)

// The audit log is append-only: this package has no update path for it, the
// PostgreSQL schema refuses UPDATE and DELETE by trigger (except through
// bankflow_prune_audit, for retention) and the SQLite schema refuses UPDATE.

// Append adds e to the audit log; At defaults to now.
func (db *DB) Append(ctx context.Context, e domain.AuditEvent) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	r := &auditRow{At: e.At.UTC(), ActorID: e.ActorID, Action: e.Action, TargetID: e.TargetID, IP: e.IP, Detail: e.Detail}
	if _, err := db.bun.NewInsert().Model(r).Returning("NULL").Exec(ctx); err != nil {
		return fmt.Errorf("append audit event: %w", err)
	}
	return nil
}

// AuditFilter narrows an audit listing. Empty fields match everything.
type AuditFilter struct {
	ActorID string
	Action  string
	Limit   int
	Offset  int
}

// ListAuditEvents returns audit events matching f, newest first.
func (db *DB) ListAuditEvents(ctx context.Context, f AuditFilter) ([]domain.AuditEvent, error) {
	var rows []auditRow
	q := db.bun.NewSelect().Model(&rows)
	if f.ActorID != "" {
		q = q.Where("a.actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		q = q.Where("a.action = ?", f.Action)
	}
	if err := q.Order("a.id DESC").Limit(clampLimit(f.Limit)).Offset(offset(f.Offset)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	out := make([]domain.AuditEvent, len(rows))
	for i, r := range rows {
		out[i] = domain.AuditEvent{ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, Action: r.Action, TargetID: r.TargetID, IP: r.IP, Detail: r.Detail}
	}
	return out, nil
}

// PruneAudit deletes audit events older than before (retention) and returns
// how many went.
func (db *DB) PruneAudit(ctx context.Context, before time.Time) (int64, error) {
	if db.isPostgres() {
		var n int64
		if err := db.bun.NewRaw("SELECT bankflow_prune_audit(?)", before.UTC()).Scan(ctx, &n); err != nil {
			return 0, fmt.Errorf("prune audit: %w", err)
		}
		return n, nil
	}
	res, err := db.bun.NewDelete().Model((*auditRow)(nil)).Where("at < ?", before.UTC()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("prune audit: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune audit: %w", err)
	}
	return n, nil
}
