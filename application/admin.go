package application

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// AdminStore is what the admin screens read and change beyond the domain
// repositories (the database adapter implements it).
type AdminStore interface {
	// SearchUsers returns a page of users matching f and the total count.
	SearchUsers(ctx context.Context, f domain.UserFilter) ([]domain.User, int, error)
	// StoredBytes sums the sizes of the user's input files still kept.
	StoredBytes(ctx context.Context, userID string) (int64, error)
	// ListJobsFailedFirst returns a page of jobs, failed first, and the total.
	ListJobsFailedFirst(ctx context.Context, f domain.JobFilter) ([]domain.Job, int, error)
	// RetryJob moves a failed job with its input still kept back to queued;
	// CodeConflict otherwise, ErrNotFound when absent.
	RetryJob(ctx context.Context, id string) (*domain.Job, error)
	// CountJobsByStatus counts all jobs per status.
	CountJobsByStatus(ctx context.Context) (map[domain.JobStatus]int, error)
}

// StorageUsage reports what the file store holds (adapters/storage).
type StorageUsage interface {
	Usage() (files int, bytes int64, err error)
}

// AdminDeps are the ports and settings of the admin service.
type AdminDeps struct {
	Users   domain.UserRepository
	Jobs    domain.JobRepository
	Store   AdminStore
	Queue   domain.JobQueue
	Audit   domain.AuditLog
	Log     AuditReader
	Resets  ResetStore
	Mailer  ResetMailer  // nil: reset links are shown to the admin
	Storage StorageUsage // nil: storage use is not shown
	Workers int          // worker goroutines per process (configuration)
	Limits  map[domain.Tier]domain.Limits
	// BaseURL is the public address reset links start with
	// ("https://bankflow.example.com"); "" gives a relative link.
	BaseURL  string
	ResetTTL time.Duration // lifetime of a reset link; 24h when zero
	Now      func() time.Time
	Logger   *slog.Logger
}

// Admin runs BankFlow day to day: users and their plans, failed jobs, the
// system's health and the audit log. Every method but the reset-link ones
// takes the acting user and refuses anyone but an active admin
// (CodeForbidden), and every change is audited with before and after.
type Admin struct {
	d     AdminDeps
	argon argonParams
}

