package web

import (
	"io"
	"log/slog"
	"mime"
	nethttp "net/http"
	"path"
	"strings"
	"unicode"

	"github.com/gorilla/mux"
	"golang.org/x/text/unicode/norm"

	"github.com/bankflow/bankflow/domain"
)

// contentTypes are the media types of the export formats.
var contentTypes = map[domain.ExportFormat]string{
	domain.ExportXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	domain.ExportCSV:  "text/csv; charset=utf-8",
	domain.ExportOFX:  "application/x-ofx",
	domain.ExportJSON: "application/json; charset=utf-8",
}

// handleJobTransactions answers a completed job's statements in the
// statement JSON contract: GET /api/v1/jobs/{id}/transactions. 409 while the
// job is not completed.
func (s *Server) handleJobTransactions(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.export(w, r, mux.Vars(r)["id"], domain.ExportJSON, "")
}

// handleJobExport downloads a completed job's statements:
// GET /api/v1/jobs/{id}/export?format=xlsx|csv|ofx|json (xlsx when absent),
// as an attachment named after the uploaded file.
func (s *Server) handleJobExport(w nethttp.ResponseWriter, r *nethttp.Request) {
	format := domain.ExportFormat(strings.ToLower(r.URL.Query().Get("format")))
	if format == "" {
		format = domain.ExportXLSX
	}
	if _, ok := contentTypes[format]; !ok {
		s.fail(w, r, nethttp.StatusBadRequest, domain.CodeInvalid,
			"Formato de exportação desconhecido: use xlsx, csv, ofx ou json.")
		return
	}
	id := mux.Vars(r)["id"]
	j, err := s.jobs.Get(r.Context(), User(r.Context()), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{
		"filename": downloadName(j.OriginalFilename, format),
	})
	s.export(w, r, id, format, disposition)
}

// export streams Jobs.Export to the client. Headers are sent with the first
// byte, so an error before it (not found, not completed) is still a proper
// JSON error; an error after it can only cut the connection, which the
// client sees as a broken download rather than a truncated file taken for
// whole.
func (s *Server) export(w nethttp.ResponseWriter, r *nethttp.Request, id string, format domain.ExportFormat, disposition string) {
	dw := &deferredWriter{w: w, start: func(h nethttp.Header) {
		h.Set("Content-Type", contentTypes[format])
		if disposition != "" {
			h.Set("Content-Disposition", disposition)
		}
	}}
	err := s.jobs.Export(r.Context(), User(r.Context()), id, format, dw)
	if err == nil {
		dw.begin() // an empty export is still a 200
		return
	}
	if !dw.started {
		s.renderError(w, r, err)
		return
	}
	s.log.ErrorContext(r.Context(), "export failed mid-stream",
		slog.String("request_id", RequestID(r.Context())),
		slog.String("job_id", id), slog.String("format", string(format)), slog.Any("error", err))
	panic(nethttp.ErrAbortHandler)
}

// deferredWriter sends the status and headers just before the first byte.
type deferredWriter struct {
	w       nethttp.ResponseWriter
	start   func(nethttp.Header)
	started bool
}

var _ io.Writer = (*deferredWriter)(nil)

func (d *deferredWriter) begin() {
	if d.started {
		return
	}
	d.started = true
	d.start(d.w.Header())
	d.w.WriteHeader(nethttp.StatusOK)
}

func (d *deferredWriter) Write(p []byte) (int, error) {
	d.begin()
	return d.w.Write(p)
}

// downloadName derives a safe attachment name from the uploaded file's name:
// its stem folded to ASCII letters, digits, '-', '_' and '.', with the
// export's extension ("Extrato Itaú março.ofx" → "Extrato_Itau_marco.xlsx").
func downloadName(original string, format domain.ExportFormat) string {
	base := path.Base(strings.ReplaceAll(original, "\\", "/"))
	stem := strings.TrimSuffix(base, path.Ext(base))
	var b strings.Builder
	underscore := false
	for _, r := range norm.NFD.String(stem) {
		if b.Len() >= 80 {
			break
		}
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.'):
			b.WriteRune(r)
			underscore = false
		default:
			if !underscore && b.Len() > 0 {
				b.WriteByte('_')
				underscore = true
			}
		}
	}
	name := strings.Trim(b.String(), "._-")
	if name == "" {
		name = "extrato"
	}
	return name + "." + string(format)
}
