package web

import (
	"context"
	"io"
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	id := e.completedJob(token, "a.ofx", sampleOFX("m"))
	garbage := decode[jobEnvelope](t, e.upload(token, "x.bin", []byte("garbage"))).Job.ID
	if err := e.jobs.Process(context.Background(), garbage); err != nil {
		t.Fatal(err)
	}
	e.request("GET", "/api/v1/jobs/"+id, token, nil, "")

	// bankflow_jobs is fed by the stats function given at construction.
	m := NewMetrics(MetricsConfig{
		JobStats: func(context.Context) (map[string]int64, error) {
			return map[string]int64{"queued": 3, "completed": 7}, nil
		},
		QueueDepth: func(context.Context) (int64, error) { return 3, nil },
	})
	m.JobSubmitted("email")
	m.JobFinished("completed", "itau", 0.2)
	m.ParseFailed("")
	m.ParseFailed("<script>banco-inventado")

	for name, h := range map[string]func() string{
		"served by the server": func() string { return e.request("GET", "/metrics", "", nil, "").Body.String() },
		"standalone":           func() string { return scrape(t, m) },
	} {
		t.Run(name, func(t *testing.T) {
			body := h()
			want := []string{
				`bankflow_uploads_total{source=`,
				`bankflow_jobs_total{status="completed"} 1`,
				`bankflow_processing_seconds_bucket`,
				`bankflow_queue_depth `,
				`bankflow_parse_failures_total{bank=`,
				`go_goroutines`,
			}
			if name == "served by the server" {
				want = append(want,
					`bankflow_uploads_total{source="upload"} 2`,
					`bankflow_jobs_total{status="failed"} 1`,
					`bankflow_http_request_duration_seconds_count{code="200",method="GET",route="/api/v1/jobs/{id}"} 1`,
					`route="/api/v1/statements"`,
				)
			} else {
				want = append(want, `bankflow_jobs{status="queued"} 3`, `bankflow_jobs{status="completed"} 7`,
					`bankflow_queue_depth 3`, `bankflow_parse_failures_total{bank="unknown"} 1`,
					`bankflow_parse_failures_total{bank="other"} 1`)
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("/metrics lacks %s", w)
				}
			}
			if strings.Contains(body, id) {
				t.Error("/metrics carries a job id: labels must use route templates")
			}
		})
	}
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := serve(m.Handler(), newRequest("GET", "/metrics"))
	b, err := io.ReadAll(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
