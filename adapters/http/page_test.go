package web

import (
	"context"
	"errors"
	nethttp "net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bankflow/bankflow/domain"
	"github.com/bankflow/bankflow/static"
	"github.com/bankflow/bankflow/templates"
)

func TestTemplatesParse(t *testing.T) {
	a, err := newAssets(static.FS)
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRenderer(templates.FS, a)
	if err != nil {
		t.Fatalf("embedded templates: %v", err)
	}
	for _, p := range allPages {
		if r.pages[p].Lookup(layoutTemplate) == nil || r.pages[p].Lookup("content") == nil {
			t.Errorf("page %s lacks the layout or its content", p)
		}
	}
	for _, frag := range []struct{ page, name string }{
		{tplDashboard, fragJobRow}, {tplJob, fragTxPanel}, {tplJob, fragProgress}, {tplSearch, fragSearch}, {tplError, fragError},
	} {
		if r.pages[frag.page].Lookup(frag.name) == nil {
			t.Errorf("fragment %s missing from page %s", frag.name, frag.page)
		}
	}

	broken := fstest.MapFS{
		"layouts/base.html":    {Data: []byte(`{{define "layout"}}{{template "content" .}}{{end}}`)},
		"partials/x.html":      {Data: []byte(`{{define "x"}}{{end}}`)},
		"pages/dashboard.html": {Data: []byte(`{{define "content"}}{{if .User}}unclosed{{end}}`)},
	}
	if _, err := newRenderer(broken, a); err == nil {
		t.Error("a template with an unclosed action parsed")
	}
	missing := fstest.MapFS{
		"layouts/base.html": {Data: []byte(`{{define "layout"}}{{end}}`)},
		"partials/x.html":   {Data: []byte(`{{define "x"}}{{end}}`)},
		"pages/login.html":  {Data: []byte(`{{define "content"}}{{end}}`)},
	}
	if _, err := newRenderer(missing, a); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing pages: err = %v", err)
	}
}

func TestPrivatePagesRedirectAnonymousToLogin(t *testing.T) {
	e := newPageEnv(t)
	b := e.browser()
	for path, want := range map[string]string{
		"/":                  "/login",
		"/upload":            "/login?next=%2Fupload",
		"/jobs/abc":          "/login?next=%2Fjobs%2Fabc",
		"/jobs/abc/row":      "/login?next=%2Fjobs%2Fabc%2Frow",
		"/search?q=pix":      "/login?next=%2Fsearch%3Fq%3Dpix",
		"/settings":          "/login?next=%2Fsettings",
		"/jobs/abc/download": "/login?next=%2Fjobs%2Fabc%2Fdownload",
	} {
		wantRedirect(t, b.get(path), want)
	}
	// A session that no longer authenticates is cleared and sent to login.
	b.cookies[sessionCookie] = "not-a-jwt"
	rec := b.get("/settings")
	wantRedirect(t, rec, "/login?next=%2Fsettings")
	if _, ok := b.cookies[sessionCookie]; ok {
		t.Error("invalid session cookie kept")
	}
	// htmx polling without a session moves the whole page to login.
	rec = b.do("GET", "/jobs/abc/row", nil, map[string]string{"HX-Request": "true", "HX-Current-URL": "http://x/upload"})
	if rec.Code != nethttp.StatusUnauthorized || rec.Header().Get("HX-Redirect") != "/login?next=%2Fupload" {
		t.Errorf("htmx: %d HX-Redirect %q", rec.Code, rec.Header().Get("HX-Redirect"))
	}
	// POST without a session: to login, nothing done.
	wantRedirect(t, b.post("/logout", url.Values{}, false), "/login")
}

func TestDeactivatedUserIsOutAtOnce(t *testing.T) {
	e := newPageEnv(t)
	b, u := e.signedIn("inativa@example.com")
	wantPage(t, b.get("/"), 200, "Painel")
	e.store.mu.Lock()
	e.store.users[u.ID].Active = false
	e.store.mu.Unlock()
	wantRedirect(t, b.get("/"), "/login")
}

