package web

import (
	nethttp "net/http"

	"github.com/gorilla/mux"

	"github.com/bankflow/bankflow/domain"
)

// resetPage is the view model of GET /reset/{token}.
type resetPage struct {
	layout
	Email string
	Valid bool
	Error string
}

// handleResetPage shows the form to choose a new password through a
// one-time link: GET /reset/{token}. The link is public (the secret in it
// is the credential); a bad link gets a 404 page saying so.
func (s *Server) handleResetPage(w nethttp.ResponseWriter, r *nethttp.Request) {
	v := resetPage{layout: layout{Title: "Nova senha"}}
	v.CSRF = anonymousCSRF(w, r)
	u, err := s.admin.CheckPasswordReset(r.Context(), mux.Vars(r)["token"])
	if err != nil {
		if domain.ErrorCode(err) != domain.CodeNotFound {
			s.renderError(w, r, err)
			return
		}
		v.Error = domain.ErrorMessage(err)
		s.render(w, r, nethttp.StatusNotFound, tplReset, layoutTemplate, v)
		return
	}
	v.Email, v.Valid = u.Email, true
	s.render(w, r, nethttp.StatusOK, tplReset, layoutTemplate, v)
}

// handleResetSubmit sets the new password: POST /reset/{token} (password,
// password_confirm, csrf_token) → 303 to /login?reset=1.
func (s *Server) handleResetSubmit(w nethttp.ResponseWriter, r *nethttp.Request) {
	token := mux.Vars(r)["token"]
	var err error
	switch {
	case !s.anonymousCSRFValid(r):
		err = domain.Errorf(domain.CodeForbidden, msgBadCSRF)
	case r.PostFormValue("password") != r.PostFormValue("password_confirm"):
		err = domain.Errorf(domain.CodeInvalid, "As senhas não conferem: digite a mesma senha nos dois campos.")
	default:
		err = s.admin.CompletePasswordReset(r.Context(), token, r.PostFormValue("password"), s.clientIP(r))
	}
	if err == nil {
		nethttp.Redirect(w, r, "/login?reset=1", nethttp.StatusSeeOther)
		return
	}
	code := domain.ErrorCode(err)
	if code != domain.CodeInvalid && code != domain.CodeNotFound && code != domain.CodeForbidden {
		s.renderError(w, r, err)
		return
	}
	v := resetPage{layout: layout{Title: "Nova senha"}, Error: domain.ErrorMessage(err), Valid: code != domain.CodeNotFound}
	v.CSRF = anonymousCSRF(w, r)
	if u, cerr := s.admin.CheckPasswordReset(r.Context(), token); cerr == nil {
		v.Email = u.Email
	}
	s.render(w, r, statusOf(code), tplReset, layoutTemplate, v)
}
