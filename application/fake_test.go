package application

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// Hand-written in-memory implementations of the ports, faithful to their
// documented contracts (conditional claim, conflicts on final jobs, ...).

var errDown = errors.New("connection refused")

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeUsers is a UserRepository.
type fakeUsers struct {
	mu    sync.Mutex
	byID  map[string]domain.User
	err   error // returned by every call when set
	calls int
}

func newFakeUsers() *fakeUsers { return &fakeUsers{byID: map[string]domain.User{}} }

func (r *fakeUsers) CreateUser(_ context.Context, u *domain.User) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	for _, o := range r.byID {
		if o.Email == u.Email {
			return domain.ErrConflict
		}
	}
	r.byID[u.ID] = *u
	return nil
}

func (r *fakeUsers) GetUser(_ context.Context, id string) (*domain.User, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.err != nil {
		return nil, r.err
	}
	u, ok := r.byID[id]
	if !ok {
		return nil, domain.ErrNotFound
	}
	return &u, nil
}

func (r *fakeUsers) GetUserByEmail(_ context.Context, email string) (*domain.User, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return nil, r.err
	}
	for _, u := range r.byID {
		if u.Email == email {
			return &u, nil
		}
	}
	return nil, domain.ErrNotFound
}

func (r *fakeUsers) UpdateUser(_ context.Context, u *domain.User) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	if _, ok := r.byID[u.ID]; !ok {
		return domain.ErrNotFound
	}
	r.byID[u.ID] = *u
	return nil
}

func (r *fakeUsers) CountUsers(context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.byID), r.err
}

// fakeTokens is a TokenRepository.
type fakeTokens struct {
	mu     sync.Mutex
	tokens []domain.APIToken
}

func (r *fakeTokens) CreateToken(_ context.Context, t *domain.APIToken) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tokens = append(r.tokens, *t)
	return nil
}

func (r *fakeTokens) GetTokenByHash(_ context.Context, hash string) (*domain.APIToken, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range r.tokens {
		if t.Hash == hash && t.RevokedAt == nil {
			return &t, nil
		}
	}
	return nil, domain.ErrNotFound
}

func (r *fakeTokens) ListTokens(_ context.Context, userID string) ([]domain.APIToken, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []domain.APIToken
	for _, t := range r.tokens {
		if t.UserID == userID {
			out = append(out, t)
		}
	}
	return out, nil
}

func (r *fakeTokens) RevokeToken(_ context.Context, userID, id string, at time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, t := range r.tokens {
		if t.ID == id && t.UserID == userID {
			r.tokens[i].RevokedAt = &at
			return nil
		}
	}
	return domain.ErrNotFound
}

// fakeAudit is an AuditLog.
type fakeAudit struct {
	mu     sync.Mutex
	events []domain.AuditEvent
}

func (a *fakeAudit) Append(_ context.Context, e domain.AuditEvent) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, e)
	return nil
}

func (a *fakeAudit) find(action string) []domain.AuditEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []domain.AuditEvent
	for _, e := range a.events {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// fakeFiles is a FileStore keeping bytes in memory.
type fakeFiles struct {
	mu       sync.Mutex
	files    map[string][]byte
	next     int
	putErr   error
	putFails int // the next putFails calls fail
}

func newFakeFiles() *fakeFiles { return &fakeFiles{files: map[string][]byte{}} }

func (f *fakeFiles) Put(_ context.Context, r io.Reader) (string, int64, error) {
	f.mu.Lock()
	putErr := f.putErr
	if f.putFails > 0 {
		f.putFails--
		putErr = errDown
	}
	f.mu.Unlock()
	if putErr != nil {
		return "", 0, putErr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", 0, fmt.Errorf("store: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	id := fmt.Sprintf("file-%d", f.next)
	f.files[id] = b
	return id, int64(len(b)), nil
}

func (f *fakeFiles) Open(_ context.Context, id string) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.files[id]
	if !ok {
		return nil, domain.ErrNotFound
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (f *fakeFiles) Delete(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.files, id)
	return nil
}

func (f *fakeFiles) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.files)
}

