package web

import (
	"context"
	"errors"
	nethttp "net/http"
	"slices"
	"testing"
)

func TestHealth(t *testing.T) {
	e := newTestEnv(t, func(d *Deps) {
		d.Checkers = []Checker{CheckFunc{Label: "database", Fn: func(context.Context) error { return errors.New("down") }}}
	})
	rec := e.request("GET", "/health", "", nil, "")
	if rec.Code != nethttp.StatusOK || decode[map[string]string](t, rec)["status"] != "ok" {
		t.Errorf("/health = %d %s, want 200 ok even with the database down", rec.Code, rec.Body)
	}
}

func TestReady(t *testing.T) {
	ok := CheckFunc{Label: "database", Fn: func(context.Context) error { return nil }}
	down := CheckFunc{Label: "queue", Fn: func(context.Context) error { return errors.New("redis: connection refused") }}
	slow := CheckFunc{Label: "files", Fn: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }}

	type answer struct {
		Status string            `json:"status"`
		Failed []string          `json:"failed"`
		Checks map[string]string `json:"checks"`
	}
	tests := []struct {
		name     string
		checkers []Checker
		status   int
		failed   []string
	}{
		{"all up", []Checker{ok}, 200, nil},
		{"none configured", nil, 200, nil},
		{"queue down", []Checker{ok, down}, 503, []string{"queue"}},
		{"check ends with its request", []Checker{ok, slow}, 503, []string{"files"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, func(d *Deps) { d.Checkers = tt.checkers })
			req := newRequest("GET", "/ready")
			if tt.name == "check ends with its request" {
				ctx, cancel := context.WithCancel(req.Context())
				cancel() // a gone client: the slow check must not hang the handler
				req = req.WithContext(ctx)
			}
			rec := serve(e.handler, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			a := decode[answer](t, rec)
			if !slices.Equal(a.Failed, tt.failed) {
				t.Errorf("failed = %v, want %v", a.Failed, tt.failed)
			}
			for _, c := range tt.checkers {
				want := "ok"
				if slices.Contains(tt.failed, c.Name()) {
					want = "unavailable"
				}
				if a.Checks[c.Name()] != want {
					t.Errorf("checks[%s] = %q, want %q", c.Name(), a.Checks[c.Name()], want)
				}
			}
			if contains(rec.Body.String(), "refused") {
				t.Errorf("/ready leaks the cause: %s", rec.Body)
			}
		})
	}
}
