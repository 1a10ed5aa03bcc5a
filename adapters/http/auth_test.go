package web

import (
	"context"
	nethttp "net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

type userEnvelope struct {
	User  userJSON `json:"user"`
	Token string   `json:"token"`
}

func TestRegister(t *testing.T) {
	e := newTestEnv(t)
	rec := e.postJSON("/api/v1/auth/register", "", `{"email":" Ana@Contabil.com.br ","password":"senha-forte-123","name":"Ana"}`)
	if rec.Code != nethttp.StatusCreated {
		t.Fatalf("status = %d, want 201; body %s", rec.Code, rec.Body)
	}
	got := decode[userEnvelope](t, rec).User
	if got.ID == "" || got.Email != "ana@contabil.com.br" || got.Name != "Ana" || got.Tier != string(domain.TierFree) {
		t.Errorf("user = %+v", got)
	}
	body := rec.Body.String()
	for _, secret := range []string{"argon2", "password", "hash", "inbox"} {
		if strings.Contains(strings.ToLower(body), secret) {
			t.Errorf("register answer leaks %q: %s", secret, body)
		}
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
}

func TestRegisterErrors(t *testing.T) {
	e := newTestEnv(t)
	e.user("taken@example.com")
	tests := []struct {
		name        string
		body        string
		contentType string
		status      int
		code        domain.Code
		message     string
	}{
		{"bad email", `{"email":"nope","password":"senha-forte-123","name":"A"}`, "application/json", 400, domain.CodeInvalid, "E-mail inválido"},
		{"short password", `{"email":"a@b.com","password":"123","name":"A"}`, "application/json", 400, domain.CodeInvalid, "pelo menos 8 caracteres"},
		{"email taken", `{"email":"TAKEN@example.com","password":"senha-forte-123","name":"A"}`, "application/json", 409, domain.CodeConflict, "e-mail"},
		{"broken json", `{"email":`, "application/json", 400, domain.CodeInvalid, "JSON válido"},
		{"two json values", `{} {}`, "application/json", 400, domain.CodeInvalid, "JSON válido"},
		{"form instead of json", `email=a@b.com`, "application/x-www-form-urlencoded", 415, domain.CodeUnsupported, "application/json"},
		{"huge body", `{"name":"` + strings.Repeat("a", 2<<20) + `"}`, "application/json", 413, domain.CodeInvalid, "grande demais"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.request(nethttp.MethodPost, "/api/v1/auth/register", "", strings.NewReader(tt.body), tt.contentType)
			wantError(t, rec, tt.status, tt.code, tt.message)
		})
	}
}

func TestLogin(t *testing.T) {
	e := newTestEnv(t)
	_, u := e.user("bia@example.com")

	rec := e.postJSON("/api/v1/auth/login", "", `{"email":"BIA@example.com","password":"senha-forte-123"}`)
	if rec.Code != nethttp.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
	}
	got := decode[userEnvelope](t, rec)
	if got.Token == "" || got.User.ID != u.ID {
		t.Fatalf("login answer = %+v", got)
	}
	// The token opens the API.
	if rec := e.request(nethttp.MethodGet, "/api/v1/jobs", got.Token, nil, ""); rec.Code != nethttp.StatusOK {
		t.Errorf("GET /jobs with the new token: status %d: %s", rec.Code, rec.Body)
	}
}