func (f *fakeFiles) has(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.files[id]
	return id != "" && ok
}

// fakeJobs is a JobRepository and a TransactionRepository.
type fakeJobs struct {
	mu        sync.Mutex
	jobs      map[string]domain.Job
	txs       map[string][]domain.StoredTransaction
	createErr error
	claimErr  error
	onClaim   func(id string) // called after a successful claim, unlocked
	completes int             // successful CompleteJob calls
}

func newFakeJobs() *fakeJobs {
	return &fakeJobs{jobs: map[string]domain.Job{}, txs: map[string][]domain.StoredTransaction{}}
}

func (r *fakeJobs) CreateJob(_ context.Context, j *domain.Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.createErr != nil {
		return r.createErr
	}
	if _, ok := r.jobs[j.ID]; ok {
		return domain.ErrConflict
	}
	r.jobs[j.ID] = *j
	return nil
}

func (r *fakeJobs) GetJob(_ context.Context, id string) (*domain.Job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j, ok := r.jobs[id]
	if !ok {
		return nil, domain.ErrNotFound
	}
	return &j, nil
}

func (r *fakeJobs) ListJobs(_ context.Context, f domain.JobFilter) ([]domain.Job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []domain.Job
	for _, j := range r.jobs {
		if (f.UserID == "" || j.UserID == f.UserID) && (f.Status == "" || j.Status == f.Status) {
			out = append(out, j)
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if !out[a].CreatedAt.Equal(out[b].CreatedAt) {
			return out[a].CreatedAt.After(out[b].CreatedAt)
		}
		return out[a].ID < out[b].ID
	})
	if f.Offset >= len(out) {
		return nil, nil
	}
	out = out[f.Offset:]
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func (r *fakeJobs) FindJobByHash(_ context.Context, userID, hash string) (*domain.Job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var best *domain.Job
	for _, j := range r.jobs {
		if j.UserID == userID && j.FileHash == hash && j.Status != domain.JobFailed {
			if best == nil || j.CreatedAt.After(best.CreatedAt) {
				j := j
				best = &j
			}
		}
	}
	if best == nil {
		return nil, domain.ErrNotFound
	}
	return best, nil
}

func (r *fakeJobs) CountJobsSince(_ context.Context, userID string, since time.Time) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, j := range r.jobs {
		if j.UserID == userID && !j.CreatedAt.Before(since) {
			n++
		}
	}
	return n, nil
}

func (r *fakeJobs) CountActiveJobs(_ context.Context, userID string) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, j := range r.jobs {
		if j.UserID == userID && !j.Status.Final() {
			n++
		}
	}
	return n, nil
}

func (r *fakeJobs) ClaimJob(_ context.Context, id string, now time.Time) (*domain.Job, error) {
	r.mu.Lock()
	if r.claimErr != nil {
		r.mu.Unlock()
		return nil, r.claimErr
	}
	j, ok := r.jobs[id]
	if !ok {
		r.mu.Unlock()
		return nil, domain.ErrNotFound
	}
	if j.Status != domain.JobQueued {
		r.mu.Unlock()
		return nil, domain.ErrConflict
	}
	j.Status, j.StartedAt = domain.JobProcessing, &now
	j.Attempts++
	r.jobs[id] = j
	hook := r.onClaim
	r.mu.Unlock()
	if hook != nil {
		hook(id)
	}
	return &j, nil
}

func (r *fakeJobs) UpdateProgress(_ context.Context, id string, p int) error {
	return r.update(id, func(j *domain.Job) error {
		if j.Status != domain.JobProcessing {
			return domain.ErrConflict
		}
		j.Progress = p
		return nil
	})
}