func TestLoginPage(t *testing.T) {
	e := newPageEnv(t)
	e.user("login@example.com")
	b := e.browser()
	rec := b.get("/login?next=/search")
	wantPage(t, rec, 200, `id="login-form"`, `name="email"`, `name="password"`, `type="submit"`, `name="csrf_token"`,
		`value="/search"`, `<html lang="pt-BR"`, "Entrar")
	if b.cookies[csrfCookie] == "" {
		t.Fatal("GET /login set no bf_csrf cookie")
	}
	form := url.Values{"email": {"login@example.com"}, "password": {"senha-forte-123"}, "next": {"/search"}}

	rec = b.post("/login", form, false)
	wantPage(t, rec, nethttp.StatusForbidden, `id="form-error"`, "token de segurança")
	if _, ok := b.cookies[sessionCookie]; ok {
		t.Fatal("signed in without a CSRF token")
	}

	bad := url.Values{"email": {"login@example.com"}, "password": {"errada-123"}}
	wantPage(t, b.post("/login", bad, true), nethttp.StatusUnauthorized, "E-mail ou senha incorretos")

	rec = b.post("/login", form, true)
	wantRedirect(t, rec, "/search")
	var session *nethttp.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != nethttp.SameSiteLaxMode || session.Path != "/" || session.Secure {
		t.Fatalf("session cookie = %+v", session)
	}
	wantPage(t, b.get("/"), 200, "Painel")
	// Signed in, /login moves on.
	wantRedirect(t, b.get("/login?next=//evil.example"), "/")
}

func TestSessionCookieSecureBehindTLSProxy(t *testing.T) {
	e := newPageEnv(t)
	e.user("tls@example.com")
	b := e.browser()
	b.get("/login")
	form := url.Values{"email": {"tls@example.com"}, "password": {"senha-forte-123"}, csrfField: {b.csrf()}}
	rec := b.do("POST", "/login", strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Proto": "https"})
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie && !c.Secure {
			t.Error("session cookie not Secure behind https")
		}
	}
}

// denyLimiter refuses every attempt.
type denyLimiter struct{}

func (denyLimiter) Allow(context.Context, string) (bool, time.Duration, error) {
	return false, 90 * time.Second, nil
}

func (denyLimiter) Reset(context.Context, string) error { return nil }

func TestLoginRateLimitedPage(t *testing.T) {
	e := newPageEnv(t, func(d *Deps) { d.Limiter = denyLimiter{} })
	b := e.browser()
	b.get("/login")
	rec := b.post("/login", url.Values{"email": {"x@example.com"}, "password": {"qualquer"}}, true)
	wantPage(t, rec, nethttp.StatusTooManyRequests, `id="form-error"`, "Muitas tentativas")
	if rec.Header().Get("Retry-After") != "90" {
		t.Errorf("Retry-After = %q", rec.Header().Get("Retry-After"))
	}
}

func TestSignupPage(t *testing.T) {
	e := newPageEnv(t)
	b := e.browser()
	wantPage(t, b.get("/signup"), 200, `id="signup-form"`, `name="name"`, `name="email"`, `name="password"`, `name="password_confirm"`)
	form := url.Values{"name": {"Carla"}, "email": {"carla@example.com"}, "password": {"senha-forte-9"}, "password_confirm": {"outra-senha-9"}}
	wantPage(t, b.post("/signup", form, true), nethttp.StatusBadRequest, "As senhas não conferem")
	form.Set("password_confirm", "senha-forte-9")
	wantPage(t, b.post("/signup", form, false), nethttp.StatusForbidden, "token de segurança")
	wantRedirect(t, b.post("/signup", form, true), "/")
	wantPage(t, b.get("/"), 200, "Olá, Carla")
	// The same e-mail again.
	other := e.browser()
	other.get("/signup")
	wantPage(t, other.post("/signup", form, true), nethttp.StatusConflict, "já está cadastrado")
}

