package application

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// Metrics receives counts and durations of the job pipeline (Prometheus in
// production). Implementations must be safe for concurrent use.
type Metrics interface {
	JobSubmitted(source string)
	// JobFinished records a job reaching a final status; seconds is the time
	// from submission to the end (a duration, not money).
	JobFinished(status string, bank string, seconds float64)
	ParseFailed(bank string)
}

// JobsDeps are the ports and settings of the job pipeline.
type JobsDeps struct {
	Jobs          domain.JobRepository
	Transactions  domain.TransactionRepository
	Users         domain.UserRepository
	Files         domain.FileStore
	Queue         domain.JobQueue
	Statements    *Statements
	Notifier      domain.Notifier // may be nil
	Audit         domain.AuditLog
	Limits        map[domain.Tier]domain.Limits // domain.DefaultLimits when nil
	MaxInputBytes int64                         // absolute cap on an input file, whatever the tier; 100 MiB when zero
	Now           func() time.Time
	Log           *slog.Logger
	Metrics       Metrics // may be nil
	// ProcessDelay is a test and chaos knob: Process waits this long right
	// after claiming a job, so the job sits in the processing state while a
	// crash test kills the worker. Zero (always in production) waits nothing.
	ProcessDelay time.Duration
}

// Jobs submits statement files, processes them and serves their results.
// Users see only their own jobs; admins see all.
type Jobs struct {
	d JobsDeps
}

// Usage is what a user consumed of their plan.
type Usage struct {
	FilesThisMonth int
	ActiveJobs     int
	Limits         domain.Limits
	Tier           domain.Tier
}

const defaultMaxInput = 100 << 20

// NewJobs returns the job service.
func NewJobs(d JobsDeps) *Jobs {
	if d.Limits == nil {
		d.Limits = domain.DefaultLimits()
	}
	if d.MaxInputBytes <= 0 {
		d.MaxInputBytes = defaultMaxInput
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Metrics == nil {
		d.Metrics = noMetrics{}
	}
	return &Jobs{d: d}
}

const msgJobNotFound = "Processamento não encontrado."

// Get returns one of the user's jobs (any job for an admin). Errors:
// CodeNotFound for a missing job or one of another user.
func (s *Jobs) Get(ctx context.Context, u *domain.User, id string) (*domain.Job, error) {
	if u == nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	j, err := s.d.Jobs.GetJob(ctx, id)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.Wrap(domain.CodeNotFound, err, msgJobNotFound)
	}
	if err != nil {
		return nil, unavailable(err)
	}
	if j.UserID != u.ID && !u.IsAdmin() {
		return nil, domain.Errorf(domain.CodeNotFound, msgJobNotFound)
	}
	return j, nil
}