// NewAdmin returns the admin service.
func NewAdmin(d AdminDeps) *Admin {
	if d.Limits == nil {
		d.Limits = domain.DefaultLimits()
	}
	if d.ResetTTL <= 0 {
		d.ResetTTL = 24 * time.Hour
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return &Admin{d: d, argon: defaultArgon}
}

// UserPage is one page of the user listing.
type UserPage struct {
	Users []domain.User
	Total int
}

// UserDetail is what the admin's user page shows: no transaction contents.
type UserDetail struct {
	User        *domain.User
	Usage       Usage
	StoredBytes int64
	Jobs        []domain.Job // newest first, metadata only
	JobsTotal   int
}

// SystemStatus is the admin's system page.
type SystemStatus struct {
	QueueDepth   int64
	Workers      int
	StoredFiles  int
	StoredBytes  int64
	StorageKnown bool
	JobsByStatus map[domain.JobStatus]int
}

const msgAdminOnly = "Apenas administradores podem fazer isso."

// requireAdmin refuses anyone but an active admin.
func requireAdmin(actor *domain.User) error {
	if actor == nil {
		return domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	if !actor.IsAdmin() {
		return domain.Errorf(domain.CodeForbidden, msgAdminOnly)
	}
	return nil
}

// Users lists users matching f (25 a page by default, at most 200).
func (a *Admin) Users(ctx context.Context, actor *domain.User, f domain.UserFilter) (UserPage, error) {
	if err := requireAdmin(actor); err != nil {
		return UserPage{}, err
	}
	f.Limit = pageSize(f.Limit, 25, 200)
	f.Offset = max(f.Offset, 0)
	us, n, err := a.d.Store.SearchUsers(ctx, f)
	if err != nil {
		return UserPage{}, unavailable(err)
	}
	return UserPage{Users: us, Total: n}, nil
}

// User returns a user's page: usage this month, stored bytes and a page of
// their jobs. Errors: CodeNotFound for an unknown id.
func (a *Admin) User(ctx context.Context, actor *domain.User, id string, jobs domain.JobFilter) (*UserDetail, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	u, err := a.user(ctx, id)
	if err != nil {
		return nil, err
	}
	jobs.UserID = u.ID
	jobs.Limit = pageSize(jobs.Limit, 20, 200)
	js, total, err := a.d.Store.ListJobsFailedFirst(ctx, jobs)
	if err != nil {
		return nil, unavailable(err)
	}
	stored, err := a.d.Store.StoredBytes(ctx, u.ID)
	if err != nil {
		return nil, unavailable(err)
	}
	usage, err := a.usage(ctx, u)
	if err != nil {
		return nil, err
	}
	return &UserDetail{User: u, Usage: usage, StoredBytes: stored, Jobs: js, JobsTotal: total}, nil
}

func (a *Admin) usage(ctx context.Context, u *domain.User) (Usage, error) {
	us := Usage{Limits: limitsFor(a.d.Limits, u.Tier), Tier: u.Tier}
	var err error
	if us.FilesThisMonth, err = a.d.Jobs.CountJobsSince(ctx, u.ID, monthStart(a.d.Now())); err != nil {
		return Usage{}, unavailable(err)
	}
	if us.ActiveJobs, err = a.d.Jobs.CountActiveJobs(ctx, u.ID); err != nil {
		return Usage{}, unavailable(err)
	}
	return us, nil
}

// SetTier changes a user's plan; it applies to their very next request.
// Errors: CodeInvalid for an unknown tier, CodeNotFound for an unknown user.
func (a *Admin) SetTier(ctx context.Context, actor *domain.User, id string, tier domain.Tier, ip string) (*domain.User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if !tier.Valid() {
		return nil, domain.Errorf(domain.CodeInvalid, "Plano desconhecido.")
	}
	return a.change(ctx, actor, id, ip, "admin.user.tier", func(u *domain.User) (any, any, error) {
		before := u.Tier
		u.Tier = tier
		return map[string]string{"tier": string(before)}, map[string]string{"tier": string(tier)}, nil
	})
}

// SetRole makes a user an admin or a regular user. An admin cannot demote
// themself (so there is always one left who can undo it). Errors:
// CodeInvalid for an unknown role or self-demotion.
func (a *Admin) SetRole(ctx context.Context, actor *domain.User, id string, role domain.Role, ip string) (*domain.User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if role != domain.RoleUser && role != domain.RoleAdmin {
		return nil, domain.Errorf(domain.CodeInvalid, "Papel de usuário inválido.")
	}
	if id == actor.ID && role != domain.RoleAdmin {
		return nil, domain.Errorf(domain.CodeInvalid, "Você não pode remover o seu próprio acesso de administrador.")
	}
	return a.change(ctx, actor, id, ip, "admin.user.role", func(u *domain.User) (any, any, error) {
		before := u.Role
		u.Role = role
		return map[string]string{"role": string(before)}, map[string]string{"role": string(role)}, nil
	})
}

// SetActive activates or deactivates a user. A deactivated user's sessions
// and API tokens stop working at their next request (Authenticate reloads
// the user every time). An admin cannot deactivate themself.
func (a *Admin) SetActive(ctx context.Context, actor *domain.User, id string, active bool, ip string) (*domain.User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if id == actor.ID && !active {
		return nil, domain.Errorf(domain.CodeInvalid, "Você não pode desativar a sua própria conta.")
	}
	return a.change(ctx, actor, id, ip, "admin.user.active", func(u *domain.User) (any, any, error) {
		before := u.Active
		u.Active = active
		return map[string]bool{"active": before}, map[string]bool{"active": active}, nil
	})
}

// change loads a user, applies edit, stores it and audits before → after.
func (a *Admin) change(ctx context.Context, actor *domain.User, id, ip, action string, edit func(*domain.User) (before, after any, err error)) (*domain.User, error) {
	u, err := a.user(ctx, id)
	if err != nil {
		return nil, err
	}
	before, after, err := edit(u)
	if err != nil {
		return nil, err
	}
	if err := a.d.Users.UpdateUser(ctx, u); err != nil {
		return nil, unavailable(err)
	}
	a.record(ctx, domain.AuditEvent{ActorID: actor.ID, Action: action, TargetID: u.ID, IP: ip,
		Detail: detail(map[string]any{"email": u.Email, "before": before, "after": after})})
	return u, nil
}

// Jobs lists all jobs, failed first (50 a page by default).
func (a *Admin) Jobs(ctx context.Context, actor *domain.User, f domain.JobFilter) ([]domain.Job, int, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, 0, err
	}
	f.Limit = pageSize(f.Limit, 50, 200)
	f.Offset = max(f.Offset, 0)
	js, n, err := a.d.Store.ListJobsFailedFirst(ctx, f)
	if err != nil {
		return nil, 0, unavailable(err)
	}
	return js, n, nil
}

// RetryJob puts a failed job back in the queue. Errors: CodeNotFound for an
// unknown job; CodeConflict when it is not failed or its input file was
// already deleted (the user must send it again).
func (a *Admin) RetryJob(ctx context.Context, actor *domain.User, id, ip string) (*domain.Job, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	j, err := a.d.Store.RetryJob(ctx, id)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return nil, domain.Wrap(domain.CodeNotFound, err, msgJobNotFound)
	case domain.ErrorCode(err) == domain.CodeConflict:
		return nil, domain.Wrap(domain.CodeConflict, err,
			"Só é possível reprocessar um arquivo com falha cujo original ainda está guardado. Peça ao usuário que envie o arquivo de novo.")
	case err != nil:
		return nil, unavailable(err)
	}
	if err := a.d.Queue.Enqueue(ctx, j.ID); err != nil {
		// The job row is the truth: start-up recovery enqueues it again.
		a.d.Logger.Warn("enqueue retried job; it stays queued for recovery", "job", j.ID, "err", err)
	}
	a.record(ctx, domain.AuditEvent{ActorID: actor.ID, Action: "admin.job.retry", TargetID: j.ID, IP: ip,
		Detail: detail(map[string]any{"owner": j.UserID, "before": map[string]string{"status": string(domain.JobFailed)},
			"after": map[string]string{"status": string(domain.JobQueued)}})})
	return j, nil
}