func (r *fakeJobs) CompleteJob(_ context.Context, id string, res domain.JobResult, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	j, ok := r.jobs[id]
	if !ok {
		return domain.ErrNotFound
	}
	if j.Status != domain.JobProcessing {
		return domain.ErrConflict
	}
	var stored []domain.StoredTransaction
	j.Reconciliation, j.Difference = domain.ReconBalanced, 0
	for _, st := range res.Statements {
		for _, t := range st.Transactions {
			stored = append(stored, domain.StoredTransaction{Transaction: t, ID: int64(len(stored) + 1), JobID: id,
				UserID: j.UserID, Seq: len(stored), Account: st.Account.Number, Bank: st.Bank})
		}
		switch st.Reconciliation.Status {
		case domain.ReconMismatch:
			j.Reconciliation = domain.ReconMismatch
			j.Difference += st.Reconciliation.Difference
		case domain.ReconUnknown:
			if j.Reconciliation == domain.ReconBalanced {
				j.Reconciliation = domain.ReconUnknown
			}
		}
	}
	r.txs[id] = stored
	j.Status, j.Progress, j.CompletedAt = domain.JobCompleted, 100, &now
	j.DetectedBank, j.Format, j.OutputFileID, j.Summary = res.DetectedBank, res.Format, res.OutputFileID, res.Summary
	j.TransactionCount = len(stored)
	r.jobs[id] = j
	r.completes++
	return nil
}

func (r *fakeJobs) FailJob(_ context.Context, id, message string, now time.Time) error {
	return r.update(id, func(j *domain.Job) error {
		if j.Status.Final() {
			return domain.ErrConflict
		}
		j.Status, j.ErrorMessage, j.CompletedAt = domain.JobFailed, message, &now
		return nil
	})
}

func (r *fakeJobs) CancelJob(_ context.Context, id string, now time.Time) error {
	return r.update(id, func(j *domain.Job) error { return j.Cancel(now) })
}

func (r *fakeJobs) RequeueJob(_ context.Context, id string) error {
	return r.update(id, func(j *domain.Job) error {
		if j.Status != domain.JobProcessing {
			return domain.ErrConflict
		}
		j.Status, j.Progress, j.StartedAt = domain.JobQueued, 0, nil
		return nil
	})
}

func (r *fakeJobs) DeleteJob(_ context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.jobs[id]; !ok {
		return domain.ErrNotFound
	}
	delete(r.jobs, id)
	delete(r.txs, id)
	return nil
}

func (r *fakeJobs) UnfinishedJobs(context.Context) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for id, j := range r.jobs {
		if !j.Status.Final() {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

func (r *fakeJobs) ExpiredFiles(_ context.Context, now time.Time, limit int) ([]domain.Job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []domain.Job
	for _, j := range r.jobs {
		if j.FileDeletedAt == nil && j.InputFileID != "" && !j.ExpiresAt.After(now) && len(out) < limit {
			out = append(out, j)
		}
	}
	return out, nil
}

func (r *fakeJobs) MarkFileDeleted(_ context.Context, id string, now time.Time) error {
	return r.update(id, func(j *domain.Job) error {
		j.FileDeletedAt, j.InputFileID, j.OutputFileID = &now, "", ""
		return nil
	})
}

func (r *fakeJobs) SearchTransactions(_ context.Context, q domain.TransactionQuery) ([]domain.StoredTransaction, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var all []domain.StoredTransaction
	for jobID, txs := range r.txs {
		if q.JobID != "" && jobID != q.JobID {
			continue
		}
		for _, t := range txs {
			if t.UserID == q.UserID {
				all = append(all, t)
			}
		}
	}
	sort.Slice(all, func(a, b int) bool { return all[a].Seq < all[b].Seq })
	total := len(all)
	if q.Offset >= total {
		return nil, total, nil
	}
	all = all[q.Offset:]
	if q.Limit > 0 && len(all) > q.Limit {
		all = all[:q.Limit]
	}
	return all, total, nil
}

func (r *fakeJobs) update(id string, f func(*domain.Job) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	j, ok := r.jobs[id]
	if !ok {
		return domain.ErrNotFound
	}
	if err := f(&j); err != nil {
		return err
	}
	r.jobs[id] = j
	return nil
}

func (r *fakeJobs) job(id string) domain.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.jobs[id]
}

func (r *fakeJobs) stored(id string) []domain.StoredTransaction {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]domain.StoredTransaction(nil), r.txs[id]...)
}

