package web

import (
	"context"
	nethttp "net/http"
	"net/url"
	"testing"

	"github.com/bankflow/bankflow/application"
)

// freshSession signs email in once more and returns a new session JWT, as a
// second device would get.
func freshSession(t *testing.T, e *testEnv, email string) string {
	t.Helper()
	token, _, err := e.accounts.Login(context.Background(), application.LoginInput{Email: email, Password: "senha-forte-123"})
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return token
}

// wantRefused asserts that a session JWT no longer opens a page (303 to
// the sign-in page) nor the API (401).
func wantRefused(t *testing.T, e *testEnv, token string) {
	t.Helper()
	b := e.browser()
	b.cookies[sessionCookie] = token
	wantRedirect(t, b.get("/settings"), "/login?next=%2Fsettings")
	if rec := e.request(nethttp.MethodGet, "/api/v1/jobs", token, nil, ""); rec.Code != nethttp.StatusUnauthorized {
		t.Fatalf("API with the ended session: %d, want 401", rec.Code)
	}
}

// wantAccepted asserts that a session JWT still opens a page and the API.
func wantAccepted(t *testing.T, e *testEnv, token string) {
	t.Helper()
	b := e.browser()
	b.cookies[sessionCookie] = token
	if rec := b.get("/settings"); rec.Code != nethttp.StatusOK {
		t.Fatalf("page with a live session: %d, want 200", rec.Code)
	}
	if rec := e.request(nethttp.MethodGet, "/api/v1/jobs", token, nil, ""); rec.Code != nethttp.StatusOK {
		t.Fatalf("API with a live session: %d, want 200", rec.Code)
	}
}

func TestPageLogoutRevokesTheSessionEverywhere(t *testing.T) {
	e := newPageEnv(t)
	b, _ := e.signedIn("saida@example.com")
	stolen := b.cookies[sessionCookie] // a copy of the cookie taken before sign-out
	other := freshSession(t, e, "saida@example.com")

	wantRedirect(t, b.post("/logout", url.Values{}, true), "/login")
	wantRefused(t, e, stolen)
	wantAccepted(t, e, other) // signing out one browser leaves the others alone
}

func TestAPILogoutRevokesTheSession(t *testing.T) {
	e := newPageEnv(t)
	session, u := e.user("api-saida@example.com")
	other := freshSession(t, e, "api-saida@example.com")

	if rec := e.postJSON("/api/v1/auth/logout", session, ""); rec.Code != nethttp.StatusNoContent {
		t.Fatalf("logout: %d %s, want 204", rec.Code, rec.Body)
	}
	wantRefused(t, e, session)
	wantAccepted(t, e, other)
	if rec := e.postJSON("/api/v1/auth/logout", session, ""); rec.Code != nethttp.StatusUnauthorized {
		t.Fatalf("second logout with the ended session: %d, want 401", rec.Code)
	}

	e.setTier(u.ID, "professional")
	secret, _, err := e.accounts.CreateAPIToken(context.Background(), u.ID, "ERP")
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, e.postJSON("/api/v1/auth/logout", secret, ""), nethttp.StatusBadRequest, "invalid", "revogue")
	if rec := e.request(nethttp.MethodGet, "/api/v1/jobs", secret, nil, ""); rec.Code != nethttp.StatusOK {
		t.Fatalf("API token after a refused logout: %d, want 200", rec.Code)
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	e := newPageEnv(t)
	b, _ := e.signedIn("troca@example.com")
	before := b.cookies[sessionCookie]
	phone := freshSession(t, e, "troca@example.com")

	rec := b.post("/settings/password", url.Values{"current_password": {"senha-forte-123"},
		"new_password": {"senha-nova-456"}, "new_password_confirm": {"senha-nova-456"}}, true)
	wantRedirect(t, rec, "/settings?ok=password")
	after := b.cookies[sessionCookie]
	if after == "" || after == before {
		t.Fatal("the session that changed the password got no fresh cookie")
	}
	wantPage(t, b.get("/settings?ok=password"), nethttp.StatusOK, "Senha alterada.")
	wantAccepted(t, e, after)
	wantRefused(t, e, phone)
	wantRefused(t, e, before)
}
