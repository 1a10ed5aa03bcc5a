package web

import (
	nethttp "net/http"
	"strings"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// authPage is the view model of the sign-in and sign-up pages.
type authPage struct {
	layout
	Next  string
	Name  string
	Email string
	Error string
}

// handleLoginPage shows the sign-in form: GET /login?next=/jobs/... . A
// visitor already signed in goes straight on.
func (s *Server) handleLoginPage(w nethttp.ResponseWriter, r *nethttp.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if s.signedIn(r) {
		nethttp.Redirect(w, r, next, nethttp.StatusSeeOther)
		return
	}
	s.renderAuth(w, r, nethttp.StatusOK, tplLogin, authPage{Next: next})
}

// handleLoginSubmit signs in: POST /login (email, password, next,
// csrf_token). Success sets the session cookie and redirects (303) to next;
// failures re-render the form with the message in #form-error and the
// status of the error (401, 429 past the rate limit, 403 without CSRF).
func (s *Server) handleLoginSubmit(w nethttp.ResponseWriter, r *nethttp.Request) {
	r.Body = nethttp.MaxBytesReader(w, r.Body, maxFormBytes)
	csrfOK := s.anonymousCSRFValid(r)
	email, password := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	view := authPage{Next: safeNext(r.PostFormValue("next")), Email: email}
	if !csrfOK {
		view.Error = msgBadCSRF
		s.renderAuth(w, r, nethttp.StatusForbidden, tplLogin, view)
		return
	}
	ip := s.clientIP(r)
	key := ip + "|" + domain.NormalizeEmail(email)
	if !s.loginAllowed(w, r, key) {
		view.Error = msgTooManyLogins
		s.renderAuth(w, r, nethttp.StatusTooManyRequests, tplLogin, view)
		return
	}
	token, _, err := s.accounts.Login(r.Context(), application.LoginInput{Email: email, Password: password, IP: ip})
	if err != nil {
		view.Error = s.formError(r, err)
		s.renderAuth(w, r, statusOf(domain.ErrorCode(err)), tplLogin, view)
		return
	}
	s.loginSucceeded(r, key)
	setSession(w, r, token)
	nethttp.Redirect(w, r, view.Next, nethttp.StatusSeeOther)
}

// handleSignupPage shows the sign-up form: GET /signup.
func (s *Server) handleSignupPage(w nethttp.ResponseWriter, r *nethttp.Request) {
	if s.signedIn(r) {
		nethttp.Redirect(w, r, "/", nethttp.StatusSeeOther)
		return
	}
	s.renderAuth(w, r, nethttp.StatusOK, tplSignup, authPage{})
}

// handleSignupSubmit creates an account and signs it in: POST /signup
// (name, email, password, password_confirm, csrf_token) → 303 to /.
func (s *Server) handleSignupSubmit(w nethttp.ResponseWriter, r *nethttp.Request) {
	r.Body = nethttp.MaxBytesReader(w, r.Body, maxFormBytes)
	csrfOK := s.anonymousCSRFValid(r)
	name, email := strings.TrimSpace(r.PostFormValue("name")), strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	view := authPage{Name: name, Email: email}
	switch {
	case !csrfOK:
		view.Error = msgBadCSRF
		s.renderAuth(w, r, nethttp.StatusForbidden, tplSignup, view)
		return
	case password != r.PostFormValue("password_confirm"):
		view.Error = "As senhas não conferem: digite a mesma senha nos dois campos."
		s.renderAuth(w, r, nethttp.StatusBadRequest, tplSignup, view)
		return
	}
	ip := s.clientIP(r)
	if _, err := s.accounts.Register(r.Context(), application.RegisterInput{Email: email, Password: password, Name: name, IP: ip}); err != nil {
		view.Error = s.formError(r, err)
		s.renderAuth(w, r, statusOf(domain.ErrorCode(err)), tplSignup, view)
		return
	}
	token, _, err := s.accounts.Login(r.Context(), application.LoginInput{Email: email, Password: password, IP: ip})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	setSession(w, r, token)
	nethttp.Redirect(w, r, "/", nethttp.StatusSeeOther)
}

// handleLogout ends the browser session: POST /logout → 303 to /login. The
// session is revoked on the server, so the JWT in the cookie is refused
// everywhere from now on, then the cookie is cleared. When the store is
// down the error page says so and the cookie stays, so the visitor can
// try again rather than believe the session ended.
func (s *Server) handleLogout(w nethttp.ResponseWriter, r *nethttp.Request) {
	if err := s.accounts.Logout(r.Context(), sessionToken(r.Context())); err != nil {
		s.renderError(w, r, err)
		return
	}
	clearSession(w, r)
	nethttp.Redirect(w, r, "/login", nethttp.StatusSeeOther)
}

func (s *Server) renderAuth(w nethttp.ResponseWriter, r *nethttp.Request, status int, page string, view authPage) {
	view.Title = map[string]string{tplLogin: "Entrar", tplSignup: "Criar conta"}[page]
	view.CSRF = anonymousCSRF(w, r)
	s.render(w, r, status, page, layoutTemplate, view)
}

// signedIn reports whether the request carries a session that is valid now.
func (s *Server) signedIn(r *nethttp.Request) bool {
	token, ok := cookieSession(r)
	if !ok {
		return false
	}
	_, err := s.accounts.Authenticate(r.Context(), token)
	return err == nil
}

// formError is the message a form shows for err; internal errors are logged
// once here and shown as the generic message.
func (s *Server) formError(r *nethttp.Request, err error) string {
	code := domain.ErrorCode(err)
	if statusOf(code) >= 500 {
		s.log.ErrorContext(r.Context(), "form failed", "request_id", RequestID(r.Context()), "path", r.URL.Path, "error", err)
		if code != domain.CodeUnavailable {
			return msgInternal
		}
	}
	return domain.ErrorMessage(err)
}
