package web

import (
	nethttp "net/http"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// Page template names (templates/pages/<name>.html) and the fragments
// handlers render alone for HTMX. They are listed here, next to the
// handlers that use them; newRenderer refuses to start without any of them.
const (
	tplLogin     = "login"
	tplSignup    = "signup"
	tplDashboard = "dashboard"
	tplUpload    = "upload"
	tplJob       = "job"
	tplSearch    = "search"
	tplSettings  = "settings"
	tplError     = "error"

	fragJobRow   = "job-row"            // partials/job_row.html
	fragTxPanel  = "transactions-panel" // partials/transactions.html
	fragSearch   = "search-panel"       // pages/search.html
	fragError    = "error-fragment"     // pages/error.html
	fragProgress = "job-progress"       // pages/job.html
)

var allPages = []string{tplLogin, tplSignup, tplDashboard, tplUpload, tplJob, tplSearch, tplSettings, tplError}

// layout is what the layout template needs; every page view model embeds it.
type layout struct {
	Title string
	Nav   string // the active navigation entry: dashboard, upload, search, settings
	User  *domain.User
	CSRF  string // token for forms (csrf_token) and htmx (X-CSRF-Token)
	Flash string // a one-line confirmation ("Senha alterada.")
}

// layoutFor fills the layout of a signed-in page.
func layoutFor(r *nethttp.Request, title, nav string) layout {
	l := layout{Title: title, Nav: nav, User: User(r.Context())}
	if t := sessionToken(r.Context()); t != "" {
		l.CSRF = csrfToken(t)
	}
	return l
}

// errorPage is the view model of the error page.
type errorPage struct {
	layout
	Status    int
	Code      domain.Code
	Message   string
	RequestID string
}

// renderErrorPage shows an error in pt-BR: a whole page, or for HTMX and
// app.js requests a small fragment they can show in place.
func (s *Server) renderErrorPage(w nethttp.ResponseWriter, r *nethttp.Request, status int, code domain.Code, message string) {
	title := "Erro"
	switch status {
	case nethttp.StatusNotFound:
		title = "Página não encontrada"
	case nethttp.StatusForbidden:
		title = "Acesso negado"
	case nethttp.StatusTooManyRequests:
		title = "Limite atingido"
	}
	data := errorPage{layout: layoutFor(r, title, ""), Status: status, Code: code, Message: message, RequestID: RequestID(r.Context())}
	s.renderPage(w, r, status, tplError, fragError, data)
}

// brazil is the civil time of the users (Brasília time; no daylight saving
// since 2019), for showing instants such as a job's submission.
var brazil = time.FixedZone("BRT", -3*60*60)

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(brazil).Format("02/01/2006 15:04")
}

// bankNames are the banks as people call them.
var bankNames = map[string]string{
	domain.BankItau: "Itaú", domain.BankBradesco: "Bradesco", domain.BankBB: "Banco do Brasil",
	domain.BankCaixa: "Caixa", domain.BankSantander: "Santander", domain.BankNubank: "Nubank",
	domain.BankInter: "Inter", domain.BankC6: "C6 Bank", domain.BankSicoob: "Sicoob",
	domain.BankSicredi: "Sicredi", domain.BankBTG: "BTG Pactual", domain.BankUnknown: "Não identificado",
}

func bankName(slug string) string {
	if slug == "" {
		return "—"
	}
	if n, ok := bankNames[slug]; ok {
		return n
	}
	return slug
}
