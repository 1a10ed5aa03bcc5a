package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// QueryAudit returns the audit events matching f, newest first, and how
// many match in all (the admin's audit page).
func (db *DB) QueryAudit(ctx context.Context, f domain.AuditFilter) ([]domain.AuditEvent, int, error) {
	var rows []auditRow
	q := db.bun.NewSelect().Model(&rows)
	switch a := strings.TrimSpace(f.Action); {
	case strings.HasSuffix(a, "."):
		q = q.Where("a.action LIKE ? ESCAPE '\\'", likeEscape(a)+"%")
	case a != "":
		q = q.Where("a.action = ?", a)
	}
	if f.ActorID != "" {
		q = q.Where("a.actor_id = ?", f.ActorID)
	}
	if !f.From.IsZero() {
		q = q.Where("a.at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("a.at < ?", f.To.UTC())
	}
	n, err := q.Order("a.id DESC").Limit(clampLimit(f.Limit)).Offset(offset(f.Offset)).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("query audit: %w", err)
	}
	out := make([]domain.AuditEvent, len(rows))
	for i, r := range rows {
		out[i] = domain.AuditEvent{ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, Action: r.Action, TargetID: r.TargetID, IP: r.IP, Detail: r.Detail}
	}
	return out, int(n), nil
}

// AuditActions lists the distinct actions recorded, for the filter menu.
func (db *DB) AuditActions(ctx context.Context) ([]string, error) {
	var out []string
	err := db.bun.NewSelect().Model((*auditRow)(nil)).ColumnExpr("DISTINCT a.action").OrderExpr("a.action").Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("audit actions: %w", err)
	}
	return out, nil
}

// PseudonymizeAudit rewrites an erased user's audit trace: subject (their
// id) becomes pseudonym in actor and target and inside details, their
// e-mail address is removed from details and the IP of their events is
// cleared. It is the only change the append-only log accepts: on
// PostgreSQL through bankflow_pseudonymize_audit, on SQLite under a trigger
// that refuses any update which does not remove identity. pseudonym must
// start with "anon-" and be shorter than subject.
func (db *DB) PseudonymizeAudit(ctx context.Context, subject, pseudonym, email string) (int64, error) {
	if subject == "" || !strings.HasPrefix(pseudonym, "anon-") || len(pseudonym) >= len(subject) {
		return 0, fmt.Errorf("pseudonymize audit: bad subject or pseudonym")
	}
	if db.isPostgres() {
		var n int64
		if err := db.bun.NewRaw("SELECT bankflow_pseudonymize_audit(?, ?, ?)", subject, pseudonym, email).Scan(ctx, &n); err != nil {
			return 0, fmt.Errorf("pseudonymize audit: %w", err)
		}
		return n, nil
	}
	res, err := db.bun.ExecContext(ctx, `UPDATE audit_events SET
		actor_id  = CASE WHEN actor_id = ?0 THEN ?1 ELSE actor_id END,
		target_id = CASE WHEN target_id = ?0 THEN ?1 ELSE target_id END,
		ip        = CASE WHEN actor_id = ?0 OR target_id = ?0 THEN '' ELSE ip END,
		detail    = replace(CASE WHEN ?2 = '' THEN detail ELSE replace(detail, ?2, '') END, ?0, ?1)
		WHERE actor_id = ?0 OR target_id = ?0 OR instr(detail, ?0) > 0 OR (?2 <> '' AND instr(detail, ?2) > 0)`,
		subject, pseudonym, email)
	if err != nil {
		return 0, fmt.Errorf("pseudonymize audit: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("pseudonymize audit: %w", err)
	}
	return n, nil
}
