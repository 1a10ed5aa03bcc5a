package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// testEnv is the HTTP adapter over the real application services, whose
// ports are in-memory fakes.
type testEnv struct {
	tb       testing.TB
	store    *memStore
	files    *memFiles
	queue    *memQueue
	accounts *application.Accounts
	jobs     *application.Jobs
	metrics  *Metrics
	handler  nethttp.Handler
	mail     *mailWorld // the e-mail settings' fakes, when wired (withEmail)
}

// envOption adjusts the dependencies before the server is built.
type envOption func(*Deps)

func newTestEnv(tb testing.TB, opts ...envOption) *testEnv {
	tb.Helper()
	e := &testEnv{tb: tb, store: newMemStore(), files: newMemFiles(), queue: &memQueue{}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.accounts = application.NewAccounts(e.store, e.store, e.store, application.AccountsConfig{
		JWTSecret: []byte("test-secret-test-secret-test-secret-0123"),
	}, log)
	e.metrics = NewMetrics(MetricsConfig{QueueDepth: e.queue.Depth, Log: log})
	e.jobs = application.NewJobs(application.JobsDeps{
		Jobs:         e.store,
		Transactions: e.store,
		Users:        e.store,
		Files:        e.files,
		Queue:        e.queue,
		Statements:   newTestStatements(),
		Audit:        e.store,
		Log:          log,
		Metrics:      e.metrics,
	})
	deps := Deps{Accounts: e.accounts, Jobs: e.jobs, Metrics: e.metrics, Log: log}
	for _, o := range opts {
		o(&deps)
	}
	e.handler = NewServer(deps).Handler()
	return e
}

// sessions caches, per e-mail, a user registered and signed in through the
// real Accounts service, so each e-mail costs Argon2id only once per test
// binary: every env shares the JWT secret, and a later env gets the same
// user row (same id) and so the same valid session token.
var sessions = struct {
	sync.Mutex
	m map[string]cachedSession
}{m: map[string]cachedSession{}}

type cachedSession struct {
	user  domain.User
	token string
}

// user gives the env an account for email, on the free plan, and returns a
// session token obtained by signing in.
func (e *testEnv) user(email string) (token string, u *domain.User) {
	e.tb.Helper()
	sessions.Lock()
	defer sessions.Unlock()
	ctx := context.Background()
	if c, ok := sessions.m[email]; ok {
		row := c.user
		if err := e.store.CreateUser(ctx, &row); err != nil {
			e.tb.Fatal(err)
		}
		return c.token, &row
	}
	reg, err := e.accounts.Register(ctx, application.RegisterInput{Email: email, Password: "senha-forte-123", Name: "Contadora"})
	if err != nil {
		e.tb.Fatalf("register %s: %v", email, err)
	}
	token, _, err = e.accounts.Login(ctx, application.LoginInput{Email: email, Password: "senha-forte-123"})
	if err != nil {
		e.tb.Fatalf("login %s: %v", email, err)
	}
	row, err := e.store.GetUser(ctx, reg.ID)
	if err != nil {
		e.tb.Fatal(err)
	}
	sessions.m[email] = cachedSession{user: *row, token: token}
	return token, row
}

// setTier moves a user to another plan.
func (e *testEnv) setTier(id string, t domain.Tier) {
	e.tb.Helper()
	e.store.mu.Lock()
	defer e.store.mu.Unlock()
	e.store.users[id].Tier = t
}

// request sends one request through the full handler.
func (e *testEnv) request(method, target, token string, body io.Reader, contentType string) *httptest.ResponseRecorder {
	e.tb.Helper()
	req := httptest.NewRequest(method, target, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}

func (e *testEnv) postJSON(target, token, body string) *httptest.ResponseRecorder {
	e.tb.Helper()
	return e.request(nethttp.MethodPost, target, token, strings.NewReader(body), "application/json")
}

// upload posts content as the multipart field "file".
func (e *testEnv) upload(token, filename string, content []byte) *httptest.ResponseRecorder {
	e.tb.Helper()
	body, ct := multipartBody(e.tb, "file", filename, content)
	return e.request(nethttp.MethodPost, "/api/v1/statements", token, body, ct)
}

func multipartBody(tb testing.TB, field, filename string, content []byte) (*bytes.Buffer, string) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile(field, filename)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := fw.Write(content); err != nil {
		tb.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

// completedJob uploads content and processes the job, returning its id.
func (e *testEnv) completedJob(token, filename string, content []byte) string {
	e.tb.Helper()
	rec := e.upload(token, filename, content)
	if rec.Code != nethttp.StatusAccepted {
		e.tb.Fatalf("upload: status %d: %s", rec.Code, rec.Body)
	}
	id := decode[jobEnvelope](e.tb, rec).Job.ID
	if err := e.jobs.Process(context.Background(), id); err != nil {
		e.tb.Fatalf("process %s: %v", id, err)
	}
	return id
}

type jobEnvelope struct {
	Job       jobJSON `json:"job"`
	Duplicate bool    `json:"duplicate"`
}

// decode parses the JSON body of rec into T.
func decode[T any](tb testing.TB, rec *httptest.ResponseRecorder) T {
	tb.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		tb.Fatalf("decode %T from %q: %v", v, rec.Body.String(), err)
	}
	return v
}

// wantError asserts an error answer: status, the JSON shape, its stable
// code and a message in Portuguese containing fragment.
func wantError(tb testing.TB, rec *httptest.ResponseRecorder, status int, code domain.Code, fragment string) {
	tb.Helper()
	if rec.Code != status {
		tb.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Fatalf("Content-Type = %q, want JSON", ct)
	}
	var body struct {
		Error *struct {
			Code    domain.Code `json:"code"`
			Message string      `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error == nil {
		tb.Fatalf("error body %q is not {\"error\": {...}}: %v", rec.Body, err)
	}
	if body.Error.Code != code {
		tb.Errorf("error code = %q, want %q (message %q)", body.Error.Code, code, body.Error.Message)
	}
	if !strings.Contains(body.Error.Message, fragment) {
		tb.Errorf("error message = %q, want it to contain %q", body.Error.Message, fragment)
	}
}

// sampleOFX is a statement our fake reader accepts; its content makes each
// upload unique so duplicates are only the ones a test intends.
func sampleOFX(tag string) []byte {
	return []byte(fmt.Sprintf("OFXHEADER:100\n<OFX>%s</OFX>\n", tag))
}

func newRequest(method, target string) *nethttp.Request {
	return httptest.NewRequest(method, target, nil)
}

func serve(h nethttp.Handler, req *nethttp.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func (e *testEnv) setTierByEmail(email string, t domain.Tier) {
	e.tb.Helper()
	u, err := e.store.GetUserByEmail(context.Background(), email)
	if err != nil {
		e.tb.Fatal(err)
	}
	e.setTier(u.ID, t)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