func TestLogout(t *testing.T) {
	e := newPageEnv(t)
	b, _ := e.signedIn("sair@example.com")
	id := b.jobOf(e, "extrato.ofx", sampleOFX("logout"))
	wantPage(t, b.get("/"), 200, `id="logout-form"`, `action="/logout"`)
	wantPage(t, b.post("/logout", url.Values{}, false), nethttp.StatusForbidden, "token de segurança")
	rec := b.post("/logout", url.Values{}, true)
	wantRedirect(t, rec, "/login")
	cleared := false
	for _, c := range rec.Result().Cookies() {
		cleared = cleared || (c.Name == sessionCookie && c.MaxAge < 0 && c.Value == "")
	}
	if !cleared {
		t.Fatal("logout did not clear the session cookie")
	}
	wantRedirect(t, b.get("/jobs/"+id), "/login?next=%2Fjobs%2F"+id)
}

func TestDashboardPage(t *testing.T) {
	e := newPageEnv(t)
	b, _ := e.signedIn("painel@example.com")
	rec := b.get("/")
	wantPage(t, rec, 200, `id="usage"`, "0 <span", "de 20 arquivos", `id="upload-cta"`, `href="/upload"`, "Nenhum extrato enviado")
	done := b.jobOf(e, "janeiro.ofx", sampleOFX("dash-1"))
	failed := b.jobOf(e, "foto.jpg", []byte("JPEG..."))
	queued := b.upload("fevereiro.ofx", sampleOFX("dash-2"), true)
	if queued.Code != nethttp.StatusAccepted {
		t.Fatalf("upload: %d", queued.Code)
	}
	rec = b.get("/")
	wantPage(t, rec, 200, `id="jobs"`, "3 <span", "Restam 17 envios",
		`data-job-id="`+done+`" data-status="completed"`, "Concluído", "Saldo conferido",
		`data-job-id="`+failed+`" data-status="failed"`, "Falhou", "Formato de arquivo não reconhecido",
		`data-status="queued"`, "Na fila", `hx-trigger="every 1s"`, "Itaú", "janeiro.ofx")
	if n := countRows(t, rec.Body.String(), "jobs"); n != 3 {
		t.Errorf("%d job rows, want 3", n)
	}
	// Another user's jobs are not listed.
	other, _ := e.signedIn("outro-painel@example.com")
	if strings.Contains(other.get("/").Body.String(), done) {
		t.Error("another user's job on the dashboard")
	}
}

func TestUploadPageAndSubmit(t *testing.T) {
	e := newPageEnv(t)
	b, _ := e.signedIn("envio@example.com")
	wantPage(t, b.get("/upload"), 200, `id="dropzone"`, `id="file-input"`, `type="file"`, "multiple", `name="file"`,
		`data-max-bytes="5242880"`, `id="upload-jobs"`, `x-data="uploader"`, "5 MB")

	wantPage(t, b.upload("a.ofx", sampleOFX("up"), false), nethttp.StatusForbidden, `class="error-message`, "token de segurança")

	rec := b.upload("a.ofx", sampleOFX("up"), true)
	wantPage(t, rec, nethttp.StatusAccepted, `data-status="queued"`, `hx-get="/jobs/`, `hx-trigger="every 1s"`, `hx-swap="outerHTML"`,
		`aria-live="polite"`, "Na fila", "a.ofx")
	if strings.Contains(rec.Body.String(), "<html") {
		t.Error("upload answered a whole page, want the row")
	}
	id := regexp.MustCompile(`data-job-id="([^"]+)"`).FindStringSubmatch(rec.Body.String())[1]

	dup := b.upload("copia.ofx", sampleOFX("up"), true)
	wantPage(t, dup, nethttp.StatusOK, `data-job-id="`+id+`"`)
	if dup.Header().Get("X-Duplicate") != "true" {
		t.Error("duplicate not flagged")
	}

	big := make([]byte, 6<<20)
	copy(big, "OFXHEADER")
	wantPage(t, b.upload("grande.ofx", big, true), nethttp.StatusRequestEntityTooLarge, "error-message")
}

