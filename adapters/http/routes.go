package web

import (
	nethttp "net/http"

	"github.com/gorilla/mux"

	"github.com/bankflow/bankflow/domain"
)

// routes lists every route the server answers, in one place.
//
// Routes are registered on the root router, without subrouters: with
// gorilla/mux v1.8.1 a method mismatch inside a subrouter is answered 404
// instead of 405 as soon as a later route shares the subrouter's prefix.
// What a group shares is a wrapper instead (api: never cached; requireUser:
// Bearer token).
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = nethttp.HandlerFunc(handleNotFound)
	r.MethodNotAllowedHandler = nethttp.HandlerFunc(handleMethodNotAllowed)
	r.Use(s.instrument)

	// Operations: probes and metrics, no authentication (keep /metrics
	// behind the network boundary, as usual for Prometheus).
	r.HandleFunc("/health", s.handleHealth).Methods(nethttp.MethodGet, nethttp.MethodHead)
	r.HandleFunc("/ready", s.handleReady).Methods(nethttp.MethodGet, nethttp.MethodHead)
	r.Handle("/metrics", s.metrics.Handler()).Methods(nethttp.MethodGet)

	// JSON API, version 1.
	api := func(path string, h nethttp.Handler) *mux.Route {
		return r.Handle(apiPrefix+path, noStore(h))
	}
	api("/auth/register", nethttp.HandlerFunc(s.handleRegister)).Methods(nethttp.MethodPost)
	api("/auth/login", nethttp.HandlerFunc(s.handleLogin)).Methods(nethttp.MethodPost)
	api("/statements", s.requireUser(s.handleStatementUpload)).Methods(nethttp.MethodPost)
	api("/jobs", s.requireUser(s.handleJobList)).Methods(nethttp.MethodGet)
	api("/jobs/{id}", s.requireUser(s.handleJobGet)).Methods(nethttp.MethodGet)
	api("/jobs/{id}", s.requireUser(s.handleJobDelete)).Methods(nethttp.MethodDelete)
	api("/jobs/{id}/transactions", s.requireUser(s.handleJobTransactions)).Methods(nethttp.MethodGet)
	api("/jobs/{id}/export", s.requireUser(s.handleJobExport)).Methods(nethttp.MethodGet)

	return r
}

// apiPrefix starts every JSON API route.
const apiPrefix = "/api/v1"

func handleNotFound(w nethttp.ResponseWriter, r *nethttp.Request) {
	writeError(w, r, nethttp.StatusNotFound, domain.CodeNotFound, msgNotFound)
}

func handleMethodNotAllowed(w nethttp.ResponseWriter, r *nethttp.Request) {
	writeError(w, r, nethttp.StatusMethodNotAllowed, domain.CodeInvalid, msgMethodNotAllowed)
}
