package web

import (
	nethttp "net/http"

	"github.com/gorilla/mux"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// routes lists every route the server answers, in one place.
//
// Routes are registered on the root router, without subrouters: with
// gorilla/mux v1.8.1 a method mismatch inside a subrouter is answered 404
// instead of 405 as soon as a later route shares the subrouter's prefix.
// What a group shares is a wrapper instead (api: never cached; requireUser:
// Bearer token; page: session cookie and CSRF).
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = nethttp.HandlerFunc(s.handleNotFound)
	r.MethodNotAllowedHandler = nethttp.HandlerFunc(s.handleMethodNotAllowed)
	r.Use(s.instrument)

	// Operations: probes and metrics, no authentication (keep /metrics
	// behind the network boundary, as usual for Prometheus).
	r.HandleFunc("/health", s.handleHealth).Methods(nethttp.MethodGet, nethttp.MethodHead)
	r.HandleFunc("/ready", s.handleReady).Methods(nethttp.MethodGet, nethttp.MethodHead)
	r.Handle("/metrics", s.metrics.Handler()).Methods(nethttp.MethodGet)

	// JSON API, version 1.
	api := func(path string, h nethttp.Handler) *mux.Route {
		return r.Handle(apiPrefix+path, noStore(h))
	}
	api("/auth/register", nethttp.HandlerFunc(s.handleRegister)).Methods(nethttp.MethodPost)
	api("/auth/login", nethttp.HandlerFunc(s.handleLogin)).Methods(nethttp.MethodPost)
	api("/auth/logout", s.requireUser(s.handleAPILogout)).Methods(nethttp.MethodPost)
	api("/statements", s.requireUser(s.handleStatementUpload)).Methods(nethttp.MethodPost)
	api("/jobs", s.requireUser(s.handleJobList)).Methods(nethttp.MethodGet)
	api("/jobs/{id}", s.requireUser(s.handleJobGet)).Methods(nethttp.MethodGet)
	api("/jobs/{id}", s.requireUser(s.handleJobDelete)).Methods(nethttp.MethodDelete)
	api("/jobs/{id}/transactions", s.requireUser(s.handleJobTransactions)).Methods(nethttp.MethodGet)
	api("/jobs/{id}/export", s.requireUser(s.handleJobExport)).Methods(nethttp.MethodGet)

	// Static assets at content-hashed URLs (see assets.go).
	r.PathPrefix(staticPrefix).Handler(s.assets).Methods(nethttp.MethodGet, nethttp.MethodHead)

	// Pages (HTML with HTMX fragments). Sign-in and sign-up are public and
	// check their own CSRF token (bf_csrf cookie); every other page goes
	// through requireSession: session cookie re-authenticated on each
	// request, CSRF token on POST.
	r.HandleFunc("/login", s.handleLoginPage).Methods(nethttp.MethodGet)
	r.HandleFunc("/login", s.handleLoginSubmit).Methods(nethttp.MethodPost)
	r.HandleFunc("/signup", s.handleSignupPage).Methods(nethttp.MethodGet)
	r.HandleFunc("/signup", s.handleSignupSubmit).Methods(nethttp.MethodPost)
	page := func(path string, h nethttp.HandlerFunc) *mux.Route {
		return r.Handle(path, s.requireSession(h))
	}
	page("/logout", s.handleLogout).Methods(nethttp.MethodPost)
	page("/", s.handleDashboard).Methods(nethttp.MethodGet)
	page("/upload", s.handleUploadPage).Methods(nethttp.MethodGet)
	page("/upload", s.handleUploadSubmit).Methods(nethttp.MethodPost)
	page("/jobs/{id}", s.handleJobPage).Methods(nethttp.MethodGet)
	page("/jobs/{id}/row", s.handleJobRow).Methods(nethttp.MethodGet)
	page("/jobs/{id}/download", s.handleJobExport).Methods(nethttp.MethodGet)
	page("/jobs/{id}/delete", s.handleJobDeletePage).Methods(nethttp.MethodPost)
	page("/search", s.handleSearchPage).Methods(nethttp.MethodGet)
	page("/settings", s.handleSettingsPage).Methods(nethttp.MethodGet)
	page("/settings/profile", s.handleProfileSubmit).Methods(nethttp.MethodPost)
	page("/settings/password", s.handlePasswordSubmit).Methods(nethttp.MethodPost)
	page("/settings/tokens", s.handleTokenCreate).Methods(nethttp.MethodPost)
	page("/settings/tokens/{id}/revoke", s.handleTokenRevoke).Methods(nethttp.MethodPost)

	// E-mail settings and sender verification links (page_settings_email.go).
	if s.email != nil {
		page("/settings/email/rotate", s.handleInboxRotate).Methods(nethttp.MethodPost)
		page("/settings/email/notify", s.handleNotifySubmit).Methods(nethttp.MethodPost)
		page("/settings/senders", s.handleSenderAdd).Methods(nethttp.MethodPost)
		page("/settings/senders/remove", s.handleSenderRemove).Methods(nethttp.MethodPost)
		page(application.SenderVerifyPathPrefix+"{token}", s.handleSenderVerify).Methods(nethttp.MethodGet)
	}

	// Admin pages, password reset links and the user's LGPD rights
	// (page_admin.go).
	s.adminRoutes(r)

	return r
}

// apiPrefix starts every JSON API route.
const apiPrefix = "/api/v1"

func (s *Server) handleNotFound(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.fail(w, r, nethttp.StatusNotFound, domain.CodeNotFound, msgNotFound)
}

func (s *Server) handleMethodNotAllowed(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.fail(w, r, nethttp.StatusMethodNotAllowed, domain.CodeInvalid, msgMethodNotAllowed)
}
