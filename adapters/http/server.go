package web

import (
	"context"
	"log/slog"
	nethttp "net/http"
	"time"

	"github.com/bankflow/bankflow/application"
)

// Checker is one dependency /ready verifies (database, queue, file store).
type Checker interface {
	// Name identifies the dependency in the /ready answer ("database", "queue").
	Name() string
	// Check returns nil when the dependency answers; it must honour ctx.
	Check(ctx context.Context) error
}

// Limiter decides whether an attempt identified by key may go ahead (login
// attempts, keyed by client IP and e-mail). Implementations (Redis, memory)
// live in other adapters and are wired by bootstrap.
type Limiter interface {
	// Allow records one attempt for key and reports whether it is within the
	// limit; when it is not, retryAfter says when to try again (0 = unknown).
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
	// Reset forgets the attempts of key: called after a successful sign-in,
	// so that only failed attempts count toward the limit.
	Reset(ctx context.Context, key string) error
}

// Deps are what the HTTP adapter needs. Accounts and Jobs are required; the
// rest have defaults.
type Deps struct {
	Accounts *application.Accounts
	Jobs     *application.Jobs
	// Admin serves /admin and the password reset links; Privacy the
	// user's data export and account deletion. When nil, their routes are
	// not registered (tests of other areas).
	Admin   *application.Admin
	Privacy *application.Privacy
	// EmailSettings serves the "Recebimento por e-mail" section of
	// /settings and the sender verification links; when nil, the section
	// and its routes are absent (tests of other areas).
	EmailSettings *application.EmailSettings

	// Checkers are verified by /ready; none means always ready.
	Checkers []Checker
	// Limiter limits login attempts; nil means no limit.
	Limiter Limiter
	// Metrics records HTTP request durations and serves /metrics; nil
	// creates a private one (useful in tests).
	Metrics *Metrics
	// Log receives request logs and internal errors; nil means slog.Default().
	Log *slog.Logger

	// MaxUploadBytes is the absolute cap on an uploaded file, whatever the
	// plan (the application applies the plan's own, smaller limit).
	// 0 means 100 MB.
	MaxUploadBytes int64
	// MaxJSONBytes caps JSON request bodies; 0 means 1 MB.
	MaxJSONBytes int64
	// TrustForwardedFor makes the client IP the first X-Forwarded-For entry;
	// enable only behind a proxy that sets it.
	TrustForwardedFor bool
}

// Server is the HTTP adapter: handlers, middleware and the router.
type Server struct {
	accounts  *application.Accounts
	jobs      *application.Jobs
	admin     *application.Admin
	privacy   *application.Privacy
	email     *application.EmailSettings
	checkers  []Checker
	limiter   Limiter
	metrics   *Metrics
	log       *slog.Logger
	maxUpload int64
	maxJSON   int64
	trustXFF  bool
	assets    *assets   // embedded static files at hashed URLs
	views     *renderer // parsed page templates
}

const (
	defaultMaxUpload = 100 << 20
	defaultMaxJSON   = 1 << 20
	// multipartSlack is what the multipart envelope (boundaries, part
	// headers, small fields) may add to the file itself.
	multipartSlack = 64 << 10
)

// NewServer returns a Server over deps. It parses the embedded templates:
// they are part of the binary, so a broken one panics here, at boot (and in
// the template test), never at a visitor's request.
func NewServer(deps Deps) *Server {
	s := &Server{
		accounts:  deps.Accounts,
		jobs:      deps.Jobs,
		admin:     deps.Admin,
		privacy:   deps.Privacy,
		email:     deps.EmailSettings,
		checkers:  deps.Checkers,
		limiter:   deps.Limiter,
		metrics:   deps.Metrics,
		log:       deps.Log,
		maxUpload: deps.MaxUploadBytes,
		maxJSON:   deps.MaxJSONBytes,
		trustXFF:  deps.TrustForwardedFor,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.metrics == nil {
		s.metrics = NewMetrics(MetricsConfig{})
	}
	if s.maxUpload <= 0 {
		s.maxUpload = defaultMaxUpload
	}
	if s.maxJSON <= 0 {
		s.maxJSON = defaultMaxJSON
	}
	s.assets = mustAssets()
	s.views = mustRenderer(s.assets)
	return s
}

// Handler returns the complete HTTP handler: every route of routes.go behind
// the shared middleware. From the outside in: request id, access log (which
// so sees the 500 of a recovered panic), panic recovery, security headers,
// gzip compression of text answers.
func (s *Server) Handler() nethttp.Handler {
	var h nethttp.Handler = s.routes()
	h = compress(h)
	h = securityHeaders(h)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	h = requestID(h)
	return h
}