func TestJobRowPolling(t *testing.T) {
	e := newPageEnv(t)
	b, _ := e.signedIn("linha@example.com")
	rec := b.upload("a.ofx", sampleOFX("row"), true)
	id := regexp.MustCompile(`data-job-id="([^"]+)"`).FindStringSubmatch(rec.Body.String())[1]
	wantPage(t, b.htmx("/jobs/"+id+"/row", "job-"+id), 200, `data-status="queued"`, `hx-trigger="every 1s"`)
	if err := e.jobs.Process(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	rec = b.htmx("/jobs/"+id+"/row", "job-"+id)
	wantPage(t, rec, 200, `data-status="completed"`, `class="result-link`, `href="/jobs/`+id+`"`, "Concluído", "2</td>")
	if strings.Contains(rec.Body.String(), "hx-trigger") {
		t.Error("a final row keeps polling")
	}
	other, _ := e.signedIn("outra-linha@example.com")
	wantPage(t, other.get("/jobs/"+id+"/row"), nethttp.StatusNotFound, "não encontrado")
}

func TestJobPage(t *testing.T) {
	e := newPageEnv(t)
	b, _ := e.signedIn("resultado@example.com")
	id := b.jobOf(e, "marco.csv", bulk(120, "page"))
	rec := b.get("/jobs/" + id)
	wantPage(t, rec, 200, "marco.csv", "Bradesco", "1234 / 98765-4", "01/03/2024 a 28/03/2024",
		"R$ 10.000,00", `id="balance-badge" class="badge-ok" data-status="balanced">Saldo conferido`,
		`id="rows"`, `data-row-kind="transaction">120`, `data-row-kind="header">1`, `data-row-kind="ignored">1`,
		`data-row-kind="rejected">1`, "Valor ilegível", "Linha de total",
		`id="warnings"`, "Uma linha foi rejeitada.", `id="tx-count">120`, `id="transactions"`,
		`data-format="xlsx" href="/jobs/`+id+`/download?format=xlsx"`, `data-format="csv"`, `data-format="ofx"`, `data-format="json"`,
		"Mostrando 1–50 de 120", "Página 1 de 3", "PAGAMENTO 1<", "-R$ 2,00")
	if n := countRows(t, rec.Body.String(), "transactions"); n != 50 {
		t.Errorf("%d rows on page 1, want 50", n)
	}

	// HTMX paging, sorting and filtering answer only the panel.
	rec = b.htmx("/jobs/"+id+"?page=3", fragTxPanel)
	wantPage(t, rec, 200, `id="transactions-panel"`, "Mostrando 101–120 de 120", "PAGAMENTO 120<")
	if strings.Contains(rec.Body.String(), "<html") || countRows(t, rec.Body.String(), "transactions") != 20 {
		t.Errorf("page 3 fragment wrong:\n%s", clip(rec.Body.String()))
	}
	rec = b.htmx("/jobs/"+id+"?sort=-amount&size=5", fragTxPanel)
	wantPage(t, rec, 200, "PAGAMENTO 119<", "R$ 119,00")
	if first := regexp.MustCompile(`PAGAMENTO \d+`).FindString(rec.Body.String()); first != "PAGAMENTO 119" {
		t.Errorf("largest first: got %s", first)
	}
	rec = b.htmx("/jobs/"+id+"?min=100,00&max=110&q=pagamento", fragTxPanel)
	wantPage(t, rec, 200, "Mostrando 1–5 de 5") // 101, 103, ..., 109: odd ones are credits
	rec = b.htmx("/jobs/"+id+"?min=abc", fragTxPanel)
	wantPage(t, rec, 200, "Valor mínimo inválido", "de 120")
	rec = b.htmx("/jobs/"+id+"?min=5&max=1", fragTxPanel)
	wantPage(t, rec, 200, "O valor mínimo é maior que o máximo")

	other, _ := e.signedIn("intruso@example.com")
	rec = other.get("/jobs/" + id)
	wantPage(t, rec, nethttp.StatusNotFound, "Processamento não encontrado", `lang="pt-BR"`)
	if strings.Contains(rec.Body.String(), "marco.csv") {
		t.Error("404 page leaks the job")
	}
}

func TestJobPageMismatchFailedAndPending(t *testing.T) {
	e := newPageEnv(t)
	b, _ := e.signedIn("estados@example.com")
	failed := b.jobOf(e, "foto.jpg", []byte("JPEG"))
	wantPage(t, b.get("/jobs/"+failed), 200, `id="job-error"`, "Formato de arquivo não reconhecido", "O que fazer", "Falhou")

	rec := b.upload("pendente.ofx", sampleOFX("pend"), true)
	pending := regexp.MustCompile(`data-job-id="([^"]+)"`).FindStringSubmatch(rec.Body.String())[1]
	wantPage(t, b.get("/jobs/"+pending), 200, `id="job-progress"`, `hx-trigger="every 1s"`, "Na fila")
	if r := b.htmx("/jobs/"+pending, fragProgress); r.Header().Get("HX-Refresh") != "" {
		t.Error("refresh asked while still queued")
	}
	_ = e.jobs.Process(context.Background(), pending)
	if r := b.htmx("/jobs/"+pending, fragProgress); r.Header().Get("HX-Refresh") != "true" {
		t.Error("no refresh once final")
	}

	badge := reconBadge(domain.ReconMismatch, -1234, domain.Date{Year: 2024, Month: 1, Day: 5})
	if badge.State != "mismatch" || badge.Text != "Saldo divergente: diferença -R$ 12,34, quebra em 05/01/2024" {
		t.Errorf("mismatch badge = %+v", badge)
	}
	if b := reconBadge(domain.ReconUnknown, 0, domain.Date{}); b.State != "unknown" || b.Text != "Sem saldos para conferir" {
		t.Errorf("unknown badge = %+v", b)
	}
}

func TestJobDownloadAndDelete(t *testing.T) {
	e := newPageEnv(t)
	b, _ := e.signedIn("baixar@example.com")
	id := b.jobOf(e, "Extrato Itaú.ofx", sampleOFX("dl"))
	rec := b.get("/jobs/" + id + "/download?format=csv")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "csv 2024-01-02 -150.00") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "Extrato_Itau.csv") {
		t.Fatalf("download: %d %q %q", rec.Code, rec.Header().Get("Content-Disposition"), rec.Body)
	}
	wantPage(t, b.get("/jobs/"+id+"/download?format=pdf"), nethttp.StatusBadRequest, "Formato de exportação desconhecido")

	other, _ := e.signedIn("nao-baixa@example.com")
	wantPage(t, other.post("/jobs/"+id+"/delete", url.Values{}, true), nethttp.StatusNotFound, "não encontrado")
	wantPage(t, b.post("/jobs/"+id+"/delete", url.Values{}, false), nethttp.StatusForbidden, "token de segurança")
	wantRedirect(t, b.post("/jobs/"+id+"/delete", url.Values{}, true), "/?ok=deleted")
	wantPage(t, b.get("/jobs/"+id), nethttp.StatusNotFound)
}

