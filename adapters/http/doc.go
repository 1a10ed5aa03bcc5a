// Package web is BankFlow's inbound HTTP adapter: the gorilla/mux router, the
// JSON API under /api/v1, health and readiness probes, Prometheus metrics and
// the middleware they share. The HTML pages (HTMX) are added to this same
// package; every route, API or page, is listed in routes.go.
//
// The adapter calls the application services (application.Accounts,
// application.Jobs) and translates their domain errors to HTTP in one place,
// errors.go. It never talks to a database, queue or file store itself.
package web