// List lists jobs, newest first. A regular user only ever gets their own:
// f.UserID is forced to theirs.
func (s *Jobs) List(ctx context.Context, u *domain.User, f domain.JobFilter) ([]domain.Job, error) {
	if u == nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	if !u.IsAdmin() {
		f.UserID = u.ID
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 500 {
		f.Limit = 500
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	js, err := s.d.Jobs.ListJobs(ctx, f)
	if err != nil {
		return nil, unavailable(err)
	}
	return js, nil
}

// Statements returns the statements of a completed job, rebuilt from the
// stored summary and transactions. Errors: CodeNotFound as Get; CodeConflict
// when the job is not completed (the message says why).
func (s *Jobs) Statements(ctx context.Context, u *domain.User, id string) ([]domain.Statement, error) {
	j, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	switch j.Status {
	case domain.JobCompleted:
	case domain.JobFailed:
		msg := j.ErrorMessage
		if msg == "" {
			msg = "Não foi possível processar este arquivo."
		}
		return nil, domain.Errorf(domain.CodeConflict, "%s", msg)
	case domain.JobCancelled:
		return nil, domain.Errorf(domain.CodeConflict, "Este processamento foi cancelado.")
	default:
		return nil, domain.Errorf(domain.CodeConflict, "Este arquivo ainda está em processamento. Tente novamente em instantes.")
	}
	return s.rebuild(ctx, j)
}

// Export writes a completed job's statements to w in format. Errors as
// Statements, plus CodeInvalid for a format not offered.
func (s *Jobs) Export(ctx context.Context, u *domain.User, id string, format domain.ExportFormat, w io.Writer) error {
	if _, err := s.d.Statements.Exporter(format); err != nil {
		return err
	}
	stmts, err := s.Statements(ctx, u, id)
	if err != nil {
		return err
	}
	if err := s.d.Statements.Export(ctx, w, format, stmts); err != nil {
		return err
	}
	s.audit(ctx, domain.AuditEvent{ActorID: u.ID, Action: "job.download", TargetID: id, Detail: detail(map[string]string{"format": string(format)})})
	return nil
}

// Cancel stops a queued or processing job; a worker busy with it discards
// its result. Errors: CodeNotFound as Get; CodeConflict when already final.
func (s *Jobs) Cancel(ctx context.Context, u *domain.User, id string) error {
	j, err := s.Get(ctx, u, id)
	if err != nil {
		return err
	}
	if j.Status.Final() {
		return domain.Errorf(domain.CodeConflict, "Este processamento já terminou e não pode ser cancelado.")
	}
	if err := s.d.Jobs.CancelJob(ctx, id, s.d.Now().UTC()); err != nil {
		if domain.ErrorCode(err) == domain.CodeConflict {
			return domain.Wrap(domain.CodeConflict, err, "Este processamento já terminou e não pode ser cancelado.")
		}
		return unavailable(err)
	}
	s.audit(ctx, domain.AuditEvent{ActorID: u.ID, Action: "job.cancel", TargetID: id})
	s.d.Metrics.JobFinished(string(domain.JobCancelled), bankLabel(j), s.elapsed(j))
	return nil
}

// Delete removes a job, its stored files and its transactions (a running
// job is cancelled first). Errors: CodeNotFound as Get.
func (s *Jobs) Delete(ctx context.Context, u *domain.User, id string) error {
	j, err := s.Get(ctx, u, id)
	if err != nil {
		return err
	}
	if err := s.deleteJob(ctx, j); err != nil {
		return err
	}
	s.audit(ctx, domain.AuditEvent{ActorID: u.ID, Action: "job.delete", TargetID: id,
		Detail: detail(map[string]string{"owner": j.UserID, "file": j.OriginalFilename})})
	return nil
}

func (s *Jobs) deleteJob(ctx context.Context, j *domain.Job) error {
	if !j.Status.Final() {
		if err := s.d.Jobs.CancelJob(ctx, j.ID, s.d.Now().UTC()); err != nil && domain.ErrorCode(err) != domain.CodeConflict {
			return unavailable(err)
		}
	}
	for _, fid := range []string{j.InputFileID, j.OutputFileID} {
		if fid == "" {
			continue
		}
		if err := s.d.Files.Delete(ctx, fid); err != nil {
			return unavailable(err)
		}
	}
	if err := s.d.Jobs.DeleteJob(ctx, j.ID); err != nil && !errors.Is(err, domain.ErrNotFound) {
		return unavailable(err)
	}
	return nil
}

// Usage reports the user's consumption of their plan this month (UTC).
func (s *Jobs) Usage(ctx context.Context, u *domain.User) (Usage, error) {
	if u == nil {
		return Usage{}, domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	n, err := s.d.Jobs.CountJobsSince(ctx, u.ID, monthStart(s.d.Now()))
	if err != nil {
		return Usage{}, unavailable(err)
	}
	active, err := s.d.Jobs.CountActiveJobs(ctx, u.ID)
	if err != nil {
		return Usage{}, unavailable(err)
	}
	return Usage{FilesThisMonth: n, ActiveJobs: active, Limits: limitsFor(s.d.Limits, u.Tier), Tier: u.Tier}, nil
}

func (s *Jobs) audit(ctx context.Context, e domain.AuditEvent) {
	if s.d.Audit == nil {
		return
	}
	if e.At.IsZero() {
		e.At = s.d.Now().UTC()
	}
	if err := s.d.Audit.Append(ctx, e); err != nil {
		s.d.Log.Error("audit append", "action", e.Action, "err", err)
	}
}

// elapsed is the time from submission to now, in seconds, for metrics.
func (s *Jobs) elapsed(j *domain.Job) float64 {
	if j.CreatedAt.IsZero() {
		return 0
	}
	return s.d.Now().Sub(j.CreatedAt).Seconds()
}

// monthStart is the first instant of now's month in UTC (quota period).
func monthStart(now time.Time) time.Time {
	y, m, _ := now.UTC().Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}

func bankLabel(j *domain.Job) string {
	switch {
	case j.DetectedBank != "":
		return j.DetectedBank
	case j.BankHint != "":
		return j.BankHint
	}
	return domain.BankUnknown
}

type noMetrics struct{}

func (noMetrics) JobSubmitted(string)                 {}
func (noMetrics) JobFinished(string, string, float64) {}
func (noMetrics) ParseFailed(string)                  {}