func TestSearchPage(t *testing.T) {
	e := newPageEnv(t)
	b, _ := e.signedIn("busca@example.com")
	job := b.jobOf(e, "itau.ofx", sampleOFX("search"))
	b.jobOf(e, "bulk.csv", bulk(30, "search"))
	other, _ := e.signedIn("busca-outro@example.com")
	other.jobOf(e, "outro.ofx", sampleOFX("search-other"))

	wantPage(t, b.get("/search"), 200, `id="search-form"`, `name="q"`, `name="min"`, `name="max"`, `name="from"`, `name="to"`, "Digite uma palavra")
	rec := b.get("/search?q=pix")
	wantPage(t, rec, 200, `id="search-results"`, "1 transação encontrada", "PIX ENVIADO JOAO", "-R$ 150,00", `href="/jobs/`+job+`"`)
	if n := countRows(t, rec.Body.String(), "search-results"); n != 1 {
		t.Errorf("%d hits, want 1 (only the user's own)", n)
	}
	rec = b.get("/search?min=-1.000,00&max=-0,10&from=01/03/2024&to=2024-03-31")
	wantPage(t, rec, 200, "15 transações encontradas")
	wantPage(t, b.get("/search?min=um"), nethttp.StatusBadRequest, "Valor mínimo inválido")
	wantPage(t, b.get("/search?from=2024-13-40"), nethttp.StatusBadRequest, "Data inicial inválida")
	rec = b.htmx("/search?q=pagamento", fragSearch)
	wantPage(t, rec, 200, `id="search-panel"`, "30 transações encontradas")
	if strings.Contains(rec.Body.String(), "<html") {
		t.Error("htmx search answered a whole page")
	}
}

