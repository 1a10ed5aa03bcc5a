package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// memStore is an in-memory implementation of the domain ports the
// application services need (users, tokens, audit, jobs, transactions), so
// the handlers are tested over the real application layer.
type memStore struct {
	mu     sync.Mutex
	users  map[string]*domain.User
	tokens map[string]*domain.APIToken
	jobs   map[string]*domain.Job
	txs    map[string][]domain.StoredTransaction // by job id
	audit  []domain.AuditEvent
	seq    int
	// revoked are the signed-out sessions: jti → expiry.
	revoked map[string]time.Time
	fail    error // when set, every job repository call returns it
}

func newMemStore() *memStore {
	return &memStore{
		users:  map[string]*domain.User{},
		tokens: map[string]*domain.APIToken{},
		jobs:   map[string]*domain.Job{},
		txs:    map[string][]domain.StoredTransaction{},
	}
}

func (m *memStore) nextID(prefix string) string {
	m.seq++
	return fmt.Sprintf("%s-%08d-0000-4000-8000-000000000000", prefix, m.seq)
}

// UserRepository.

func (m *memStore) CreateUser(_ context.Context, u *domain.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range m.users {
		if o.Email == u.Email {
			return domain.Errorf(domain.CodeConflict, "Já existe uma conta com este e-mail.")
		}
	}
	if u.ID == "" {
		u.ID = m.nextID("u")
	}
	c := *u
	m.users[u.ID] = &c
	return nil
}

func (m *memStore) GetUser(_ context.Context, id string) (*domain.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[id]
	if !ok {
		return nil, domain.ErrNotFound
	}
	c := *u
	return &c, nil
}

func (m *memStore) GetUserByEmail(_ context.Context, email string) (*domain.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, u := range m.users {
		if u.Email == email {
			c := *u
			return &c, nil
		}
	}
	return nil, domain.ErrNotFound
}

func (m *memStore) UpdateUser(_ context.Context, u *domain.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[u.ID]; !ok {
		return domain.ErrNotFound
	}
	c := *u
	m.users[u.ID] = &c
	return nil
}

func (m *memStore) RecordLogin(_ context.Context, id string, at time.Time, oldHash, newHash string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[id]
	if !ok {
		return domain.ErrNotFound
	}
	u.LastLogin = &at
	if newHash != "" && u.PasswordHash == oldHash {
		u.PasswordHash = newHash
	}
	return nil
}

func (m *memStore) CountUsers(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.users), nil
}

// TokenRepository.

func (m *memStore) CreateToken(_ context.Context, t *domain.APIToken) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t.ID == "" {
		t.ID = m.nextID("t")
	}
	c := *t
	m.tokens[t.ID] = &c
	return nil
}

func (m *memStore) GetTokenByHash(_ context.Context, hash string) (*domain.APIToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.tokens {
		if t.Hash == hash && t.RevokedAt == nil {
			c := *t
			return &c, nil
		}
	}
	return nil, domain.ErrNotFound
}

func (m *memStore) ListTokens(_ context.Context, userID string) ([]domain.APIToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []domain.APIToken
	for _, t := range m.tokens {
		if t.UserID == userID {
			out = append(out, *t)
		}
	}
	return out, nil
}

func (m *memStore) RevokeToken(_ context.Context, userID, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[id]
	if !ok || t.UserID != userID {
		return domain.ErrNotFound
	}
	t.RevokedAt = &at
	return nil
}

func (m *memStore) TouchToken(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.tokens {
		if t.ID == id {
			t.LastUsedAt = &at
			return nil
		}
	}
	return domain.ErrNotFound
}

func (m *memStore) RevokeSession(_ context.Context, jti, _ string, expiresAt time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.revoked == nil {
		m.revoked = map[string]time.Time{}
	}
	m.revoked[jti] = expiresAt
	return nil
}

func (m *memStore) SessionRevoked(_ context.Context, jti string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.revoked[jti]
	return ok, nil
}

