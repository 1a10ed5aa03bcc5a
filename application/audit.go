package application

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// AuditReader reads and prunes the append-only audit log (the database
// adapter implements it). There is deliberately no way to change an event.
type AuditReader interface {
	// QueryAudit returns a page of events matching f, newest first, and the total.
	QueryAudit(ctx context.Context, f domain.AuditFilter) ([]domain.AuditEvent, int, error)
	// AuditActions lists the distinct actions recorded.
	AuditActions(ctx context.Context) ([]string, error)
	// PruneAudit deletes events older than before and returns how many went.
	PruneAudit(ctx context.Context, before time.Time) (int64, error)
}

// AuditPage is one page of the audit log.
type AuditPage struct {
	Events  []domain.AuditEvent
	Total   int
	Actions []string // every action recorded, for the filter menu
}

// Audit lists audit events matching f (50 a page by default). Admins only.
func (a *Admin) Audit(ctx context.Context, actor *domain.User, f domain.AuditFilter) (AuditPage, error) {
	if err := requireAdmin(actor); err != nil {
		return AuditPage{}, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		return AuditPage{}, domain.Errorf(domain.CodeInvalid, "A data final precisa ser depois da inicial.")
	}
	f.Limit = pageSize(f.Limit, 50, 500)
	f.Offset = max(f.Offset, 0)
	es, n, err := a.d.Log.QueryAudit(ctx, f)
	if err != nil {
		return AuditPage{}, unavailable(err)
	}
	acts, err := a.d.Log.AuditActions(ctx)
	if err != nil {
		return AuditPage{}, unavailable(err)
	}
	return AuditPage{Events: es, Total: n, Actions: acts}, nil
}

// AuditPruner deletes audit events older than the retention period
// (BANKFLOW_AUDIT_RETENTION), once at start and then periodically. It is the
// only code path that removes audit events.
type AuditPruner struct {
	log  AuditReader
	keep time.Duration
	now  func() time.Time
	l    *slog.Logger
	periodic
}

// DefaultAuditRetention is how long audit events are kept by default.
const DefaultAuditRetention = 365 * 24 * time.Hour

// NewAuditPruner returns a pruner keeping events for keep (365 days when
// zero) and running every interval (1 hour when zero).
func NewAuditPruner(log AuditReader, keep, every time.Duration, now func() time.Time, l *slog.Logger) *AuditPruner {
	if keep <= 0 {
		keep = DefaultAuditRetention
	}
	if every <= 0 {
		every = time.Hour
	}
	if now == nil {
		now = time.Now
	}
	if l == nil {
		l = slog.Default()
	}
	p := &AuditPruner{log: log, keep: keep, now: now, l: l}
	p.periodic = periodic{name: "audit pruner", every: every, task: p.pruneLogged}
	return p
}

// PruneOnce deletes the events older than the retention period.
func (p *AuditPruner) PruneOnce(ctx context.Context) (int64, error) {
	n, err := p.log.PruneAudit(ctx, p.now().UTC().Add(-p.keep))
	if err != nil {
		return 0, fmt.Errorf("prune audit log: %w", err)
	}
	return n, nil
}

// pruneLogged is one periodic run: errors are logged, the next run retries.
func (p *AuditPruner) pruneLogged(ctx context.Context) {
	if n, err := p.PruneOnce(ctx); err != nil && ctx.Err() == nil {
		p.l.Warn("prune audit log", "err", err)
	} else if n > 0 {
		p.l.Info("pruned audit log", "deleted", n)
	}
}