func TestSettingsPage(t *testing.T) {
	e := newPageEnv(t)
	b, u := e.signedIn("config@example.com")
	wantPage(t, b.get("/settings"), 200, `id="profile-form"`, `id="password-form"`, `name="current_password"`,
		`name="new_password"`, `name="new_password_confirm"`, `id="token-form"`, "Nenhum token criado", "config@example.com")

	wantPage(t, b.post("/settings/profile", url.Values{"name": {"Dona Contadora"}}, false), nethttp.StatusForbidden)
	wantRedirect(t, b.post("/settings/profile", url.Values{"name": {"Dona Contadora"}, "company": {"Escritório X"}}, true), "/settings?ok=profile")
	wantPage(t, b.get("/settings?ok=profile"), 200, "Perfil atualizado.", `value="Dona Contadora"`, `value="Escritório X"`)
	wantPage(t, b.post("/settings/profile", url.Values{"name": {"  "}}, true), nethttp.StatusBadRequest, `id="profile-error"`, "Informe seu nome")

	// Password: confirmation, current password (no Argon2 for these two
	// beyond the one check).
	wantPage(t, b.post("/settings/password", url.Values{"current_password": {"x"}, "new_password": {"nova-senha-1"}, "new_password_confirm": {"nova-senha-2"}}, true),
		nethttp.StatusBadRequest, `id="password-error"`, "não conferem")
	wantPage(t, b.post("/settings/password", url.Values{"current_password": {"errada"}, "new_password": {"nova-senha-1"}, "new_password_confirm": {"nova-senha-1"}}, true),
		nethttp.StatusBadRequest, "A senha atual está incorreta")

	// Free plan: no API.
	wantPage(t, b.post("/settings/tokens", url.Values{"name": {"ERP"}}, true), nethttp.StatusForbidden, `id="token-error"`, "não está incluído no plano Gratuito")

	e.setTier(u.ID, domain.TierProfessional)
	rec := b.post("/settings/tokens", url.Values{"name": {"ERP"}}, true)
	wantPage(t, rec, nethttp.StatusCreated, `id="new-token"`, "não será mostrado de novo", `x-data="copyToken"`)
	secret := regexp.MustCompile(`data-secret>(bf_[A-Za-z0-9_-]+)<`).FindStringSubmatch(rec.Body.String())
	if secret == nil {
		t.Fatalf("no secret shown:\n%s", clip(rec.Body.String()))
	}
	if got := e.request("GET", "/api/v1/jobs", secret[1], nil, ""); got.Code != 200 {
		t.Fatalf("new token refused by the API: %d", got.Code)
	}
	rec = b.get("/settings")
	if strings.Contains(rec.Body.String(), secret[1]) {
		t.Fatal("the secret is shown again")
	}
	tokenID := regexp.MustCompile(`data-token-id="([^"]+)"`).FindStringSubmatch(rec.Body.String())[1]
	wantPage(t, rec, 200, secret[1][:10]+"…", "Revogar")
	wantPage(t, b.post("/settings/tokens/"+tokenID+"/revoke", url.Values{}, false), nethttp.StatusForbidden)
	wantRedirect(t, b.post("/settings/tokens/"+tokenID+"/revoke", url.Values{}, true), "/settings?ok=revoked")
	wantPage(t, b.get("/settings?ok=revoked"), 200, "Token revogado", "Revogado</span>")
	if got := e.request("GET", "/api/v1/jobs", secret[1], nil, ""); got.Code != nethttp.StatusUnauthorized {
		t.Errorf("revoked token still works: %d", got.Code)
	}
}

