package web

import (
	"bytes"
	"log/slog"
	nethttp "net/http"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/domain"
)

func TestSecurityHeadersAndRequestID(t *testing.T) {
	e := newTestEnv(t)
	rec := e.request("GET", "/health", "", nil, "")
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "same-origin",
	} {
		if got := rec.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP = %q", rec.Header().Get("Content-Security-Policy"))
	}
	if id := rec.Header().Get("X-Request-ID"); len(id) < 16 {
		t.Errorf("X-Request-ID = %q, want a generated id", id)
	}

	req := newRequest("GET", "/api/v1/jobs/x")
	req.Header.Set("X-Request-ID", "lb-1234")
	rec = serve(e.handler, req)
	if got := rec.Header().Get("X-Request-ID"); got != "lb-1234" {
		t.Errorf("X-Request-ID = %q, want the caller's", got)
	}
	if body := decode[errorBody](t, rec); body.Error.RequestID != "lb-1234" {
		t.Errorf("error request_id = %q, want lb-1234", body.Error.RequestID)
	}
	req = newRequest("GET", "/health")
	req.Header.Set("X-Request-ID", "bad id\nwith newline")
	if got := serve(e.handler, req).Header().Get("X-Request-ID"); strings.ContainsAny(got, " \n") {
		t.Errorf("unsafe X-Request-ID echoed: %q", got)
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	wantError(t, e.request("GET", "/api/v1/nope", token, nil, ""), nethttp.StatusNotFound, domain.CodeNotFound, "Endereço não encontrado")
	wantError(t, e.request("PUT", "/api/v1/jobs", token, nil, ""), nethttp.StatusMethodNotAllowed, domain.CodeInvalid, "Método não permitido")
	wantError(t, e.request("GET", "/api/v1/auth/login", "", nil, ""), nethttp.StatusMethodNotAllowed, domain.CodeInvalid, "Método não permitido")
}

func TestPanicBecomesJSON500(t *testing.T) {
	var logs bytes.Buffer
	s := NewServer(Deps{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	h := s.logRequests(s.recoverPanics(nethttp.HandlerFunc(func(nethttp.ResponseWriter, *nethttp.Request) {
		panic("boom: secret detail")
	})))
	rec := serve(requestID(h), newRequest("GET", "/api/v1/x"))
	wantError(t, rec, nethttp.StatusInternalServerError, domain.CodeInternal, "Erro interno")
	if strings.Contains(rec.Body.String(), "secret detail") {
		t.Errorf("500 leaks the panic: %s", rec.Body)
	}
	if !strings.Contains(logs.String(), "boom: secret detail") || !strings.Contains(logs.String(), "status=500") {
		t.Errorf("log lacks the panic or the 500 access line:\n%s", logs.String())
	}
}

func TestInternalErrorIsLoggedOnceAndHidden(t *testing.T) {
	var logs bytes.Buffer
	s := NewServer(Deps{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	rec := serve(requestID(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		s.renderError(w, r, errSQL)
	})), newRequest("GET", "/api/v1/x"))
	wantError(t, rec, nethttp.StatusInternalServerError, domain.CodeInternal, "Erro interno")
	if strings.Contains(rec.Body.String(), "pq:") {
		t.Errorf("500 leaks the cause: %s", rec.Body)
	}
	if n := strings.Count(logs.String(), "pq: relation"); n != 1 {
		t.Errorf("cause logged %d times, want once:\n%s", n, logs.String())
	}
}

var errSQL = &sqlError{}

type sqlError struct{}

func (*sqlError) Error() string { return `pq: relation "jobs" does not exist` }

func TestStatusOf(t *testing.T) {
	want := map[domain.Code]int{
		domain.CodeInvalid:      400,
		domain.CodeUnauthorized: 401,
		domain.CodeForbidden:    403,
		domain.CodeNotFound:     404,
		domain.CodeConflict:     409,
		domain.CodeQuota:        429,
		domain.CodeUnsupported:  415,
		domain.CodeUnavailable:  503,
		domain.CodeInternal:     500,
		domain.Code("weird"):    500,
	}
	for code, status := range want {
		if got := statusOf(code); got != status {
			t.Errorf("statusOf(%s) = %d, want %d", code, got, status)
		}
	}
}

func TestClientIP(t *testing.T) {
	req := newRequest("GET", "/")
	req.RemoteAddr = "10.0.0.5:1234"
	req.Header.Set("X-Forwarded-For", "203.0.113.9, 10.0.0.1")
	if got := (&Server{}).clientIP(req); got != "10.0.0.5" {
		t.Errorf("untrusted proxy: ip %q, want the peer", got)
	}
	if got := (&Server{trustXFF: true}).clientIP(req); got != "203.0.113.9" {
		t.Errorf("trusted proxy: ip %q, want the first forwarded", got)
	}
}
