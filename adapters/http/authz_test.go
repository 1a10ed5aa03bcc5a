package web

import (
	"context"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// newAdminEnv is the test env with the admin and privacy services wired.
func newAdminEnv(tb testing.TB) *testEnv {
	tb.Helper()
	e := newTestEnv(tb)
	deps := Deps{Accounts: e.accounts, Jobs: e.jobs, Metrics: e.metrics, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	withAdmin(e)(&deps)
	e.mail = newMailWorld(e)
	withEmail(e, e.mail, true)(&deps)
	e.handler = NewServer(deps).Handler()
	return e
}

// The four visitors of the authorization test.
const (
	anon  = "anonymous"
	owner = "user"  // owns the job and the token the routes name
	other = "other" // another regular user
	admin = "admin"
)

// want is what each visitor gets from one route: the status, and for 303
// answers whether it goes to the sign-in page.
type want map[string]int

// Classes of routes, by who may use them.
var (
	publicPage = want{anon: 200, owner: 200, other: 200, admin: 200}
	userPage   = want{anon: 303, owner: 200, other: 200, admin: 200} // anonymous → /login
	userAction = want{anon: 303, owner: 303, other: 303, admin: 303} // a form post that redirects
	userAPI    = want{anon: 401, owner: 200, other: 200, admin: 200}
	ownedPage  = want{anon: 303, owner: 200, other: 404, admin: 200} // the owner's job: others see nothing
	ownedAPI   = want{anon: 401, owner: 200, other: 404, admin: 200}
	adminPage  = want{anon: 303, owner: 403, other: 403, admin: 200}
	adminDo    = want{anon: 303, owner: 403, other: 403, admin: 303}
	// signedInAway: the sign-in and sign-up pages send a signed-in visitor home.
	signedInAway = want{anon: 200, owner: 303, other: 303, admin: 303}
)

// routeCase is one route of the router, how to call it, and what each
// visitor gets.
type routeCase struct {
	target string // with {id} and friends replaced, and any query
	want   want
}

// authzTable classifies EVERY route of the router ("METHOD /template").
// A route missing here fails TestEveryRouteIsAuthorized: a new route must
// be classified before it ships.
var authzTable = map[string]routeCase{
	"GET /health":                        {"/health", publicPage},
	"HEAD /health":                       {"/health", publicPage},
	"GET /ready":                         {"/ready", publicPage},
	"HEAD /ready":                        {"/ready", publicPage},
	"GET /metrics":                       {"/metrics", publicPage},
	"POST /api/v1/auth/register":         {"/api/v1/auth/register", want{anon: 400, owner: 400, other: 400, admin: 400}},
	"POST /api/v1/auth/login":            {"/api/v1/auth/login", want{anon: 400, owner: 400, other: 400, admin: 400}},
	"POST /api/v1/auth/logout":           {"/api/v1/auth/logout", want{anon: 401, owner: 204, other: 204, admin: 204}},
	"POST /api/v1/statements":            {"/api/v1/statements", want{anon: 401, owner: 415, other: 415, admin: 415}},
	"GET /api/v1/jobs":                   {"/api/v1/jobs", userAPI},
	"GET /api/v1/jobs/{id}":              {"/api/v1/jobs/{job}", ownedAPI},
	"DELETE /api/v1/jobs/{id}":           {"/api/v1/jobs/{job}", want{anon: 401, owner: 204, other: 404, admin: 204}},
	"GET /api/v1/jobs/{id}/transactions": {"/api/v1/jobs/{job}/transactions", ownedAPI},
	"GET /api/v1/jobs/{id}/export":       {"/api/v1/jobs/{job}/export?format=csv", ownedAPI},
	"GET /static/":                       {"/static/0000/css/app.css", want{anon: 404, owner: 404, other: 404, admin: 404}},
	"HEAD /static/":                      {"/static/0000/css/app.css", want{anon: 404, owner: 404, other: 404, admin: 404}},
	"GET /login":                         {"/login", signedInAway},
	"POST /login":                        {"/login", want{anon: 403, owner: 403, other: 403, admin: 403}}, // no anonymous CSRF cookie
	"GET /signup":                        {"/signup", signedInAway},
	"POST /signup":                       {"/signup", want{anon: 403, owner: 403, other: 403, admin: 403}},
	"POST /logout":                       {"/logout", userAction},
	"GET /":                              {"/", userPage},
	"GET /upload":                        {"/upload", userPage},
	"POST /upload":                       {"/upload", want{anon: 303, owner: 415, other: 415, admin: 415}},
	"GET /jobs/{id}":                     {"/jobs/{job}", ownedPage},
	"GET /jobs/{id}/row":                 {"/jobs/{job}/row", ownedPage},
	"GET /jobs/{id}/download":            {"/jobs/{job}/download?format=csv", ownedPage},
	"POST /jobs/{id}/delete":             {"/jobs/{job}/delete", want{anon: 303, owner: 303, other: 404, admin: 303}},
	"GET /search":                        {"/search", userPage},
	"GET /settings":                      {"/settings", userPage},
	"POST /settings/profile":             {"/settings/profile", want{anon: 303, owner: 400, other: 400, admin: 400}},
	"POST /settings/password":            {"/settings/password", want{anon: 303, owner: 400, other: 400, admin: 400}},
	"POST /settings/tokens":              {"/settings/tokens", want{anon: 303, owner: 400, other: 400, admin: 400}},
	"POST /settings/tokens/{id}/revoke":  {"/settings/tokens/{token}/revoke", want{anon: 303, owner: 303, other: 404, admin: 404}},
	"GET /admin":                         {"/admin", want{anon: 303, owner: 403, other: 403, admin: 303}},
	"GET /admin/users":                   {"/admin/users?q=example", adminPage},
	"GET /admin/users/{id}":              {"/admin/users/{user}", adminPage},
	"POST /admin/users/{id}/tier":        {"/admin/users/{user}/tier?tier=business", adminDo},
	"POST /admin/users/{id}/role":        {"/admin/users/{user}/role?role=admin", adminDo},
	"POST /admin/users/{id}/active":      {"/admin/users/{user}/active?active=false", adminDo},
	"POST /admin/users/{id}/reset":       {"/admin/users/{user}/reset", adminPage},
	"GET /admin/jobs":                    {"/admin/jobs", adminPage},
	"POST /admin/jobs/{id}/retry":        {"/admin/jobs/{job}/retry", want{anon: 303, owner: 403, other: 403, admin: 409}},
	"GET /admin/system":                  {"/admin/system", adminPage},
	"GET /admin/audit":                   {"/admin/audit", adminPage},
	"GET /reset/{token}":                 {"/reset/not-a-link", want{anon: 404, owner: 404, other: 404, admin: 404}},
	"POST /reset/{token}":                {"/reset/not-a-link", want{anon: 403, owner: 403, other: 403, admin: 403}},
	"POST /settings/email/rotate":        {"/settings/email/rotate", userAction},
	"POST /settings/email/notify":        {"/settings/email/notify?notify=on", userAction},
	"POST /settings/senders":             {"/settings/senders?email=novo@empresa.com.br", userAction},
	"POST /settings/senders/remove":      {"/settings/senders/remove?email=cliente@empresa.com.br", want{anon: 303, owner: 303, other: 404, admin: 404}},
	"GET /senders/verify/{token}":        {"/senders/verify/not-a-link", want{anon: 303, owner: 404, other: 404, admin: 404}},
	"GET /settings/privacy":              {"/settings/privacy", userPage},
	"GET /settings/privacy/export":       {"/settings/privacy/export", userPage},
	"POST /settings/privacy/delete":      {"/settings/privacy/delete?confirm=EXCLUIR&password=senha-forte-123", userAction},
}

// TestEveryRouteIsAuthorized walks every route of the router and checks
// what an anonymous visitor, the owner of the resources, another user and
// an admin each get. Pages get a session cookie and a valid CSRF token; the
// API gets a bearer token: so a refusal here is the authorization, not a
// missing credential.
func TestEveryRouteIsAuthorized(t *testing.T) {
	routes := walkRoutes(t, newAdminEnv(t))
	var missing []string
	for _, k := range routes {
		if _, ok := authzTable[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("routes missing from authzTable (classify them): %v", missing)
	}
	for k := range authzTable {
		if !hasRoute(routes, k) {
			t.Errorf("authzTable lists %s, which the router does not have", k)
		}
	}
	for _, k := range routes {
		method, _, _ := strings.Cut(k, " ")
		c := authzTable[k]
		for _, who := range []string{anon, owner, other, admin} {
			t.Run(k+"/"+who, func(t *testing.T) {
				e := newAdminEnv(t) // fresh: deleting routes must not affect the next visitor
				fx := authzFixtures(t, e)
				target := strings.NewReplacer("{job}", fx.jobID, "{user}", fx.users[owner].ID, "{token}", fx.tokenID).Replace(c.target)
				rec := authzRequest(e, method, target, fx.tokens[who])
				if rec.Code != c.want[who] {
					t.Fatalf("%s %s as %s: %d, want %d (%s)", method, target, who, rec.Code, c.want[who], firstLine(rec.Body.String()))
				}
				if rec.Code == nethttp.StatusSeeOther && who == anon && !strings.HasPrefix(method, "GET /reset") {
					if loc := rec.Header().Get("Location"); !strings.HasPrefix(loc, "/login") {
						t.Errorf("anonymous %s %s redirected to %q, want the sign-in page", method, target, loc)
					}
				}
			})
		}
	}
}

// authzFixture is what the visitors act on: the owner's completed job and
// API token, and a session per visitor.
type authzFixture struct {
	users   map[string]*domain.User
	tokens  map[string]string // session JWT per visitor ("" for anonymous)
	jobID   string
	tokenID string
}

func authzFixtures(t *testing.T, e *testEnv) authzFixture {
	t.Helper()
	fx := authzFixture{users: map[string]*domain.User{}, tokens: map[string]string{}}
	for who, email := range map[string]string{owner: "dona@example.com", other: "outra@example.com", admin: "admin@example.com"} {
		fx.tokens[who], fx.users[who] = e.user(email)
	}
	e.store.mu.Lock()
	e.store.users[fx.users[admin].ID].Role = domain.RoleAdmin
	e.store.users[fx.users[owner].ID].Tier = domain.TierProfessional
	e.store.mu.Unlock()
	ctx := context.Background()
	res, err := e.jobs.Submit(ctx, application.SubmitInput{User: fx.users[owner], Source: domain.SourceUpload, Filename: "extrato.ofx", Body: strings.NewReader("OFXHEADER:100 ok")})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.jobs.Process(ctx, res.Job.ID); err != nil {
		t.Fatal(err)
	}
	fx.jobID = res.Job.ID
	owned, _ := e.store.GetUser(ctx, fx.users[owner].ID)
	_, tok, err := e.accounts.CreateAPIToken(ctx, owned.ID, "ERP")
	if err != nil {
		t.Fatal(err)
	}
	fx.tokenID = tok.ID
	if e.mail != nil { // the owner's sender address
		err := e.mail.senders.AddSender(ctx, domain.SenderAddress{UserID: owned.ID, Email: "cliente@empresa.com.br", CreatedAt: e.mail.Now()})
		if err != nil {
			t.Fatal(err)
		}
	}
	return fx
}

// authzRequest calls target as the visitor with session: the API with a
// bearer token, pages with the session cookie and a valid CSRF header. A
// query on a POST becomes its form body.
func authzRequest(e *testEnv, method, target, session string) *httptest.ResponseRecorder {
	var body io.Reader
	u, _ := url.Parse(target)
	if method == nethttp.MethodPost && !strings.HasPrefix(u.Path, apiPrefix) && u.RawQuery != "" {
		body = strings.NewReader(u.RawQuery)
		target = u.Path
	}
	req := httptest.NewRequest(method, target, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if session != "" {
		if isAPIPath(u.Path) {
			req.Header.Set("Authorization", "Bearer "+session)
		} else {
			req.AddCookie(&nethttp.Cookie{Name: sessionCookie, Value: session})
			req.Header.Set(csrfHeader, csrfToken(session))
		}
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}

// walkRoutes lists every route of the router as "METHOD /template".
func walkRoutes(t *testing.T, e *testEnv) []string {
	t.Helper()
	deps := Deps{Accounts: e.accounts, Jobs: e.jobs, Metrics: e.metrics}
	withAdmin(e)(&deps)
	withEmail(e, newMailWorld(e), true)(&deps)
	s := NewServer(deps)
	var out []string
	err := s.routes().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return nil
		}
		methods, err := route.GetMethods()
		if err != nil {
			t.Errorf("route %s has no methods: every route must name them", tpl)
			return nil
		}
		for _, m := range methods {
			out = append(out, m+" "+tpl)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func hasRoute(routes []string, k string) bool {
	for _, r := range routes {
		if r == k {
			return true
		}
	}
	return false
}