func TestPasswordChangeFromSettings(t *testing.T) {
	e := newPageEnv(t)
	b := e.browser()
	b.get("/signup")
	wantRedirect(t, b.post("/signup", url.Values{"name": {"Rui"}, "email": {"rui@example.com"}, "password": {"senha-antiga-1"}, "password_confirm": {"senha-antiga-1"}}, true), "/")
	wantRedirect(t, b.post("/settings/password", url.Values{"current_password": {"senha-antiga-1"}, "new_password": {"senha-nova-22"}, "new_password_confirm": {"senha-nova-22"}}, true), "/settings?ok=password")
	wantPage(t, b.get("/settings?ok=password"), 200, "Senha alterada.")
	if _, _, err := e.accounts.Login(context.Background(), applicationLogin("rui@example.com", "senha-nova-22")); err != nil {
		t.Errorf("new password refused: %v", err)
	}
}

func TestSecurityHeadersAssetsAndErrors(t *testing.T) {
	e := newPageEnv(t)
	b, _ := e.signedIn("headers@example.com")
	rec := b.get("/")
	if got := rec.Header().Get("Content-Security-Policy"); got != contentSecurityPolicy ||
		!strings.Contains(got, "script-src 'self'") || strings.Contains(got, "unsafe") {
		t.Errorf("CSP = %q", got)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("page Cache-Control = %q", rec.Header().Get("Cache-Control"))
	}
	body := rec.Body.String()
	for _, want := range []string{`hx-headers='{"X-CSRF-Token":"` + b.csrf() + `"}'`, `name="htmx-config"`, `"allowEval":false`,
		`href="#main"`, `id="main"`, "Painel", "Enviar extratos", "Busca", "Configurações", "Sair"} {
		if !strings.Contains(body, want) {
			t.Errorf("layout lacks %q", want)
		}
	}
	if strings.Contains(body, "style=") || strings.Contains(body, "<script>") || regexp.MustCompile(`\son[a-z]+=`).MatchString(body) {
		t.Error("inline style or script on the page: the CSP would block it")
	}

	urls := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(urls) != 4 {
		t.Fatalf("asset URLs = %v, want css, app.js, htmx, alpine", urls)
	}
	for _, u := range urls {
		r := b.do("GET", u[1], nil, map[string]string{"Accept-Encoding": "gzip"})
		if r.Code != 200 || r.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || r.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: %d %q %q", u[1], r.Code, r.Header().Get("Cache-Control"), r.Header().Get("Content-Encoding"))
		}
	}
	stale := regexp.MustCompile(`/static/[0-9a-f]+/`).ReplaceAllString(urls[0][1], "/static/000000000000/")
	if r := b.get(stale); r.Code != nethttp.StatusNotFound {
		t.Errorf("stale asset hash: %d", r.Code)
	}

	gz := b.do("GET", "/", nil, map[string]string{"Accept-Encoding": "gzip"})
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() >= len(body) {
		t.Errorf("page not compressed: %q, %d vs %d bytes", gz.Header().Get("Content-Encoding"), gz.Body.Len(), len(body))
	}

	wantPage(t, b.get("/nao-existe"), nethttp.StatusNotFound, "Endereço não encontrado", `lang="pt-BR"`)
	wantError(t, e.request("GET", "/api/v1/nao-existe", "", nil, ""), nethttp.StatusNotFound, domain.CodeNotFound, "Endereço não encontrado")
	wantPage(t, b.htmx("/nao-existe", "x"), nethttp.StatusNotFound, `class="error-message`)
}

func TestPageErrorsUseTheAPIStatusMapping(t *testing.T) {
	e := newPageEnv(t)
	b, _ := e.signedIn("falha@example.com")
	e.store.mu.Lock()
	e.store.fail = errors.New("database is down")
	e.store.mu.Unlock()
	wantPage(t, b.get("/"), nethttp.StatusServiceUnavailable, "temporariamente indisponível")
}
