package web

import (
	"net/http/httptest"
	"testing"
)

// BenchmarkResultsPage renders the results page of a 1,000-transaction job
// (first page of 50 rows, statements, row accounting) through the whole
// handler: session check, CSRF token, Jobs.Statements, Jobs.Search,
// templates. The application services are real; storage is in memory.
func BenchmarkResultsPage(b *testing.B) {
	e := newPageEnv(b)
	br, _ := e.signedIn("bench@example.com")
	id := br.jobOf(e, "mil.csv", bulk(1000, "bench"))
	for _, tc := range []struct{ name, target, hxTarget string }{
		{"full", "/jobs/" + id, ""},
		{"panel-sorted", "/jobs/" + id + "?sort=-amount&page=7", fragTxPanel},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", tc.target, nil)
			req.AddCookie(cookieOf(br))
			if tc.hxTarget != "" {
				req.Header.Set("HX-Request", "true")
				req.Header.Set("HX-Target", tc.hxTarget)
			}
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				e.handler.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
