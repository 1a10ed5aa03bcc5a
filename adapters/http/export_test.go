package web

import (
	"mime"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/domain"
)

func TestExport(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	id := e.completedJob(token, "Extrato Itaú março/2024.ofx", sampleOFX("exp"))

	tests := []struct {
		query       string
		contentType string
		filename    string
		body        string
	}{
		{"?format=xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "2024.xlsx", ""},
		{"", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "2024.xlsx", ""},
		{"?format=csv", "text/csv; charset=utf-8", "2024.csv", "csv 2024-01-02 -150.00"},
		{"?format=OFX", "application/x-ofx", "2024.ofx", "ofx 2024-01-03 84.56"},
		{"?format=json", "application/json; charset=utf-8", "2024.json", `"transactions":2`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := e.request("GET", "/api/v1/jobs/"+id+"/export"+tt.query, token, nil, "")
			if rec.Code != nethttp.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", ct, tt.contentType)
			}
			disp, params, err := mime.ParseMediaType(rec.Header().Get("Content-Disposition"))
			if err != nil || disp != "attachment" {
				t.Fatalf("Content-Disposition %q: %v", rec.Header().Get("Content-Disposition"), err)
			}
			if params["filename"] != tt.filename {
				t.Errorf("filename = %q, want %q", params["filename"], tt.filename)
			}
			if rec.Body.Len() == 0 || !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("body %q, want it to contain %q", rec.Body, tt.body)
			}
		})
	}
	t.Run("unknown format", func(t *testing.T) {
		rec := e.request("GET", "/api/v1/jobs/"+id+"/export?format=pdf", token, nil, "")
		wantError(t, rec, nethttp.StatusBadRequest, domain.CodeInvalid, "xlsx, csv, ofx ou json")
	})
}

func TestExportBeforeCompletion(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	id := decode[jobEnvelope](t, e.upload(token, "a.ofx", sampleOFX("wait"))).Job.ID
	for _, path := range []string{"/export?format=csv", "/transactions"} {
		rec := e.request("GET", "/api/v1/jobs/"+id+path, token, nil, "")
		wantError(t, rec, nethttp.StatusConflict, domain.CodeConflict, "processamento")
		if rec.Header().Get("Content-Disposition") != "" {
			t.Errorf("%s: error answer carries Content-Disposition", path)
		}
	}
}

func TestFailedJobShowsMessage(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	rec := e.upload(token, "lixo.bin", []byte("\x00\x01garbage"))
	id := decode[jobEnvelope](t, rec).Job.ID
	if err := e.jobs.Process(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	j := decode[jobEnvelope](t, e.request("GET", "/api/v1/jobs/"+id, token, nil, "")).Job
	if j.Status != domain.JobFailed || j.ErrorMessage == nil || *j.ErrorMessage == "" {
		t.Errorf("garbage job = %+v, want failed with a message", j)
	}
	rec = e.request("GET", "/api/v1/jobs/"+id+"/transactions", token, nil, "")
	if rec.Code != nethttp.StatusConflict {
		t.Errorf("transactions of a failed job: status %d, want 409", rec.Code)
	}
}

func TestTransactions(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	id := e.completedJob(token, "a.ofx", sampleOFX("tx"))
	rec := e.request("GET", "/api/v1/jobs/"+id+"/transactions", token, nil, "")
	if rec.Code != nethttp.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if d := rec.Header().Get("Content-Disposition"); d != "" {
		t.Errorf("Content-Disposition = %q, want none (inline JSON)", d)
	}
	if !strings.Contains(rec.Body.String(), `"bank":"itau"`) || !strings.Contains(rec.Body.String(), `"transactions":2`) {
		t.Errorf("body = %s, want the JSON exporter's output", rec.Body)
	}
}

func TestDownloadName(t *testing.T) {
	tests := []struct {
		original string
		format   domain.ExportFormat
		want     string
	}{
		{"Extrato Itaú março.ofx", domain.ExportXLSX, "Extrato_Itau_marco.xlsx"},
		{"extrato.ofx", domain.ExportOFX, "extrato.ofx"},
		{"../../etc/passwd", domain.ExportCSV, "passwd.csv"},
		{"a\"b;c\r\nd.csv", domain.ExportCSV, "a_b_c_d.csv"},
		{`C:\Users\bia\extrato.ofx`, domain.ExportCSV, "extrato.csv"},
		{"", domain.ExportJSON, "extrato.json"},
		{"ção.csv", domain.ExportXLSX, "cao.xlsx"},
		{"日本語.csv", domain.ExportXLSX, "extrato.xlsx"},
		{strings.Repeat("a", 300) + ".ofx", domain.ExportCSV, strings.Repeat("a", 80) + ".csv"},
	}
	for _, tt := range tests {
		if got := downloadName(tt.original, tt.format); got != tt.want {
			t.Errorf("downloadName(%q, %s) = %q, want %q", tt.original, tt.format, got, tt.want)
		}
	}
}

// TestExportFailingMidStream checks that an export failing after its first
// bytes cuts the connection (http.ErrAbortHandler) instead of ending a 200
// normally, so the client never keeps a truncated file as if whole.
func TestExportFailingMidStream(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	id := e.completedJob(token, "a.ofx", sampleOFX("BROKEN-EXPORT"))
	rec := httptest.NewRecorder()
	req := newRequest("GET", "/api/v1/jobs/"+id+"/export?format=csv")
	req.Header.Set("Authorization", "Bearer "+token)
	defer func() {
		if v := recover(); v != nethttp.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
		if rec.Body.String() != "partial output" {
			t.Errorf("body = %q", rec.Body)
		}
	}()
	e.handler.ServeHTTP(rec, req)
	t.Errorf("export ended normally: status %d, body %q", rec.Code, rec.Body)
}