func TestLoginFailuresLookAlike(t *testing.T) {
	e := newTestEnv(t)
	e.user("bia@example.com")
	for name, body := range map[string]string{
		"wrong password": `{"email":"bia@example.com","password":"errada-errada"}`,
		"unknown email":  `{"email":"ninguem@example.com","password":"senha-forte-123"}`,
	} {
		t.Run(name, func(t *testing.T) {
			rec := e.postJSON("/api/v1/auth/login", "", body)
			wantError(t, rec, nethttp.StatusUnauthorized, domain.CodeUnauthorized, "E-mail ou senha incorretos.")
			if rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

// fakeLimiter allows max attempts per key.
type fakeLimiter struct {
	mu    sync.Mutex
	max   int
	seen  map[string]int
	calls []string
}

func (l *fakeLimiter) Allow(_ context.Context, key string) (bool, time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen[key]++
	l.calls = append(l.calls, key)
	return l.seen[key] <= l.max, 90 * time.Second, nil
}

func (l *fakeLimiter) Reset(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.seen, key)
	return nil
}

func TestLoginRateLimitCountsOnlyFailures(t *testing.T) {
	lim := &fakeLimiter{max: 2, seen: map[string]int{}}
	e := newTestEnv(t, func(d *Deps) { d.Limiter = lim })
	e.user("caio@example.com")
	good := `{"email":"caio@example.com","password":"senha-forte-123"}`
	for i := 0; i < 4; i++ {
		if rec := e.postJSON("/api/v1/auth/login", "", good); rec.Code != nethttp.StatusOK {
			t.Fatalf("successful sign-in %d got %d: successes must not use up the limit", i+1, rec.Code)
		}
	}
}

func TestLoginRateLimit(t *testing.T) {
	lim := &fakeLimiter{max: 2, seen: map[string]int{}}
	e := newTestEnv(t, func(d *Deps) { d.Limiter = lim })
	e.user("bia@example.com")

	wrong := `{"email":"Bia@example.com","password":"errada-errada"}`
	for i := 0; i < 2; i++ {
		wantError(t, e.postJSON("/api/v1/auth/login", "", wrong), 401, domain.CodeUnauthorized, "incorretos")
	}
	rec := e.postJSON("/api/v1/auth/login", "", `{"email":"bia@example.com","password":"senha-forte-123"}`)
	wantError(t, rec, nethttp.StatusTooManyRequests, domain.CodeQuota, "Muitas tentativas de login")
	if ra := rec.Header().Get("Retry-After"); ra != "90" {
		t.Errorf("Retry-After = %q, want 90", ra)
	}
	if want := "192.0.2.1|bia@example.com"; lim.calls[0] != want {
		t.Errorf("limiter key = %q, want %q (ip|normalized e-mail)", lim.calls[0], want)
	}
	// Another e-mail from the same IP is a different key.
	if rec := e.postJSON("/api/v1/auth/login", "", `{"email":"outra@example.com","password":"x"}`); rec.Code != nethttp.StatusUnauthorized {
		t.Errorf("other e-mail: status %d, want 401", rec.Code)
	}
}

func TestAuthRequired(t *testing.T) {
	e := newTestEnv(t)
	routes := []struct{ method, path string }{
		{"POST", "/api/v1/statements"},
		{"GET", "/api/v1/jobs"},
		{"GET", "/api/v1/jobs/x"},
		{"DELETE", "/api/v1/jobs/x"},
		{"GET", "/api/v1/jobs/x/transactions"},
		{"GET", "/api/v1/jobs/x/export?format=csv"},
	}
	for _, rt := range routes {
		for name, header := range map[string]string{
			"no header":     "",
			"basic auth":    "Basic YTpi",
			"empty bearer":  "Bearer ",
			"garbage token": "Bearer not-a-jwt",
			"forged api":    "Bearer bf_forged",
		} {
			t.Run(rt.method+" "+rt.path+" "+name, func(t *testing.T) {
				req := newRequest(rt.method, rt.path)
				if header != "" {
					req.Header.Set("Authorization", header)
				}
				rec := serve(e.handler, req)
				wantError(t, rec, nethttp.StatusUnauthorized, domain.CodeUnauthorized, "")
			})
		}
	}
}

func TestDeactivatedUserLosesAccessAtOnce(t *testing.T) {
	e := newTestEnv(t)
	token, u := e.user("bia@example.com")
	e.store.mu.Lock()
	e.store.users[u.ID].Active = false
	e.store.mu.Unlock()
	rec := e.request(nethttp.MethodGet, "/api/v1/jobs", token, nil, "")
	wantError(t, rec, nethttp.StatusUnauthorized, domain.CodeUnauthorized, "desativada")
}

func TestAPITokenNeedsPlanWithAPI(t *testing.T) {
	e := newTestEnv(t)
	_, u := e.user("bia@example.com")
	e.setTier(u.ID, domain.TierProfessional)
	secret, _, err := e.accounts.CreateAPIToken(context.Background(), u.ID, "erp")
	if err != nil {
		t.Fatal(err)
	}
	e.setTier(u.ID, domain.TierFree) // downgraded: the token stops working
	wantError(t, e.request("GET", "/api/v1/jobs", secret, nil, ""), nethttp.StatusForbidden, domain.CodeForbidden, "plano")

	e.setTier(u.ID, domain.TierProfessional)
	if rec := e.request("GET", "/api/v1/jobs", secret, nil, ""); rec.Code != nethttp.StatusOK {
		t.Fatalf("professional plan API token: status %d: %s", rec.Code, rec.Body)
	}
	// An upload through an API token is counted as the API channel.
	rec := e.upload(secret, "extrato.ofx", sampleOFX("api"))
	if rec.Code != nethttp.StatusAccepted {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	if src := decode[jobEnvelope](t, rec).Job.Source; src != domain.SourceAPI {
		t.Errorf("source = %q, want api", src)
	}
}
