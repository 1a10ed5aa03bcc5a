package web

import (
	nethttp "net/http"

	"github.com/gorilla/mux"

	"github.com/bankflow/bankflow/domain"
)

// settingsPage is the view model of GET /settings.
type settingsPage struct {
	layout
	Name          string
	Company       string
	Email         string
	Plan          string
	APIAllowed    bool
	Tokens        []tokenView
	NewToken      string // the secret of a token just created, shown once
	NewTokenName  string
	ProfileError  string
	PasswordError string
	TokenError    string
	// Mail is the "Recebimento por e-mail" section; nil without the service.
	Mail *mailSection
}

type tokenView struct {
	ID       string
	Name     string
	Prefix   string
	Created  string
	LastUsed string
	Revoked  bool
}

// settingsFlash are the confirmations a redirect to /settings?ok=... shows;
// only these fixed texts, never text from the URL.
var settingsFlash = map[string]string{
	"profile":  "Perfil atualizado.",
	"password": "Senha alterada.",
	"revoked":  "Token revogado: ele deixou de funcionar.",
	// page_settings_email.go
	"rotated":         "Novo endereço gerado: o anterior deixou de funcionar.",
	"notify":          "Preferência de aviso por e-mail salva.",
	"sender_added":    "Enviamos um link de confirmação ao remetente. Ele vale por 24 horas; abra-o com esta conta aberta no navegador.",
	"sender_removed":  "Remetente removido: e-mails dele não são mais aceitos.",
	"sender_verified": "Remetente confirmado: os extratos enviados por ele agora chegam à sua conta.",
}

// handleSettingsPage shows profile, password and API tokens: GET /settings.
func (s *Server) handleSettingsPage(w nethttp.ResponseWriter, r *nethttp.Request) {
	view, err := s.settingsView(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view.Flash = settingsFlash[r.URL.Query().Get("ok")]
	s.render(w, r, nethttp.StatusOK, tplSettings, layoutTemplate, view)
}

func (s *Server) settingsView(r *nethttp.Request) (settingsPage, error) {
	u := User(r.Context())
	v := settingsPage{layout: layoutFor(r, "Configurações", "settings"), Name: u.Name, Company: u.Company,
		Email: u.Email, Plan: u.Tier.Label()}
	usage, err := s.jobs.Usage(r.Context(), u)
	if err != nil {
		return v, err
	}
	v.APIAllowed = usage.Limits.API
	tokens, err := s.accounts.ListAPITokens(r.Context(), u.ID)
	if err != nil {
		return v, err
	}
	for _, t := range tokens {
		tv := tokenView{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Created: formatTime(t.CreatedAt), Revoked: t.RevokedAt != nil}
		if t.LastUsedAt != nil {
			tv.LastUsed = formatTime(*t.LastUsedAt)
		}
		v.Tokens = append(v.Tokens, tv)
	}
	if s.email != nil {
		if v.Mail, err = s.mailSection(r); err != nil {
			return v, err
		}
	}
	return v, nil
}

// handleProfileSubmit changes the name shown: POST /settings/profile.
func (s *Server) handleProfileSubmit(w nethttp.ResponseWriter, r *nethttp.Request) {
	_, err := s.accounts.UpdateProfile(r.Context(), User(r.Context()).ID, r.PostFormValue("name"), r.PostFormValue("company"))
	if err != nil {
		s.settingsFailed(w, r, err, func(v *settingsPage, msg string) {
			v.Name, v.Company, v.ProfileError = r.PostFormValue("name"), r.PostFormValue("company"), msg
		})
		return
	}
	nethttp.Redirect(w, r, "/settings?ok=profile", nethttp.StatusSeeOther)
}

// handlePasswordSubmit changes the password after checking the current one:
// POST /settings/password (current_password, new_password,
// new_password_confirm). Every other session of the user ends; this one
// gets a fresh session cookie and stays signed in.
func (s *Server) handlePasswordSubmit(w nethttp.ResponseWriter, r *nethttp.Request) {
	next := r.PostFormValue("new_password")
	var fresh string
	var err error
	if next != r.PostFormValue("new_password_confirm") {
		err = domain.Errorf(domain.CodeInvalid, "As senhas novas não conferem: digite a mesma senha nos dois campos.")
	} else {
		fresh, err = s.accounts.ChangePassword(r.Context(), User(r.Context()).ID, r.PostFormValue("current_password"), next)
	}
	if err != nil {
		s.settingsFailed(w, r, err, func(v *settingsPage, msg string) { v.PasswordError = msg })
		return
	}
	setSession(w, r, fresh)
	nethttp.Redirect(w, r, "/settings?ok=password", nethttp.StatusSeeOther)
}

// handleTokenCreate creates an API token and shows its secret once, in
// #new-token: POST /settings/tokens (name). The answer is the page itself,
// not a redirect, so the secret is never in a URL or a history entry.
func (s *Server) handleTokenCreate(w nethttp.ResponseWriter, r *nethttp.Request) {
	secret, t, err := s.accounts.CreateAPIToken(r.Context(), User(r.Context()).ID, r.PostFormValue("name"))
	if err != nil {
		s.settingsFailed(w, r, err, func(v *settingsPage, msg string) { v.TokenError = msg })
		return
	}
	view, err := s.settingsView(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view.NewToken, view.NewTokenName = secret, t.Name
	s.render(w, r, nethttp.StatusCreated, tplSettings, layoutTemplate, view)
}

// handleTokenRevoke revokes one of the user's tokens: POST
// /settings/tokens/{id}/revoke → 303 to /settings.
func (s *Server) handleTokenRevoke(w nethttp.ResponseWriter, r *nethttp.Request) {
	if err := s.accounts.RevokeAPIToken(r.Context(), User(r.Context()).ID, mux.Vars(r)["id"]); err != nil {
		s.renderError(w, r, err)
		return
	}
	nethttp.Redirect(w, r, "/settings?ok=revoked", nethttp.StatusSeeOther)
}

// settingsFailed re-renders the settings page with the error next to the
// form that caused it, with the error's status.
func (s *Server) settingsFailed(w nethttp.ResponseWriter, r *nethttp.Request, err error, place func(*settingsPage, string)) {
	status := statusOf(domain.ErrorCode(err))
	if status >= 500 {
		s.renderError(w, r, err)
		return
	}
	view, verr := s.settingsView(r)
	if verr != nil {
		s.renderError(w, r, verr)
		return
	}
	place(&view, domain.ErrorMessage(err))
	s.render(w, r, status, tplSettings, layoutTemplate, view)
}
