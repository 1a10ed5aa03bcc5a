package web

import (
	"fmt"
	nethttp "net/http"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// dashboardJobs is how many recent jobs the dashboard lists.
const dashboardJobs = 20

// dashboardPage is the view model of GET /.
type dashboardPage struct {
	layout
	Usage usageView
	Jobs  []jobRow
}

// usageView is this month's consumption against the plan.
type usageView struct {
	Plan      string
	Used      int
	Quota     int // 0: unlimited
	Percent   int
	Remaining int
	Active    int
	Full      bool
	MaxFile   string
}

func newUsageView(u application.Usage) usageView {
	v := usageView{Plan: u.Tier.Label(), Used: u.FilesThisMonth, Quota: u.Limits.FilesPerMonth,
		Active: u.ActiveJobs, MaxFile: formatSize(u.Limits.MaxFileBytes)}
	if v.Quota > 0 {
		v.Percent = min(100, v.Used*100/v.Quota)
		v.Remaining = max(0, v.Quota-v.Used)
		v.Full = v.Used >= v.Quota
	}
	return v
}

// handleDashboard shows this month's usage and the recent jobs, which update
// themselves while they run: GET /.
func (s *Server) handleDashboard(w nethttp.ResponseWriter, r *nethttp.Request) {
	u := User(r.Context())
	usage, err := s.jobs.Usage(r.Context(), u)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	jobs, err := s.jobs.List(r.Context(), u, domain.JobFilter{UserID: u.ID, Limit: dashboardJobs})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	view := dashboardPage{layout: layoutFor(r, "Painel", "dashboard"), Usage: newUsageView(usage)}
	for i := range jobs {
		view.Jobs = append(view.Jobs, newJobRow(&jobs[i]))
	}
	s.render(w, r, nethttp.StatusOK, tplDashboard, layoutTemplate, view)
}

// jobRow is one job as the job tables show it (dashboard, upload page).
type jobRow struct {
	ID           string
	File         string
	Bank         string
	Status       domain.JobStatus
	StatusLabel  string
	StatusClass  string
	Progress     int
	Final        bool
	Transactions int
	Recon        badgeView
	Created      string
	Error        string
}

// badgeView is a small status pill: its state (a data attribute for tests
// and styles), text and class.
type badgeView struct {
	State string
	Text  string
	Class string
}

func newJobRow(j *domain.Job) jobRow {
	row := jobRow{
		ID: j.ID, File: j.OriginalFilename, Bank: bankName(j.DetectedBank), Status: j.Status,
		Progress: j.Progress, Final: j.Status.Final(), Transactions: j.TransactionCount,
		Created: formatTime(j.CreatedAt), Error: j.ErrorMessage,
	}
	if row.File == "" {
		row.File = "(sem nome)"
	}
	switch j.Status {
	case domain.JobQueued:
		row.StatusLabel, row.StatusClass = "Na fila", "badge-info"
	case domain.JobProcessing:
		row.StatusLabel, row.StatusClass = fmt.Sprintf("Processando %d%%", j.Progress), "badge-warn"
	case domain.JobCompleted:
		row.StatusLabel, row.StatusClass = "Concluído", "badge-ok"
	case domain.JobFailed:
		row.StatusLabel, row.StatusClass = "Falhou", "badge-bad"
	case domain.JobCancelled:
		row.StatusLabel, row.StatusClass = "Cancelado", "badge-info"
	default:
		row.StatusLabel, row.StatusClass = string(j.Status), "badge-info"
	}
	if j.Status == domain.JobCompleted {
		row.Recon = reconBadge(j.Reconciliation, j.Difference, domain.Date{})
	}
	return row
}

// reconBadge is the balance proof as people read it.
func reconBadge(status domain.ReconStatus, diff domain.Money, breakDate domain.Date) badgeView {
	switch status {
	case domain.ReconBalanced:
		return badgeView{State: "balanced", Text: "Saldo conferido", Class: "badge-ok"}
	case domain.ReconMismatch:
		text := "Saldo divergente: diferença " + brl(diff)
		if !breakDate.IsZero() {
			text += ", quebra em " + breakDate.BR()
		}
		return badgeView{State: "mismatch", Text: text, Class: "badge-bad"}
	}
	return badgeView{State: "unknown", Text: "Sem saldos para conferir", Class: "badge-info"}
}
