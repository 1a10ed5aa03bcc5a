package application

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
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

func (r *fakeUsers) RecordLogin(_ context.Context, id string, at time.Time, oldHash, newHash string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	u, ok := r.byID[id]
	if !ok {
		return domain.ErrNotFound
	}
	u.LastLogin = &at
	if newHash != "" && u.PasswordHash == oldHash {
		u.PasswordHash = newHash
	}
	r.byID[id] = u
	return nil
}

func (r *fakeUsers) CountUsers(context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.byID), r.err
}

// fakeTokens is a TokenStore: API tokens and revoked sessions.
type fakeTokens struct {
	mu      sync.Mutex
	tokens  []domain.APIToken
	revoked map[string]time.Time // jti → expiry
	touches int                  // TouchToken calls
	err     error                // returned by the session calls when set
}

func (r *fakeTokens) TouchToken(_ context.Context, id string, at time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.touches++
	for i, t := range r.tokens {
		if t.ID == id {
			r.tokens[i].LastUsedAt = &at
			return nil
		}
	}
	return domain.ErrNotFound
}

func (r *fakeTokens) RevokeSession(_ context.Context, jti, _ string, expiresAt time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	if r.revoked == nil {
		r.revoked = map[string]time.Time{}
	}
	r.revoked[jti] = expiresAt
	return nil
}

func (r *fakeTokens) SessionRevoked(_ context.Context, jti string) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return false, r.err
	}
	_, ok := r.revoked[jti]
	return ok, nil
}

func (r *fakeTokens) PurgeRevokedSessions(_ context.Context, before time.Time) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return 0, r.err
	}
	var n int64
	for jti, exp := range r.revoked {
		if exp.Before(before) {
			delete(r.revoked, jti)
			n++
		}
	}
	return n, nil
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

// fakeSenders is a SenderRepository over fakeUsers: addresses unique
// across users, only verified ones route, a verification link consumed
// once by its owner before it expires.
type fakeSenders struct {
	mu    sync.Mutex
	users *fakeUsers
	byKey map[string]domain.SenderAddress // normalized e-mail → address
	err   error                           // returned by every call when set
}

func newFakeSenders(users *fakeUsers) *fakeSenders {
	return &fakeSenders{users: users, byKey: map[string]domain.SenderAddress{}}
}

func (f *fakeSenders) AddSender(_ context.Context, s domain.SenderAddress) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	s.Email = domain.NormalizeEmail(s.Email)
	if _, ok := f.byKey[s.Email]; ok {
		return domain.ErrConflict
	}
	f.byKey[s.Email] = s
	return nil
}

func (f *fakeSenders) VerifySender(_ context.Context, userID, email string, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.byKey[domain.NormalizeEmail(email)]
	if !ok || s.UserID != userID {
		return domain.ErrNotFound
	}
	s.VerifiedAt, s.VerifyHash = &at, ""
	f.byKey[s.Email] = s
	return nil
}

func (f *fakeSenders) ListSenders(_ context.Context, userID string) ([]domain.SenderAddress, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	var out []domain.SenderAddress
	for _, s := range f.byKey {
		if s.UserID == userID {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b domain.SenderAddress) int { return strings.Compare(a.Email, b.Email) })
	return out, nil
}

func (f *fakeSenders) UserBySender(ctx context.Context, email string) (*domain.User, error) {
	f.mu.Lock()
	s, ok := f.byKey[domain.NormalizeEmail(email)]
	f.mu.Unlock()
	if !ok || s.VerifiedAt == nil {
		return nil, domain.ErrNotFound
	}
	return f.users.GetUser(ctx, s.UserID)
}

func (f *fakeSenders) ConsumeSenderVerification(_ context.Context, userID, hash string, now time.Time) (*domain.SenderAddress, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, s := range f.byKey {
		if s.UserID == userID && hash != "" && s.VerifyHash == hash && s.VerifiedAt == nil && s.VerifyExpiresAt.After(now) {
			s.VerifiedAt, s.VerifyHash, s.VerifyExpiresAt = &now, "", time.Time{}
			f.byKey[k] = s
			return &s, nil
		}
	}
	return nil, domain.ErrNotFound
}

func (f *fakeSenders) RemoveSender(_ context.Context, userID, email string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := domain.NormalizeEmail(email)
	if s, ok := f.byKey[k]; !ok || s.UserID != userID {
		return domain.ErrNotFound
	}
	delete(f.byKey, k)
	return nil
}

// fakeSenderMailer records the sender verification links it was asked to
// send; fail makes sending fail.
type fakeSenderMailer struct {
	mu   sync.Mutex
	sent []sentVerification
	fail error
}

type sentVerification struct{ UserID, To, Link string }

func (m *fakeSenderMailer) SendSenderVerification(_ context.Context, u *domain.User, address, link string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.sent = append(m.sent, sentVerification{UserID: u.ID, To: address, Link: link})
	return nil
}

// last returns the secret of the last link sent to address.
func (m *fakeSenderMailer) secret(tb testing.TB, address string) string {
	tb.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.sent) - 1; i >= 0; i-- {
		if m.sent[i].To == address {
			_, secret, ok := strings.Cut(m.sent[i].Link, SenderVerifyPathPrefix)
			if !ok {
				tb.Fatalf("link %q has no %s", m.sent[i].Link, SenderVerifyPathPrefix)
			}
			return secret
		}
	}
	tb.Fatalf("no verification link sent to %s (sent %+v)", address, m.sent)
	return ""
}