func (m *memStore) PurgeRevokedSessions(_ context.Context, before time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n int64
	for jti, exp := range m.revoked {
		if exp.Before(before) {
			delete(m.revoked, jti)
			n++
		}
	}
	return n, nil
}

// AuditLog.

func (m *memStore) Append(_ context.Context, e domain.AuditEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.audit = append(m.audit, e)
	return nil
}

// JobRepository.

func (m *memStore) CreateJob(_ context.Context, j *domain.Job) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	if j.ID == "" {
		j.ID = m.nextID("j")
	}
	if j.Status == "" {
		j.Status = domain.JobQueued
	}
	c := *j
	if c.Reconciliation == "" {
		c.Reconciliation = domain.ReconUnknown // as the SQL column default does
	}
	m.jobs[j.ID] = &c
	return nil
}

func (m *memStore) job(id string) (*domain.Job, error) {
	if m.fail != nil {
		return nil, m.fail
	}
	j, ok := m.jobs[id]
	if !ok {
		return nil, domain.ErrNotFound
	}
	return j, nil
}

func (m *memStore) GetJob(_ context.Context, id string) (*domain.Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.job(id)
	if err != nil {
		return nil, err
	}
	c := *j
	return &c, nil
}

func (m *memStore) ListJobs(_ context.Context, f domain.JobFilter) ([]domain.Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return nil, m.fail
	}
	var out []domain.Job
	for _, j := range m.jobs {
		if (f.UserID == "" || j.UserID == f.UserID) && (f.Status == "" || j.Status == f.Status) {
			out = append(out, *j)
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if !out[a].CreatedAt.Equal(out[b].CreatedAt) {
			return out[a].CreatedAt.After(out[b].CreatedAt)
		}
		return out[a].ID > out[b].ID
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

func (m *memStore) FindJobByHash(_ context.Context, userID, hash string) (*domain.Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, j := range m.jobs {
		if j.UserID == userID && j.FileHash == hash && j.Status != domain.JobFailed {
			c := *j
			return &c, nil
		}
	}
	return nil, domain.ErrNotFound
}

func (m *memStore) CountJobsSince(_ context.Context, userID string, since time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, j := range m.jobs {
		if j.UserID == userID && !j.CreatedAt.Before(since) {
			n++
		}
	}
	return n, nil
}

func (m *memStore) CountActiveJobs(_ context.Context, userID string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, j := range m.jobs {
		if j.UserID == userID && !j.Status.Final() {
			n++
		}
	}
	return n, nil
}

func (m *memStore) ClaimJob(_ context.Context, id string, now time.Time) (*domain.Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.job(id)
	if err != nil {
		return nil, err
	}
	if j.Status != domain.JobQueued {
		return nil, domain.ErrConflict
	}
	j.Status, j.StartedAt, j.Attempts = domain.JobProcessing, &now, j.Attempts+1
	c := *j
	return &c, nil
}

func (m *memStore) UpdateProgress(_ context.Context, id string, progress int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.job(id)
	if err != nil {
		return err
	}
	j.Progress = progress
	return nil
}

func (m *memStore) CompleteJob(_ context.Context, id string, res domain.JobResult, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.job(id)
	if err != nil {
		return err
	}
	if j.Status != domain.JobProcessing {
		return domain.ErrConflict
	}
	var txs []domain.StoredTransaction
	j.Reconciliation, j.Difference = domain.ReconUnknown, 0
	for _, st := range res.Statements {
		if st.Reconciliation.Status != "" {
			j.Reconciliation, j.Difference = st.Reconciliation.Status, st.Reconciliation.Difference
		}
		for _, t := range st.Transactions {
			txs = append(txs, domain.StoredTransaction{Transaction: t, JobID: id, UserID: j.UserID, Seq: len(txs) + 1, Account: st.Account.Number, Bank: st.Bank})
		}
	}
	m.txs[id] = txs
	j.Status, j.Progress, j.CompletedAt = domain.JobCompleted, 100, &now
	j.DetectedBank, j.Format, j.OutputFileID, j.Summary = res.DetectedBank, res.Format, res.OutputFileID, res.Summary
	j.TransactionCount = len(txs)
	return nil
}

func (m *memStore) FailJob(_ context.Context, id, message string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.job(id)
	if err != nil {
		return err
	}
	if j.Status.Final() {
		return domain.ErrConflict
	}
	j.Status, j.ErrorMessage, j.CompletedAt = domain.JobFailed, message, &now
	return nil
}

func (m *memStore) CancelJob(_ context.Context, id string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.job(id)
	if err != nil {
		return err
	}
	return j.Cancel(now)
}

func (m *memStore) RequeueJob(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.job(id)
	if err != nil {
		return err
	}
	if j.Status == domain.JobProcessing {
		j.Status = domain.JobQueued
	}
	return nil
}

func (m *memStore) DeleteJob(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.job(id); err != nil {
		return err
	}
	delete(m.jobs, id)
	delete(m.txs, id)
	return nil
}

func (m *memStore) UnfinishedJobs(context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []string
	for id, j := range m.jobs {
		if !j.Status.Final() {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func (m *memStore) ExpiredFiles(_ context.Context, now time.Time, limit int) ([]domain.Job, error) {
	return nil, nil
}

func (m *memStore) MarkFileDeleted(_ context.Context, id string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.job(id)
	if err != nil {
		return err
	}
	j.FileDeletedAt, j.InputFileID = &now, ""
	return nil
}

// TransactionRepository.

func (m *memStore) SearchTransactions(_ context.Context, q domain.TransactionQuery) ([]domain.StoredTransaction, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []domain.StoredTransaction
	for jobID, txs := range m.txs {
		if q.JobID != "" && jobID != q.JobID {
			continue
		}
		for _, t := range txs {
			if q.UserID == "" || t.UserID == q.UserID {
				out = append(out, t)
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Seq < out[b].Seq })
	total := len(out)
	if q.Offset > 0 {
		if q.Offset >= len(out) {
			return nil, total, nil
		}
		out = out[q.Offset:]
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, total, nil
}

// memFiles is an in-memory domain.FileStore that reads what it stores as it
// arrives, so streaming (and a body cut mid-way) behaves as on disk.
type memFiles struct {
	mu    sync.Mutex
	files map[string][]byte
	seq   int
	// progress, when set, receives the running byte count as Put reads.
	progress func(read int64)
}

func newMemFiles() *memFiles { return &memFiles{files: map[string][]byte{}} }

func (f *memFiles) Put(_ context.Context, r io.Reader) (string, int64, error) {
	var buf bytes.Buffer
	if f.progress != nil {
		r = &progressReader{r: r, fn: f.progress}
	}
	n, err := io.Copy(&buf, r)
	if err != nil {
		return "", n, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	id := fmt.Sprintf("file-%d", f.seq)
	f.files[id] = buf.Bytes()
	return id, n, nil
}

type progressReader struct {
	r  io.Reader
	n  int64
	fn func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	p.fn(p.n)
	return n, err
}

func (f *memFiles) Open(_ context.Context, id string) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.files[id]
	if !ok {
		return nil, domain.ErrNotFound
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (f *memFiles) Delete(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.files, id)
	return nil
}

func (f *memFiles) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.files)
}

// memQueue is a domain.JobQueue that only records what was enqueued; tests
// process jobs explicitly with Jobs.Process.
type memQueue struct {
	mu  sync.Mutex
	ids []string
}

func (q *memQueue) Enqueue(_ context.Context, id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ids = append(q.ids, id)
	return nil
}

func (q *memQueue) Receive(ctx context.Context) (*domain.Delivery, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (q *memQueue) Depth(context.Context) (int64, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return int64(len(q.ids)), nil
}
