package web

import (
	nethttp "net/http"
	"net/url"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/bankflow/bankflow/domain"
)

// Admin page templates (templates/pages/admin_*.html) and the other pages
// of this area.
const (
	tplAdminUsers  = "admin_users"
	tplAdminUser   = "admin_user"
	tplAdminJobs   = "admin_jobs"
	tplAdminSystem = "admin_system"
	tplAdminAudit  = "admin_audit"
	tplReset       = "reset"
	tplPrivacy     = "privacy"
)

// adminRoutes registers the admin pages (session + admin role), the public
// password reset link and the user's privacy page. Without an Admin or
// Privacy service (tests of other areas) their routes are not registered.
func (s *Server) adminRoutes(r *mux.Router) {
	if s.admin != nil {
		admin := func(path string, h nethttp.HandlerFunc) *mux.Route {
			return r.Handle(path, s.requireSession(s.requireAdmin(h)))
		}
		admin("/admin", s.handleAdminHome).Methods(nethttp.MethodGet)
		admin("/admin/users", s.handleAdminUsers).Methods(nethttp.MethodGet)
		admin("/admin/users/{id}", s.handleAdminUser).Methods(nethttp.MethodGet)
		admin("/admin/users/{id}/tier", s.handleAdminUserTier).Methods(nethttp.MethodPost)
		admin("/admin/users/{id}/role", s.handleAdminUserRole).Methods(nethttp.MethodPost)
		admin("/admin/users/{id}/active", s.handleAdminUserActive).Methods(nethttp.MethodPost)
		admin("/admin/users/{id}/reset", s.handleAdminUserReset).Methods(nethttp.MethodPost)
		admin("/admin/jobs", s.handleAdminJobs).Methods(nethttp.MethodGet)
		admin("/admin/jobs/{id}/retry", s.handleAdminJobRetry).Methods(nethttp.MethodPost)
		admin("/admin/system", s.handleAdminSystem).Methods(nethttp.MethodGet)
		admin("/admin/audit", s.handleAdminAudit).Methods(nethttp.MethodGet)

		r.HandleFunc("/reset/{token}", s.handleResetPage).Methods(nethttp.MethodGet)
		r.HandleFunc("/reset/{token}", s.handleResetSubmit).Methods(nethttp.MethodPost)
	}
	if s.privacy != nil {
		r.Handle("/settings/privacy", s.requireSession(s.handlePrivacyPage)).Methods(nethttp.MethodGet)
		r.Handle("/settings/privacy/export", s.requireSession(s.handlePrivacyExport)).Methods(nethttp.MethodGet)
		r.Handle("/settings/privacy/delete", s.requireSession(s.handlePrivacyDelete)).Methods(nethttp.MethodPost)
	}
}

// requireAdmin refuses a signed-in user who is not an active admin (403).
// It runs inside requireSession, so the user was reloaded for this request:
// an admin demoted a second ago is refused now.
func (s *Server) requireAdmin(next nethttp.HandlerFunc) nethttp.HandlerFunc {
	return func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if u := User(r.Context()); u == nil || !u.IsAdmin() {
			s.fail(w, r, nethttp.StatusForbidden, domain.CodeForbidden, "Apenas administradores podem ver esta página.")
			return
		}
		next(w, r)
	}
}

// handleAdminHome sends admins to the user list: GET /admin.
func (s *Server) handleAdminHome(w nethttp.ResponseWriter, r *nethttp.Request) {
	nethttp.Redirect(w, r, "/admin/users", nethttp.StatusSeeOther)
}

// adminLayout fills the layout of an admin page; section is the active
// admin tab (users, jobs, system, audit).
func adminLayout(r *nethttp.Request, title, section string) adminBase {
	return adminBase{layout: layoutFor(r, title, "admin"), Section: section}
}

// adminBase is embedded by every admin view model.
type adminBase struct {
	layout
	Section string
}

// pager is the paging of a listing: 1-based page numbers and links that
// keep the other query parameters.
type pager struct {
	Page, Pages, Total int
	Prev, Next         string // URLs, "" when none
}

// pageParam reads ?page= (1 when absent or bad).
func pageParam(r *nethttp.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

func newPager(r *nethttp.Request, page, size, total int) pager {
	p := pager{Page: page, Total: total, Pages: max((total+size-1)/size, 1)}
	link := func(n int) string {
		q := url.Values{}
		for k, v := range r.URL.Query() {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}

// option is one entry of a select menu.
type option struct {
	Value, Label string
	Selected     bool
}

func tierOptions(current string, withAll bool) []option {
	var out []option
	if withAll {
		out = append(out, option{"", "Todos os planos", current == ""})
	}
	for _, t := range domain.Tiers {
		out = append(out, option{string(t), t.Label(), current == string(t)})
	}
	return out
}

func roleLabel(r domain.Role) string {
	if r == domain.RoleAdmin {
		return "Administrador"
	}
	return "Usuário"
}

var jobStatusLabels = map[domain.JobStatus]string{
	domain.JobQueued: "Na fila", domain.JobProcessing: "Processando", domain.JobCompleted: "Concluído",
	domain.JobFailed: "Falhou", domain.JobCancelled: "Cancelado",
}

// sizeText renders a byte count for people: "1,5 MB" (integer arithmetic,
// one decimal, truncated).
func sizeText(n int64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{30, "GB"}, {20, "MB"}, {10, "KB"}} {
		if n >= 1<<u.shift {
			tenths := n * 10 >> u.shift
			return strconv.FormatInt(tenths/10, 10) + "," + strconv.FormatInt(tenths%10, 10) + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
