package web

import (
	nethttp "net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/bankflow/bankflow/domain"
)

// Paging of GET /api/v1/jobs.
const (
	defaultJobPage = 50
	maxJobPage     = 200
)

// jobJSON is a job as the API shows it. Internal fields (file ids, hash,
// attempts, summary) stay out.
type jobJSON struct {
	ID               string              `json:"id"`
	Status           domain.JobStatus    `json:"status"`
	Progress         int                 `json:"progress"`
	Source           domain.JobSource    `json:"source"`
	OriginalFilename string              `json:"original_filename"`
	FileSize         int64               `json:"file_size"`
	DetectedBank     *string             `json:"detected_bank"`
	Format           *string             `json:"format"`
	TransactionCount int                 `json:"transaction_count"`
	Reconciliation   *reconciliationJSON `json:"reconciliation"`
	ErrorMessage     *string             `json:"error_message"`
	CreatedAt        time.Time           `json:"created_at"`
	StartedAt        *time.Time          `json:"started_at"`
	CompletedAt      *time.Time          `json:"completed_at"`
	ExpiresAt        time.Time           `json:"expires_at"`
	FileDeletedAt    *time.Time          `json:"file_deleted_at"`
	Links            jobLinks            `json:"links"`
}

type reconciliationJSON struct {
	Status     domain.ReconStatus `json:"status"`
	Difference string             `json:"difference"`
}

// jobLinks lets a client follow a job without building URLs. Results appear
// once the job is completed.
type jobLinks struct {
	Self         string            `json:"self"`
	Transactions string            `json:"transactions,omitempty"`
	Exports      map[string]string `json:"exports,omitempty"`
}

// exportFormats are the formats of GET /api/v1/jobs/{id}/export, in the
// order links list them.
var exportFormats = []domain.ExportFormat{domain.ExportXLSX, domain.ExportCSV, domain.ExportOFX, domain.ExportJSON}

func newJobJSON(j *domain.Job) jobJSON {
	self := apiPrefix + "/jobs/" + url.PathEscape(j.ID)
	out := jobJSON{
		ID:               j.ID,
		Status:           j.Status,
		Progress:         j.Progress,
		Source:           j.Source,
		OriginalFilename: j.OriginalFilename,
		FileSize:         j.FileSize,
		DetectedBank:     optString(j.DetectedBank),
		Format:           optString(j.Format),
		TransactionCount: j.TransactionCount,
		ErrorMessage:     optString(j.ErrorMessage),
		CreatedAt:        j.CreatedAt.UTC(),
		StartedAt:        utcPtr(j.StartedAt),
		CompletedAt:      utcPtr(j.CompletedAt),
		ExpiresAt:        j.ExpiresAt.UTC(),
		FileDeletedAt:    utcPtr(j.FileDeletedAt),
		Links:            jobLinks{Self: self},
	}
	// The balance proof exists once the job completed; before that (and for
	// failed jobs) it is null rather than a misleading "unknown".
	if j.Status == domain.JobCompleted && j.Reconciliation != "" {
		out.Reconciliation = &reconciliationJSON{Status: j.Reconciliation, Difference: j.Difference.String()}
	}
	if j.Status == domain.JobCompleted {
		out.Links.Transactions = self + "/transactions"
		out.Links.Exports = make(map[string]string, len(exportFormats))
		for _, f := range exportFormats {
			out.Links.Exports[string(f)] = self + "/export?format=" + string(f)
		}
	}
	return out
}

// handleJobList answers the user's jobs, newest first:
// GET /api/v1/jobs?limit=50&offset=0&status=completed.
func (s *Server) handleJobList(w nethttp.ResponseWriter, r *nethttp.Request) {
	q := r.URL.Query()
	limit, ok := queryInt(q, "limit", defaultJobPage, 1, maxJobPage)
	if !ok {
		writeError(w, r, nethttp.StatusBadRequest, domain.CodeInvalid, "Parâmetro limit inválido: use um número de 1 a 200.")
		return
	}
	offset, ok := queryInt(q, "offset", 0, 0, 1<<31-1)
	if !ok {
		writeError(w, r, nethttp.StatusBadRequest, domain.CodeInvalid, "Parâmetro offset inválido: use um número a partir de 0.")
		return
	}
	status := domain.JobStatus(q.Get("status"))
	if status != "" && !knownStatus(status) {
		writeError(w, r, nethttp.StatusBadRequest, domain.CodeInvalid,
			"Parâmetro status inválido: use queued, processing, completed, failed ou cancelled.")
		return
	}
	jobs, err := s.jobs.List(r.Context(), User(r.Context()), domain.JobFilter{Status: status, Limit: limit, Offset: offset})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	out := make([]jobJSON, len(jobs))
	for i := range jobs {
		out[i] = newJobJSON(&jobs[i])
	}
	writeJSON(w, nethttp.StatusOK, map[string]any{"jobs": out, "limit": limit, "offset": offset})
}

// handleJobGet answers one job: GET /api/v1/jobs/{id}; 404 for a job that
// does not exist or belongs to someone else.
func (s *Server) handleJobGet(w nethttp.ResponseWriter, r *nethttp.Request) {
	j, err := s.jobs.Get(r.Context(), User(r.Context()), mux.Vars(r)["id"])
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	writeJSON(w, nethttp.StatusOK, map[string]any{"job": newJobJSON(j)})
}

// handleJobDelete deletes a job, its results and stored files:
// DELETE /api/v1/jobs/{id} → 204.
func (s *Server) handleJobDelete(w nethttp.ResponseWriter, r *nethttp.Request) {
	if err := s.jobs.Delete(r.Context(), User(r.Context()), mux.Vars(r)["id"]); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.WriteHeader(nethttp.StatusNoContent)
}

func knownStatus(s domain.JobStatus) bool {
	switch s {
	case domain.JobQueued, domain.JobProcessing, domain.JobCompleted, domain.JobFailed, domain.JobCancelled:
		return true
	}
	return false
}

// queryInt reads an integer query parameter within [lo, hi], def when absent.
func queryInt(q url.Values, key string, def, lo, hi int) (int, bool) {
	v := q.Get(key)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, false
	}
	return n, true
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
