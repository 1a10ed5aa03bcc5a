package web

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"time"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// memAdmin implements the admin ports (AdminStore, AuditReader, ResetStore,
// Eraser) over a memStore.
type memAdmin struct {
	m      *memStore
	resets map[string]domain.PasswordReset
}

func (a *memAdmin) SearchUsers(_ context.Context, f domain.UserFilter) ([]domain.User, int, error) {
	a.m.mu.Lock()
	defer a.m.mu.Unlock()
	var out []domain.User
	for _, u := range a.m.users {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Email < out[k].Email })
	return out, len(out), nil
}

func (a *memAdmin) StoredBytes(context.Context, string) (int64, error) { return 0, nil }

func (a *memAdmin) ListJobsFailedFirst(ctx context.Context, f domain.JobFilter) ([]domain.Job, int, error) {
	js, err := a.m.ListJobs(ctx, domain.JobFilter{UserID: f.UserID, Status: f.Status})
	return js, len(js), err
}

func (a *memAdmin) RetryJob(_ context.Context, id string) (*domain.Job, error) {
	a.m.mu.Lock()
	defer a.m.mu.Unlock()
	j, ok := a.m.jobs[id]
	if !ok {
		return nil, domain.ErrNotFound
	}
	if j.Status != domain.JobFailed {
		return nil, domain.ErrConflict
	}
	j.Status = domain.JobQueued
	c := *j
	return &c, nil
}

func (a *memAdmin) CountJobsByStatus(ctx context.Context) (map[domain.JobStatus]int, error) {
	js, _ := a.m.ListJobs(ctx, domain.JobFilter{})
	out := map[domain.JobStatus]int{}
	for _, j := range js {
		out[j.Status]++
	}
	return out, nil
}

func (a *memAdmin) QueryAudit(_ context.Context, f domain.AuditFilter) ([]domain.AuditEvent, int, error) {
	a.m.mu.Lock()
	defer a.m.mu.Unlock()
	var out []domain.AuditEvent
	for i := len(a.m.audit) - 1; i >= 0; i-- {
		if e := a.m.audit[i]; (f.Action == "" || e.Action == f.Action) && (f.ActorID == "" || e.ActorID == f.ActorID) {
			out = append(out, e)
		}
	}
	return out, len(out), nil
}

func (a *memAdmin) AuditActions(context.Context) ([]string, error) { return nil, nil }

func (a *memAdmin) PruneAudit(context.Context, time.Time) (int64, error) { return 0, nil }

func (a *memAdmin) CreatePasswordReset(_ context.Context, r *domain.PasswordReset) error {
	a.resets[r.TokenHash] = *r
	return nil
}

func (a *memAdmin) GetPasswordReset(_ context.Context, hash string, now time.Time) (*domain.PasswordReset, error) {
	r, ok := a.resets[hash]
	if !ok || r.UsedAt != nil || !r.ExpiresAt.After(now) {
		return nil, domain.ErrNotFound
	}
	return &r, nil
}

func (a *memAdmin) ConsumePasswordReset(ctx context.Context, hash string, now time.Time) (*domain.PasswordReset, error) {
	r, err := a.GetPasswordReset(ctx, hash, now)
	if err != nil {
		return nil, err
	}
	r.UsedAt = &now
	a.resets[hash] = *r
	return r, nil
}

func (a *memAdmin) DeleteUserData(ctx context.Context, userID string) ([]string, error) {
	js, _ := a.m.ListJobs(ctx, domain.JobFilter{UserID: userID})
	for _, j := range js {
		_ = a.m.DeleteJob(ctx, j.ID)
	}
	return nil, nil
}

func (a *memAdmin) DeleteUser(_ context.Context, id string) error {
	a.m.mu.Lock()
	defer a.m.mu.Unlock()
	delete(a.m.users, id)
	return nil
}

func (a *memAdmin) PseudonymizeAudit(context.Context, string, string, string) (int64, error) {
	return 0, nil
}

// withAdmin wires the Admin and Privacy services into an env's server.
func withAdmin(e *testEnv) envOption {
	return func(d *Deps) {
		st := &memAdmin{m: e.store, resets: map[string]domain.PasswordReset{}}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		d.Admin = application.NewAdmin(application.AdminDeps{Users: e.store, Jobs: e.store, Store: st, Queue: e.queue,
			Audit: e.store, Log: st, Resets: st, Workers: 2, Logger: log})
		d.Privacy = application.NewPrivacy(e.jobs, st, []byte("pseudonym-key-for-tests-0123456789"))
	}
}
