package application

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// fakeAdminStore implements AdminStore, AuditReader, ResetStore and Eraser
// over the test environment's fakes.
type fakeAdminStore struct {
	e      *testEnv
	mu     sync.Mutex
	resets map[string]domain.PasswordReset
	pruned time.Time // the cut-off of the last PruneAudit
}

func newFakeAdminStore(e *testEnv) *fakeAdminStore {
	return &fakeAdminStore{e: e, resets: map[string]domain.PasswordReset{}}
}

func (f *fakeAdminStore) SearchUsers(_ context.Context, fl domain.UserFilter) ([]domain.User, int, error) {
	f.e.users.mu.Lock()
	var out []domain.User
	for _, u := range f.e.users.byID {
		q := strings.ToLower(fl.Query)
		if q != "" && !strings.Contains(strings.ToLower(u.Email), q) && !strings.Contains(strings.ToLower(u.Name), q) {
			continue
		}
		if (fl.Tier != "" && u.Tier != fl.Tier) || (fl.Role != "" && u.Role != fl.Role) || (fl.Active != nil && u.Active != *fl.Active) {
			continue
		}
		out = append(out, u)
	}
	f.e.users.mu.Unlock()
	sort.Slice(out, func(i, k int) bool { return out[i].Email < out[k].Email })
	n := len(out)
	out = out[min(fl.Offset, n):min(fl.Offset+fl.Limit, n)]
	return out, n, nil
}

func (f *fakeAdminStore) StoredBytes(ctx context.Context, userID string) (int64, error) {
	js, _ := f.e.repo.ListJobs(ctx, domain.JobFilter{UserID: userID})
	var n int64
	for _, j := range js {
		if j.InputFileID != "" && j.FileDeletedAt == nil {
			n += j.FileSize
		}
	}
	return n, nil
}

func (f *fakeAdminStore) ListJobsFailedFirst(ctx context.Context, fl domain.JobFilter) ([]domain.Job, int, error) {
	all := fl
	all.Limit, all.Offset = 0, 0
	js, _ := f.e.repo.ListJobs(ctx, all)
	sort.SliceStable(js, func(i, k int) bool { return js[i].Status == domain.JobFailed && js[k].Status != domain.JobFailed })
	n := len(js)
	return js[min(fl.Offset, n):min(fl.Offset+fl.Limit, n)], n, nil
}

func (f *fakeAdminStore) RetryJob(_ context.Context, id string) (*domain.Job, error) {
	var out domain.Job
	err := f.e.repo.update(id, func(j *domain.Job) error {
		if j.Status != domain.JobFailed || j.InputFileID == "" || j.FileDeletedAt != nil {
			return domain.ErrConflict
		}
		j.Status, j.ErrorMessage, j.CompletedAt = domain.JobQueued, "", nil
		out = *j
		return nil
	})
	return &out, err
}

func (f *fakeAdminStore) CountJobsByStatus(ctx context.Context) (map[domain.JobStatus]int, error) {
	js, _ := f.e.repo.ListJobs(ctx, domain.JobFilter{})
	m := map[domain.JobStatus]int{}
	for _, j := range js {
		m[j.Status]++
	}
	return m, nil
}

func (f *fakeAdminStore) QueryAudit(_ context.Context, fl domain.AuditFilter) ([]domain.AuditEvent, int, error) {
	f.e.audit.mu.Lock()
	defer f.e.audit.mu.Unlock()
	var out []domain.AuditEvent
	for i := len(f.e.audit.events) - 1; i >= 0; i-- {
		ev := f.e.audit.events[i]
		if (fl.Action == "" || ev.Action == fl.Action) && (fl.ActorID == "" || ev.ActorID == fl.ActorID) {
			out = append(out, ev)
		}
	}
	n := len(out)
	return out[min(fl.Offset, n):min(fl.Offset+fl.Limit, n)], n, nil
}

func (f *fakeAdminStore) AuditActions(context.Context) ([]string, error) { return nil, nil }

func (f *fakeAdminStore) PruneAudit(_ context.Context, before time.Time) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pruned = before
	return 0, nil
}

func (f *fakeAdminStore) CreatePasswordReset(_ context.Context, r *domain.PasswordReset) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resets[r.TokenHash] = *r
	return nil
}

func (f *fakeAdminStore) GetPasswordReset(_ context.Context, hash string, now time.Time) (*domain.PasswordReset, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.resets[hash]
	if !ok || r.UsedAt != nil || !r.ExpiresAt.After(now) {
		return nil, domain.ErrNotFound
	}
	return &r, nil
}

func (f *fakeAdminStore) ConsumePasswordReset(ctx context.Context, hash string, now time.Time) (*domain.PasswordReset, error) {
	r, err := f.GetPasswordReset(ctx, hash, now)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	r.UsedAt = &now
	f.resets[hash] = *r
	return r, nil
}

func (f *fakeAdminStore) DeleteUserData(ctx context.Context, userID string) ([]string, error) {
	js, _ := f.e.repo.ListJobs(ctx, domain.JobFilter{UserID: userID})
	for _, j := range js {
		_ = f.e.repo.DeleteJob(ctx, j.ID)
	}
	return nil, nil
}

func (f *fakeAdminStore) DeleteUser(_ context.Context, id string) error {
	f.e.users.mu.Lock()
	defer f.e.users.mu.Unlock()
	delete(f.e.users.byID, id)
	return nil
}

func (f *fakeAdminStore) PseudonymizeAudit(_ context.Context, subject, pseudonym, email string) (int64, error) {
	f.e.audit.mu.Lock()
	defer f.e.audit.mu.Unlock()
	var n int64
	for i, ev := range f.e.audit.events {
		if ev.ActorID == subject || ev.TargetID == subject {
			if ev.ActorID == subject {
				ev.ActorID = pseudonym
			}
			if ev.TargetID == subject {
				ev.TargetID = pseudonym
			}
			ev.IP = ""
			ev.Detail = strings.ReplaceAll(ev.Detail, email, "")
			f.e.audit.events[i] = ev
			n++
		}
	}
	return n, nil
}

// fakeResetMailer records the reset links it was asked to send.
type fakeResetMailer struct{ sent []string }

func (m *fakeResetMailer) SendPasswordReset(_ context.Context, _ *domain.User, link string) error {
	m.sent = append(m.sent, link)
	return nil
}

// newTestAdmin wires an Admin and a Privacy service to the environment.
func newTestAdmin(e *testEnv, mailer ResetMailer) (*Admin, *fakeAdminStore, *Privacy) {
	st := newFakeAdminStore(e)
	a := NewAdmin(AdminDeps{Users: e.users, Jobs: e.repo, Store: st, Queue: e.queue, Audit: e.audit, Log: st,
		Resets: st, Mailer: mailer, Workers: 3, Limits: e.limits, BaseURL: "https://bankflow.test/", Now: e.clock.Now, Logger: e.log})
	a.argon = argonParams{Memory: 64, Time: 1, Threads: 1}
	return a, st, NewPrivacy(e.jobs, st, []byte("0123456789abcdef-pseudonym-key"))
}

// addAdmin stores an active admin.
func (e *testEnv) addAdmin(t interface {
	Helper()
	Fatal(...any)
}) *domain.User {
	t.Helper()
	u := &domain.User{ID: "a0000000-0000-4000-8000-000000000001", Email: "admin@example.com", Name: "Admin",
		Tier: domain.TierEnterprise, Role: domain.RoleAdmin, Active: true, CreatedAt: e.clock.Now()}
	if err := e.users.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}
