package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	nethttp "net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/bankflow/bankflow/domain"
)

type ctxKey int

const (
	ctxRequestID ctxKey = iota
	ctxUser
	ctxAuthMethod
	ctxRecorder
)

// RequestID returns the id of the request ctx belongs to, "" outside one.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxRequestID).(string)
	return id
}

// requestID gives every request an id: the caller's X-Request-ID when it is
// short and printable (so a proxy's id threads through the logs), otherwise a
// fresh random one. The id is echoed in the response header.
func requestID(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxRequestID, id)))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// recorder wraps a ResponseWriter to remember the status and body size.
type recorder struct {
	nethttp.ResponseWriter
	status  int
	written int64
	user    string // id of the authenticated user, for the access log
}

func (rw *recorder) WriteHeader(status int) {
	if rw.status == 0 {
		rw.status = status
	}
	rw.ResponseWriter.WriteHeader(status)
}

func (rw *recorder) Write(p []byte) (int, error) {
	if rw.status == 0 {
		rw.status = nethttp.StatusOK
	}
	n, err := rw.ResponseWriter.Write(p)
	rw.written += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush,
// deadlines).
func (rw *recorder) Unwrap() nethttp.ResponseWriter { return rw.ResponseWriter }

// logRequests writes one access log line per request, after it ends.
func (s *Server) logRequests(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		ctx := context.WithValue(r.Context(), ctxRecorder, rec)
		// Deferred, so a response aborted on purpose (http.ErrAbortHandler)
		// is logged too.
		defer func() {
			status := rec.status
			if status == 0 {
				status = nethttp.StatusOK
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelWarn
			}
			s.log.LogAttrs(ctx, level, "http request",
				slog.String("request_id", RequestID(ctx)),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Int64("bytes", rec.written),
				slog.Duration("duration", time.Since(start)),
				slog.String("ip", s.clientIP(r)),
				slog.String("user_id", rec.user),
			)
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
	})
}

// recoverPanics turns a panicking handler into a 500 JSON answer (when the
// headers are not sent yet) and a logged stack trace, so one bad request
// never takes the process down. http.ErrAbortHandler is let through: it is
// how a handler aborts a response on purpose.
func (s *Server) recoverPanics(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == nethttp.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic in handler",
				slog.String("request_id", RequestID(r.Context())),
				slog.String("path", r.URL.Path),
				slog.String("panic", fmt.Sprint(v)),
				slog.String("stack", string(debug.Stack())))
			if rec, ok := w.(*recorder); ok && rec.status != 0 {
				panic(nethttp.ErrAbortHandler) // too late for a JSON answer: cut the connection
			}
			s.fail(w, r, nethttp.StatusInternalServerError, domain.CodeInternal, msgInternal)
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy is the one policy of every answer, pages and API:
// scripts, styles and connections only from this origin, no inline code
// (Alpine's CSP build and htmx without eval run under it), no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// securityHeaders sets the headers every response carries.
func securityHeaders(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// noStore marks API answers as private to the user: never cached.
func noStore(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// instrument records the duration of every routed request by its route
// template (/api/v1/jobs/{id}, never the concrete id, to keep label
// cardinality bounded).
func (s *Server) instrument(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		start := time.Now()
		rec, ok := w.(*recorder)
		if !ok {
			rec = &recorder{ResponseWriter: w}
		}
		next.ServeHTTP(rec, r)
		route := "unmatched"
		if cr := mux.CurrentRoute(r); cr != nil {
			if t, err := cr.GetPathTemplate(); err == nil {
				route = t
			}
		}
		status := rec.status
		if status == 0 {
			status = nethttp.StatusOK
		}
		s.metrics.observeRequest(r.Method, route, status, time.Since(start))
	})
}

// User returns the authenticated user of ctx, nil outside requireUser.
func User(ctx context.Context) *domain.User {
	u, _ := ctx.Value(ctxUser).(*domain.User)
	return u
}

// authMethod says how the request was authenticated.
type authMethod int

const (
	authSession  authMethod = iota + 1 // a session JWT from login
	authAPIToken                       // a "bf_" API token
)

// apiTokenPrefix starts every API token secret (see application.Accounts).
const apiTokenPrefix = "bf_"

// requireUser authenticates the Bearer token (a session JWT or an API token)
// through Accounts.Authenticate, which reloads the user on every request so a
// deactivated user loses access at once, and puts the user in the context.
// Without a usable token the answer is 401.
func (s *Server) requireUser(next nethttp.HandlerFunc) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		token, ok := bearerToken(r)
		if !ok {
			writeError(w, r, nethttp.StatusUnauthorized, domain.CodeUnauthorized, msgLoginRequired)
			return
		}
		u, err := s.accounts.Authenticate(r.Context(), token)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		method := authSession
		if strings.HasPrefix(token, apiTokenPrefix) {
			method = authAPIToken
		}
		if rec, ok := r.Context().Value(ctxRecorder).(*recorder); ok {
			rec.user = u.ID
		}
		ctx := context.WithValue(r.Context(), ctxUser, u)
		ctx = context.WithValue(ctx, ctxAuthMethod, method)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// bearerToken returns the token of an "Authorization: Bearer <token>" header.
func bearerToken(r *nethttp.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return "", false
	}
	t := strings.TrimSpace(h[len(prefix):])
	return t, t != ""
}

// clientIP is the address the request came from: the first X-Forwarded-For
// entry when the server sits behind a trusted proxy, the peer address
// otherwise.
func (s *Server) clientIP(r *nethttp.Request) string {
	if s.trustXFF {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
