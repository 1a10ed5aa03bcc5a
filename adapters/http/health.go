package web

import (
	"context"
	"log/slog"
	nethttp "net/http"
	"sync"
	"time"
)

// readyTimeout bounds each dependency check of /ready.
const readyTimeout = 2 * time.Second

// handleHealth is the liveness probe: the process answers HTTP. It checks
// nothing else, so a database outage never gets healthy processes killed.
func (s *Server) handleHealth(w nethttp.ResponseWriter, r *nethttp.Request) {
	writeJSON(w, nethttp.StatusOK, map[string]string{"status": "ok"})
}

// handleReady is the readiness probe: every Checker must answer within
// readyTimeout. 200 {"status":"ok","checks":{"database":"ok",...}} or 503
// {"status":"unavailable","failed":["queue"],"checks":{...}}. The causes are
// logged, not shown: the endpoint is unauthenticated.
func (s *Server) handleReady(w nethttp.ResponseWriter, r *nethttp.Request) {
	results := make([]error, len(s.checkers))
	var wg sync.WaitGroup
	for i, c := range s.checkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
			defer cancel()
			results[i] = c.Check(ctx)
		}()
	}
	wg.Wait()

	checks := make(map[string]string, len(s.checkers))
	failed := []string{}
	for i, c := range s.checkers {
		if err := results[i]; err != nil {
			checks[c.Name()] = "unavailable"
			failed = append(failed, c.Name())
			s.log.WarnContext(r.Context(), "readiness check failed",
				slog.String("dependency", c.Name()), slog.Any("error", err))
			continue
		}
		checks[c.Name()] = "ok"
	}
	if len(failed) > 0 {
		writeJSON(w, nethttp.StatusServiceUnavailable, map[string]any{"status": "unavailable", "failed": failed, "checks": checks})
		return
	}
	writeJSON(w, nethttp.StatusOK, map[string]any{"status": "ok", "checks": checks})
}

// CheckFunc adapts a function to a Checker.
type CheckFunc struct {
	// Label is the dependency's name.
	Label string
	// Fn checks it.
	Fn func(ctx context.Context) error
}

// Name returns Label.
func (c CheckFunc) Name() string { return c.Label }

// Check calls Fn.
func (c CheckFunc) Check(ctx context.Context) error { return c.Fn(ctx) }
