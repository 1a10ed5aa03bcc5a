package web

import (
	"fmt"
	nethttp "net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/bankflow/bankflow/domain"
)

const adminUsersPageSize = 25

// adminUsersPage is the view model of GET /admin/users.
type adminUsersPage struct {
	adminBase
	Query   string
	Tiers   []option
	Roles   []option
	Actives []option
	Users   []adminUserRow
	Pager   pager
}

type adminUserRow struct {
	ID, Email, Name, Tier, Role, Created, LastLogin string
	Active                                          bool
}

// handleAdminUsers lists users with search (e-mail or name), filters
// (tier, role, active) and paging: GET /admin/users?q=&tier=&role=&active=&page=.
func (s *Server) handleAdminUsers(w nethttp.ResponseWriter, r *nethttp.Request) {
	q := r.URL.Query()
	f := domain.UserFilter{Query: strings.TrimSpace(q.Get("q")), Tier: domain.Tier(q.Get("tier")), Role: domain.Role(q.Get("role")), Limit: adminUsersPageSize}
	if !f.Tier.Valid() {
		f.Tier = ""
	}
	if f.Role != domain.RoleAdmin && f.Role != domain.RoleUser {
		f.Role = ""
	}
	switch q.Get("active") {
	case "true":
		yes := true
		f.Active = &yes
	case "false":
		no := false
		f.Active = &no
	}
	page := pageParam(r)
	f.Offset = (page - 1) * adminUsersPageSize
	res, err := s.admin.Users(r.Context(), User(r.Context()), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := adminUsersPage{adminBase: adminLayout(r, "Usuários", "users"), Query: f.Query,
		Tiers: tierOptions(string(f.Tier), true),
		Roles: []option{{"", "Todos os papéis", f.Role == ""}, {"user", "Usuário", f.Role == domain.RoleUser}, {"admin", "Administrador", f.Role == domain.RoleAdmin}},
		Actives: []option{{"", "Ativos e inativos", f.Active == nil}, {"true", "Ativos", f.Active != nil && *f.Active},
			{"false", "Inativos", f.Active != nil && !*f.Active}},
		Pager: newPager(r, page, adminUsersPageSize, res.Total)}
	for _, u := range res.Users {
		row := adminUserRow{ID: u.ID, Email: u.Email, Name: u.Name, Tier: u.Tier.Label(), Role: roleLabel(u.Role),
			Created: formatTime(u.CreatedAt), Active: u.Active}
		if u.LastLogin != nil {
			row.LastLogin = formatTime(*u.LastLogin)
		}
		v.Users = append(v.Users, row)
	}
	s.renderPage(w, r, nethttp.StatusOK, tplAdminUsers, "admin-users-panel", v)
}

// adminUserPage is the view model of GET /admin/users/{id}.
type adminUserPage struct {
	adminBase
	ID, Email, Name, Company, Role, Created, LastLogin string
	Tier                                               domain.Tier
	IsAdmin, Active, Self                              bool
	Tiers                                              []option
	FilesThisMonth, ActiveJobs                         int
	FilesLimit, MaxFile, Stored, Retention             string
	JobTable                                           jobTable
	JobsTotal                                          int
	ResetLink                                          string // shown once, when SMTP is off
	Error                                              string
}

// adminUserFlash are the confirmations ?ok= can show on a user's page.
var adminUserFlash = map[string]string{
	"tier":        "Plano alterado. O novo limite vale a partir da próxima ação do usuário.",
	"role":        "Papel alterado.",
	"activated":   "Conta ativada.",
	"deactivated": "Conta desativada: as sessões e os tokens de API deste usuário deixaram de funcionar.",
	"reset-sent":  "Link de redefinição de senha enviado por e-mail ao usuário.",
}

// handleAdminUser shows a user's usage, jobs (metadata only) and the
// admin's actions on them: GET /admin/users/{id}.
func (s *Server) handleAdminUser(w nethttp.ResponseWriter, r *nethttp.Request) {
	v, err := s.adminUserView(r, mux.Vars(r)["id"])
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Flash = adminUserFlash[r.URL.Query().Get("ok")]
	s.render(w, r, nethttp.StatusOK, tplAdminUser, layoutTemplate, v)
}

func (s *Server) adminUserView(r *nethttp.Request, id string) (adminUserPage, error) {
	d, err := s.admin.User(r.Context(), User(r.Context()), id, domain.JobFilter{Limit: 50})
	if err != nil {
		return adminUserPage{}, err
	}
	u, l := d.User, d.Usage.Limits
	v := adminUserPage{adminBase: adminLayout(r, u.Email, "users"), ID: u.ID, Email: u.Email, Name: u.Name, Company: u.Company,
		Role: roleLabel(u.Role), Created: formatTime(u.CreatedAt), Tier: u.Tier, IsAdmin: u.Role == domain.RoleAdmin,
		Active: u.Active, Self: u.ID == User(r.Context()).ID, Tiers: tierOptions(string(u.Tier), false),
		FilesThisMonth: d.Usage.FilesThisMonth, ActiveJobs: d.Usage.ActiveJobs, FilesLimit: "ilimitado",
		MaxFile: sizeText(l.MaxFileBytes), Stored: sizeText(d.StoredBytes), Retention: l.Retention.String(), JobsTotal: d.JobsTotal}
	if l.FilesPerMonth > 0 {
		v.FilesLimit = fmt.Sprint(l.FilesPerMonth)
	}
	if u.LastLogin != nil {
		v.LastLogin = formatTime(*u.LastLogin)
	}
	v.JobTable.CSRF = v.CSRF
	for _, j := range d.Jobs {
		v.JobTable.Jobs = append(v.JobTable.Jobs, jobRowOf(j))
	}
	return v, nil
}

// adminUserFailed re-renders a user's page with the error of an action.
func (s *Server) adminUserFailed(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	code := domain.ErrorCode(err)
	if code != domain.CodeInvalid && code != domain.CodeConflict {
		s.renderError(w, r, err)
		return
	}
	v, verr := s.adminUserView(r, mux.Vars(r)["id"])
	if verr != nil {
		s.renderError(w, r, verr)
		return
	}
	v.Error = domain.ErrorMessage(err)
	s.render(w, r, statusOf(code), tplAdminUser, layoutTemplate, v)
}

// handleAdminUserTier changes the plan: POST /admin/users/{id}/tier (tier).
func (s *Server) handleAdminUserTier(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := mux.Vars(r)["id"]
	if _, err := s.admin.SetTier(r.Context(), User(r.Context()), id, domain.Tier(r.PostFormValue("tier")), s.clientIP(r)); err != nil {
		s.adminUserFailed(w, r, err)
		return
	}
	nethttp.Redirect(w, r, "/admin/users/"+id+"?ok=tier", nethttp.StatusSeeOther)
}

// handleAdminUserRole changes the role: POST /admin/users/{id}/role (role).
func (s *Server) handleAdminUserRole(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := mux.Vars(r)["id"]
	if _, err := s.admin.SetRole(r.Context(), User(r.Context()), id, domain.Role(r.PostFormValue("role")), s.clientIP(r)); err != nil {
		s.adminUserFailed(w, r, err)
		return
	}
	nethttp.Redirect(w, r, "/admin/users/"+id+"?ok=role", nethttp.StatusSeeOther)
}

// handleAdminUserActive activates or deactivates: POST
// /admin/users/{id}/active (active=true|false).
func (s *Server) handleAdminUserActive(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := mux.Vars(r)["id"]
	active := r.PostFormValue("active") == "true"
	if _, err := s.admin.SetActive(r.Context(), User(r.Context()), id, active, s.clientIP(r)); err != nil {
		s.adminUserFailed(w, r, err)
		return
	}
	ok := "deactivated"
	if active {
		ok = "activated"
	}
	nethttp.Redirect(w, r, "/admin/users/"+id+"?ok="+ok, nethttp.StatusSeeOther)
}

// handleAdminUserReset issues a one-time password reset link: POST
// /admin/users/{id}/reset. Without SMTP the link is shown on this answer
// only (never in a URL, never again).
func (s *Server) handleAdminUserReset(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := mux.Vars(r)["id"]
	link, emailed, err := s.admin.IssuePasswordReset(r.Context(), User(r.Context()), id, s.clientIP(r))
	if err != nil {
		s.adminUserFailed(w, r, err)
		return
	}
	if emailed {
		nethttp.Redirect(w, r, "/admin/users/"+id+"?ok=reset-sent", nethttp.StatusSeeOther)
		return
	}
	v, err := s.adminUserView(r, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if strings.HasPrefix(link, "/") {
		scheme := "http"
		if secureRequest(r) {
			scheme = "https"
		}
		link = scheme + "://" + r.Host + link
	}
	v.ResetLink = link
	s.render(w, r, nethttp.StatusOK, tplAdminUser, layoutTemplate, v)
}

// jobTable is the admin's job table (partials/admin_jobs.html).
type jobTable struct {
	Jobs      []adminJobRow
	CSRF      string
	ShowOwner bool
}

// adminJobRow is a job as admin listings show it: metadata only.
type adminJobRow struct {
	ID, UserID, File, Source, Status, StatusLabel, Bank, Created, Error string
	Size                                                                string
	Failed, Retryable                                                   bool
}

func jobRowOf(j domain.Job) adminJobRow {
	return adminJobRow{ID: j.ID, UserID: j.UserID, File: j.OriginalFilename, Source: string(j.Source),
		Status: string(j.Status), StatusLabel: jobStatusLabels[j.Status], Bank: bankName(j.DetectedBank),
		Created: formatTime(j.CreatedAt), Error: j.ErrorMessage, Size: sizeText(j.FileSize),
		Failed: j.Status == domain.JobFailed, Retryable: j.Status == domain.JobFailed && j.InputFileID != "" && j.FileDeletedAt == nil}
}