// chanQueue is a JobQueue on a channel that counts deliveries per job id.
type chanQueue struct {
	ch       chan *domain.Delivery
	max      int
	mu       sync.Mutex
	attempts map[string]int
	acked    []string
	retried  []string
	enqErr   error
}

func newChanQueue(max int) *chanQueue {
	return &chanQueue{ch: make(chan *domain.Delivery, 100), max: max, attempts: map[string]int{}}
}

func (q *chanQueue) Enqueue(_ context.Context, id string) error {
	if q.enqErr != nil {
		return q.enqErr
	}
	q.push(id)
	return nil
}

func (q *chanQueue) push(id string) {
	q.mu.Lock()
	q.attempts[id]++
	d := &domain.Delivery{JobID: id, Attempt: q.attempts[id], MaxAttempts: q.max}
	q.mu.Unlock()
	d.Ack = func(context.Context) error {
		q.mu.Lock()
		defer q.mu.Unlock()
		q.acked = append(q.acked, id)
		return nil
	}
	d.Retry = func(context.Context) error {
		q.mu.Lock()
		q.retried = append(q.retried, id)
		q.mu.Unlock()
		q.push(id)
		return nil
	}
	q.ch <- d
}

func (q *chanQueue) Receive(ctx context.Context) (*domain.Delivery, error) {
	select {
	case d := <-q.ch:
		return d, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (q *chanQueue) Depth(context.Context) (int64, error) { return int64(len(q.ch)), nil }

func (q *chanQueue) ackedIDs() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.acked...)
}

// fakeReader is a StatementReader: files starting with "STMT" yield the
// statements it holds, anything else is unsupported.
type fakeReader struct {
	stmts  []domain.Statement
	onRead func(ctx context.Context)
	reads  int
	mu     sync.Mutex
}

func (r *fakeReader) Read(ctx context.Context, in domain.Input) ([]domain.Statement, error) {
	r.mu.Lock()
	r.reads++
	hook := r.onRead
	r.mu.Unlock()
	if hook != nil {
		hook(ctx)
	}
	if !bytes.HasPrefix(in.Data, []byte("STMT")) {
		return nil, domain.Errorf(domain.CodeUnsupported, "Formato de arquivo não reconhecido.")
	}
	out := make([]domain.Statement, len(r.stmts))
	for i, s := range r.stmts {
		s.Transactions = append([]domain.Transaction(nil), s.Transactions...)
		out[i] = s
	}
	return out, nil
}

// fakeExporter writes a line per statement and transaction.
type fakeExporter struct{ format domain.ExportFormat }

func (e fakeExporter) Format() domain.ExportFormat { return e.format }
func (e fakeExporter) ContentType() string         { return "application/octet-stream" }
func (e fakeExporter) Export(w io.Writer, stmts []domain.Statement) error {
	for _, s := range stmts {
		if _, err := fmt.Fprintf(w, "%s %s %s\n", e.format, s.Bank, s.Account.Number); err != nil {
			return err
		}
		for _, t := range s.Transactions {
			if _, err := fmt.Fprintf(w, "%s;%s;%s\n", t.Date, t.Amount, t.Description); err != nil {
				return err
			}
		}
	}
	return nil
}

// fakeNotifier records finished jobs.
type fakeNotifier struct {
	mu   sync.Mutex
	jobs []domain.Job
}

func (n *fakeNotifier) JobFinished(_ context.Context, _ *domain.User, j *domain.Job) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.jobs = append(n.jobs, *j)
	return nil
}
