package web

import (
	nethttp "net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/bankflow/bankflow/domain"
)

const (
	adminJobsPageSize  = 50
	adminAuditPageSize = 50
)

// adminJobsPage is the view model of GET /admin/jobs.
type adminJobsPage struct {
	adminBase
	Statuses []option
	JobTable jobTable
	Pager    pager
	Error    string
}

var adminJobsFlash = map[string]string{"retry": "Arquivo colocado de novo na fila de processamento."}

// handleAdminJobs lists every job, failed ones first with their error:
// GET /admin/jobs?status=&page=.
func (s *Server) handleAdminJobs(w nethttp.ResponseWriter, r *nethttp.Request) {
	status := domain.JobStatus(r.URL.Query().Get("status"))
	if _, ok := jobStatusLabels[status]; !ok {
		status = ""
	}
	page := pageParam(r)
	js, total, err := s.admin.Jobs(r.Context(), User(r.Context()), domain.JobFilter{Status: status, Limit: adminJobsPageSize, Offset: (page - 1) * adminJobsPageSize})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := adminJobsPage{adminBase: adminLayout(r, "Processamentos", "jobs"), Pager: newPager(r, page, adminJobsPageSize, total),
		Statuses: []option{{"", "Todos", status == ""}}}
	for _, st := range []domain.JobStatus{domain.JobFailed, domain.JobQueued, domain.JobProcessing, domain.JobCompleted, domain.JobCancelled} {
		v.Statuses = append(v.Statuses, option{string(st), jobStatusLabels[st], st == status})
	}
	v.JobTable = jobTable{CSRF: v.CSRF, ShowOwner: true}
	for _, j := range js {
		v.JobTable.Jobs = append(v.JobTable.Jobs, jobRowOf(j))
	}
	v.Flash = adminJobsFlash[r.URL.Query().Get("ok")]
	s.renderPage(w, r, nethttp.StatusOK, tplAdminJobs, "admin-jobs-panel", v)
}

// handleAdminJobRetry puts a failed job back in the queue: POST
// /admin/jobs/{id}/retry.
func (s *Server) handleAdminJobRetry(w nethttp.ResponseWriter, r *nethttp.Request) {
	if _, err := s.admin.RetryJob(r.Context(), User(r.Context()), mux.Vars(r)["id"], s.clientIP(r)); err != nil {
		s.renderError(w, r, err)
		return
	}
	nethttp.Redirect(w, r, "/admin/jobs?ok=retry", nethttp.StatusSeeOther)
}

// adminSystemPage is the view model of GET /admin/system.
type adminSystemPage struct {
	adminBase
	QueueDepth   string
	Workers      int
	StorageKnown bool
	StoredFiles  int
	StoredBytes  string
	ByStatus     []statusCount
}

type statusCount struct {
	Status, Label string
	Count         int
}

// handleAdminSystem shows queue depth, workers, storage use and jobs by
// status: GET /admin/system.
func (s *Server) handleAdminSystem(w nethttp.ResponseWriter, r *nethttp.Request) {
	st, err := s.admin.System(r.Context(), User(r.Context()))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := adminSystemPage{adminBase: adminLayout(r, "Sistema", "system"), QueueDepth: "indisponível", Workers: st.Workers,
		StorageKnown: st.StorageKnown, StoredFiles: st.StoredFiles, StoredBytes: sizeText(st.StoredBytes)}
	if st.QueueDepth >= 0 {
		v.QueueDepth = strconv.FormatInt(st.QueueDepth, 10)
	}
	for _, s := range []domain.JobStatus{domain.JobQueued, domain.JobProcessing, domain.JobCompleted, domain.JobFailed, domain.JobCancelled} {
		v.ByStatus = append(v.ByStatus, statusCount{string(s), jobStatusLabels[s], st.JobsByStatus[s]})
	}
	s.render(w, r, nethttp.StatusOK, tplAdminSystem, layoutTemplate, v)
}

// adminAuditPage is the view model of GET /admin/audit.
type adminAuditPage struct {
	adminBase
	Actions         []option
	Actor, From, To string
	Events          []auditRow
	Pager           pager
	Error           string
}

type auditRow struct {
	At, Action, Actor, Target, IP, Detail string
}

// handleAdminAudit filters and pages through the audit log: GET
// /admin/audit?action=&actor=&from=YYYY-MM-DD&to=YYYY-MM-DD&page=. Dates are
// Brasília days; "to" is inclusive.
func (s *Server) handleAdminAudit(w nethttp.ResponseWriter, r *nethttp.Request) {
	q := r.URL.Query()
	page := pageParam(r)
	f := domain.AuditFilter{Action: strings.TrimSpace(q.Get("action")), ActorID: strings.TrimSpace(q.Get("actor")),
		Limit: adminAuditPageSize, Offset: (page - 1) * adminAuditPageSize}
	v := adminAuditPage{adminBase: adminLayout(r, "Auditoria", "audit"), Actor: f.ActorID, From: q.Get("from"), To: q.Get("to")}
	var bad bool
	if v.From != "" {
		t, err := time.ParseInLocation("2006-01-02", v.From, brazil)
		bad = bad || err != nil
		f.From = t
	}
	if v.To != "" {
		t, err := time.ParseInLocation("2006-01-02", v.To, brazil)
		bad = bad || err != nil
		f.To = t.AddDate(0, 0, 1)
	}
	if bad {
		v.Error = "Datas inválidas: use o seletor de data."
		f.From, f.To = time.Time{}, time.Time{}
	}
	res, err := s.admin.Audit(r.Context(), User(r.Context()), f)
	if domain.ErrorCode(err) == domain.CodeInvalid {
		v.Error = domain.ErrorMessage(err)
		f.From, f.To = time.Time{}, time.Time{}
		res, err = s.admin.Audit(r.Context(), User(r.Context()), f)
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Actions = []option{{"", "Todas as ações", f.Action == ""}, {"admin.", "Ações de administradores", f.Action == "admin."}}
	for _, a := range res.Actions {
		v.Actions = append(v.Actions, option{a, a, a == f.Action})
	}
	v.Pager = newPager(r, page, adminAuditPageSize, res.Total)
	for _, e := range res.Events {
		v.Events = append(v.Events, auditRow{At: e.At.In(brazil).Format("02/01/2006 15:04:05"), Action: e.Action,
			Actor: e.ActorID, Target: e.TargetID, IP: e.IP, Detail: e.Detail})
	}
	s.renderPage(w, r, nethttp.StatusOK, tplAdminAudit, "admin-audit-panel", v)
}
