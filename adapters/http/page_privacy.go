package web

import (
	"bytes"
	nethttp "net/http"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// privacyPage is the view model of GET /settings/privacy.
type privacyPage struct {
	layout
	Email string
	Error string
}

// handlePrivacyPage offers the user a copy of all their data and the
// deletion of their account (LGPD): GET /settings/privacy.
func (s *Server) handlePrivacyPage(w nethttp.ResponseWriter, r *nethttp.Request) {
	u := User(r.Context())
	s.render(w, r, nethttp.StatusOK, tplPrivacy, layoutTemplate, privacyPage{layout: layoutFor(r, "Privacidade e dados", "settings"), Email: u.Email})
}

// handlePrivacyExport downloads everything BankFlow keeps about the user as
// a zip: GET /settings/privacy/export. The zip is built in memory first so a
// storage failure is a clean error page, never half a file.
func (s *Server) handlePrivacyExport(w nethttp.ResponseWriter, r *nethttp.Request) {
	var buf bytes.Buffer
	if err := s.privacy.ExportArchive(r.Context(), User(r.Context()), &buf); err != nil {
		s.renderError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", `attachment; filename="bankflow-meus-dados-`+time.Now().In(brazil).Format("2006-01-02")+`.zip"`)
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// handlePrivacyDelete erases the account after the password is confirmed:
// POST /settings/privacy/delete (password, confirm=EXCLUIR). The session
// cookie is cleared and the browser goes to /login?deleted=1.
func (s *Server) handlePrivacyDelete(w nethttp.ResponseWriter, r *nethttp.Request) {
	u := User(r.Context())
	var err error
	if r.PostFormValue("confirm") != "EXCLUIR" {
		err = domain.Errorf(domain.CodeInvalid, "Digite EXCLUIR para confirmar a exclusão da conta.")
	} else {
		err = s.privacy.DeleteAccount(r.Context(), u, r.PostFormValue("password"), s.clientIP(r))
	}
	if err != nil {
		if domain.ErrorCode(err) != domain.CodeInvalid {
			s.renderError(w, r, err)
			return
		}
		v := privacyPage{layout: layoutFor(r, "Privacidade e dados", "settings"), Email: u.Email, Error: domain.ErrorMessage(err)}
		s.render(w, r, nethttp.StatusBadRequest, tplPrivacy, layoutTemplate, v)
		return
	}
	clearSession(w, r)
	nethttp.Redirect(w, r, "/login?deleted=1", nethttp.StatusSeeOther)
}
