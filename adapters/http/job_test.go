package web

import (
	"context"
	"fmt"
	nethttp "net/http"
	"testing"

	"github.com/bankflow/bankflow/domain"
)

func TestJobGet(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	id := e.completedJob(token, "Extrato Itaú.ofx", sampleOFX("get"))

	rec := e.request("GET", "/api/v1/jobs/"+id, token, nil, "")
	if rec.Code != nethttp.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	j := decode[jobEnvelope](t, rec).Job
	if j.ID != id || j.Status != domain.JobCompleted || j.OriginalFilename != "Extrato Itaú.ofx" {
		t.Errorf("job = %+v", j)
	}
	if j.DetectedBank == nil || *j.DetectedBank != "itau" || j.TransactionCount != 2 {
		t.Errorf("detected_bank %v, transaction_count %d; want itau, 2", j.DetectedBank, j.TransactionCount)
	}
	// 1000.00 - 150.00 + 84.56 = 934.56, the closing balance.
	if j.Reconciliation == nil || j.Reconciliation.Status != domain.ReconBalanced || j.Reconciliation.Difference != "0.00" {
		t.Errorf("reconciliation = %+v, want balanced, 0.00", j.Reconciliation)
	}
	if j.Links.Transactions != "/api/v1/jobs/"+id+"/transactions" || j.Links.Exports["xlsx"] != "/api/v1/jobs/"+id+"/export?format=xlsx" {
		t.Errorf("links = %+v", j.Links)
	}
	if j.CompletedAt == nil || j.StartedAt == nil || j.ExpiresAt.IsZero() {
		t.Errorf("timestamps: started %v completed %v expires %v", j.StartedAt, j.CompletedAt, j.ExpiresAt)
	}
}

func TestJobQueuedHasNoResultLinks(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	rec := e.upload(token, "a.ofx", sampleOFX("queued"))
	j := decode[jobEnvelope](t, rec).Job
	if j.Status != domain.JobQueued || j.Links.Transactions != "" || j.Links.Exports != nil || j.DetectedBank != nil || j.ErrorMessage != nil || j.Reconciliation != nil {
		t.Errorf("queued job = %+v", j)
	}
}

func TestOtherUsersJobIsNotFound(t *testing.T) {
	e := newTestEnv(t)
	owner, _ := e.user("dona@example.com")
	intruder, _ := e.user("intrusa@example.com")
	id := e.completedJob(owner, "a.ofx", sampleOFX("mine"))

	for _, rt := range []struct{ method, path string }{
		{"GET", "/api/v1/jobs/" + id},
		{"GET", "/api/v1/jobs/" + id + "/transactions"},
		{"GET", "/api/v1/jobs/" + id + "/export?format=xlsx"},
		{"DELETE", "/api/v1/jobs/" + id},
	} {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			rec := e.request(rt.method, rt.path, intruder, nil, "")
			wantError(t, rec, nethttp.StatusNotFound, domain.CodeNotFound, "não encontrado")
		})
	}
	// Nor does it show in the intruder's list, and the owner still has it.
	list := decode[struct{ Jobs []jobJSON }](t, e.request("GET", "/api/v1/jobs", intruder, nil, ""))
	if len(list.Jobs) != 0 {
		t.Errorf("intruder lists %d jobs, want 0", len(list.Jobs))
	}
	if rec := e.request("GET", "/api/v1/jobs/"+id, owner, nil, ""); rec.Code != nethttp.StatusOK {
		t.Errorf("owner after intruder's DELETE: status %d", rec.Code)
	}
}

func TestJobNotFound(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	wantError(t, e.request("GET", "/api/v1/jobs/00000000-0000-4000-8000-000000000000", token, nil, ""),
		nethttp.StatusNotFound, domain.CodeNotFound, "não encontrado")
}

func TestJobList(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	e.setTierByEmail("bia@example.com", domain.TierBusiness) // free allows only 2 concurrent jobs
	var ids []string
	for i := 0; i < 5; i++ {
		rec := e.upload(token, fmt.Sprintf("f%d.ofx", i), sampleOFX(fmt.Sprint(i)))
		if rec.Code != nethttp.StatusAccepted {
			t.Fatalf("upload %d: %d %s", i, rec.Code, rec.Body)
		}
		ids = append(ids, decode[jobEnvelope](t, rec).Job.ID)
	}
	if err := e.jobs.Process(context.Background(), ids[0]); err != nil {
		t.Fatal(err)
	}

	type page struct {
		Jobs   []jobJSON `json:"jobs"`
		Limit  int       `json:"limit"`
		Offset int       `json:"offset"`
	}
	tests := []struct {
		query string
		want  int
	}{
		{"", 5},
		{"?limit=2", 2},
		{"?limit=2&offset=4", 1},
		{"?offset=10", 0},
		{"?status=completed", 1},
		{"?status=queued", 4},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := e.request("GET", "/api/v1/jobs"+tt.query, token, nil, "")
			if rec.Code != nethttp.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			p := decode[page](t, rec)
			if len(p.Jobs) != tt.want {
				t.Errorf("%d jobs, want %d", len(p.Jobs), tt.want)
			}
			if p.Jobs == nil {
				t.Error("jobs is null, want a list")
			}
		})
	}
	for _, bad := range []string{"?limit=0", "?limit=201", "?limit=abc", "?offset=-1", "?status=done"} {
		t.Run(bad, func(t *testing.T) {
			wantError(t, e.request("GET", "/api/v1/jobs"+bad, token, nil, ""), nethttp.StatusBadRequest, domain.CodeInvalid, "inválido")
		})
	}
}

func TestJobDelete(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	id := e.completedJob(token, "a.ofx", sampleOFX("del"))

	rec := e.request("DELETE", "/api/v1/jobs/"+id, token, nil, "")
	if rec.Code != nethttp.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("DELETE: status %d, body %q; want 204, empty", rec.Code, rec.Body)
	}
	wantError(t, e.request("GET", "/api/v1/jobs/"+id, token, nil, ""), nethttp.StatusNotFound, domain.CodeNotFound, "")
	wantError(t, e.request("DELETE", "/api/v1/jobs/"+id, token, nil, ""), nethttp.StatusNotFound, domain.CodeNotFound, "")
	if n := e.files.count(); n != 0 {
		t.Errorf("%d stored files left after delete, want 0", n)
	}
}

func TestUnavailableDatabaseIs503(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	e.store.mu.Lock()
	e.store.fail = domain.Wrap(domain.CodeUnavailable, fmt.Errorf("dial tcp: connection refused"), "Serviço temporariamente indisponível. Tente novamente em instantes.")
	e.store.mu.Unlock()
	rec := e.request("GET", "/api/v1/jobs", token, nil, "")
	wantError(t, rec, nethttp.StatusServiceUnavailable, domain.CodeUnavailable, "indisponível")
	if body := rec.Body.String(); contains(body, "dial tcp") {
		t.Errorf("503 leaks the cause: %s", body)
	}
}

// BenchmarkGetJob measures GET /api/v1/jobs/{id} through the full handler:
// middleware, router, authentication (session JWT) and the application.
func BenchmarkGetJob(b *testing.B) {
	e := newTestEnv(b)
	token, _ := e.user("bench@example.com")
	id := e.completedJob(token, "a.ofx", sampleOFX("bench"))
	req := newRequest("GET", "/api/v1/jobs/"+id)
	req.Header.Set("Authorization", "Bearer "+token)
	b.ReportAllocs()
	for b.Loop() {
		rec := serve(e.handler, req)
		if rec.Code != nethttp.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
