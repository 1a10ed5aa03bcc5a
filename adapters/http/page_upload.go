package web

import (
	nethttp "net/http"

	"github.com/gorilla/mux"
)

// uploadPage is the view model of GET /upload.
type uploadPage struct {
	layout
	MaxBytes int64
	MaxLabel string
	Usage    usageView
}

// handleUploadPage shows the drop zone: GET /upload. The plan's size limit
// is in data-max-bytes so app.js refuses a file too large before sending it.
func (s *Server) handleUploadPage(w nethttp.ResponseWriter, r *nethttp.Request) {
	usage, err := s.jobs.Usage(r.Context(), User(r.Context()))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	maxBytes := s.maxUpload
	if l := usage.Limits.MaxFileBytes; l > 0 && l < maxBytes {
		maxBytes = l
	}
	s.render(w, r, nethttp.StatusOK, tplUpload, layoutTemplate, uploadPage{
		layout:   layoutFor(r, "Enviar extratos", "upload"),
		MaxBytes: maxBytes, MaxLabel: formatSize(maxBytes), Usage: newUsageView(usage),
	})
}

// handleUploadSubmit receives one file (multipart field "file", CSRF in the
// X-CSRF-Token header) and answers the new job's row: 202 for a new job,
// 200 with X-Duplicate: true for a file sent before. Errors are the pt-BR
// error fragment with the API's statuses (413 too large, 429 quota...).
func (s *Server) handleUploadSubmit(w nethttp.ResponseWriter, r *nethttp.Request) {
	res, err := s.receiveStatement(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	status := nethttp.StatusAccepted
	if res.Duplicate {
		w.Header().Set("X-Duplicate", "true")
		status = nethttp.StatusOK
	}
	s.render(w, r, status, tplDashboard, fragJobRow, newJobRow(res.Job))
}

// handleJobRow answers one job's row, which polls itself through this
// route until the job is final: GET /jobs/{id}/row.
func (s *Server) handleJobRow(w nethttp.ResponseWriter, r *nethttp.Request) {
	j, err := s.jobs.Get(r.Context(), User(r.Context()), mux.Vars(r)["id"])
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, nethttp.StatusOK, tplDashboard, fragJobRow, newJobRow(j))
}