// System reports the queue depth, workers, storage use and jobs by status.
// A part that cannot be read is left empty rather than failing the page.
func (a *Admin) System(ctx context.Context, actor *domain.User) (SystemStatus, error) {
	if err := requireAdmin(actor); err != nil {
		return SystemStatus{}, err
	}
	st := SystemStatus{Workers: a.d.Workers, QueueDepth: -1}
	if d, err := a.d.Queue.Depth(ctx); err == nil {
		st.QueueDepth = d
	} else {
		a.d.Logger.Warn("queue depth", "err", err)
	}
	if a.d.Storage != nil {
		if n, b, err := a.d.Storage.Usage(); err == nil {
			st.StoredFiles, st.StoredBytes, st.StorageKnown = n, b, true
		} else {
			a.d.Logger.Warn("storage usage", "err", err)
		}
	}
	byStatus, err := a.d.Store.CountJobsByStatus(ctx)
	if err != nil {
		return SystemStatus{}, unavailable(err)
	}
	st.JobsByStatus = byStatus
	return st, nil
}

// user loads a user for an admin screen.
func (a *Admin) user(ctx context.Context, id string) (*domain.User, error) {
	u, err := a.d.Users.GetUser(ctx, id)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.Wrap(domain.CodeNotFound, err, "Usuário não encontrado.")
	}
	if err != nil {
		return nil, unavailable(err)
	}
	return u, nil
}

// record appends to the audit log; a failing audit log is logged.
func (a *Admin) record(ctx context.Context, e domain.AuditEvent) {
	if e.At.IsZero() {
		e.At = a.d.Now().UTC()
	}
	if err := a.d.Audit.Append(ctx, e); err != nil {
		a.d.Logger.Error("audit append", "action", e.Action, "err", err)
	}
}

// pageSize clamps a requested page size, def when unset.
func pageSize(n, def, most int) int {
	if n <= 0 {
		return def
	}
	return min(n, most)
}
