// Package bootstrap wires BankFlow's adapters to its application services
// with go.uber.org/fx: configuration, logging, one small module per adapter,
// and the run modes of `bankflow serve`.
package bootstrap

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// Config is every setting of BankFlow, read once from the environment and
// validated at start. Sub-structs go to the adapters that need them.
type Config struct {
	Environment string // development, staging, production
	HTTPAddr    string
	DataDir     string
	DatabaseURL string // postgres://... or sqlite:PATH (embedded default)
	RedisURL    string // "" → in-process queue
	UploadDir   string
	JWTSecret   string // "" in the embedded default → generated into DataDir
	// EncryptionKey is BANKFLOW_ENCRYPTION_KEY; "" in the embedded default →
	// generated into DataDir with mode 0600.
	EncryptionKey  string
	Role           string // web, worker, all
	Workers        int
	MaxUploadBytes int64
	SessionTTL     time.Duration
	SweepEvery     time.Duration
	Limits         map[domain.Tier]domain.Limits
	LogFormat      string // json or console
	LogLevel       string
	Mail           MailConfig // IMAP ingestion and SMTP sending (config_mail.go)
	// AuditRetention is BANKFLOW_AUDIT_RETENTION: how long audit events are
	// kept (at least 720h; default 8760h = 365 days).
	AuditRetention time.Duration
	// PublicURL is BANKFLOW_PUBLIC_URL, the address links in e-mails start
	// with ("" gives links relative to the admin's own address).
	PublicURL string
	// QueueStream is the Redis stream of jobs (BANKFLOW_QUEUE_STREAM, default
	// bankflow:jobs): processes sharing it share the work.
	QueueStream string
	// QueueVisibility is how long a delivery may stay unacknowledged before
	// another worker takes it over (BANKFLOW_QUEUE_VISIBILITY, default 5m; it
	// must exceed the longest job).
	QueueVisibility time.Duration
	// TestProcessDelay (BANKFLOW_TEST_PROCESS_DELAY) is a test and chaos knob:
	// every job waits this long after being claimed. Never set in production.
	TestProcessDelay time.Duration
}

// Embedded reports whether BankFlow runs on its embedded default (SQLite,
// in-process queue) rather than on PostgreSQL and Redis.
func (c Config) Embedded() bool { return strings.HasPrefix(c.DatabaseURL, "sqlite:") }

// LoadConfig reads the environment through getenv (os.Getenv in production,
// a map in tests) and validates it.
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Environment:   get("ENVIRONMENT", ""),
		HTTPAddr:      get("HTTP_ADDR", ":8080"),
		DataDir:       get("DATA_DIR", "./data"),
		DatabaseURL:   get("DATABASE_URL", ""),
		RedisURL:      get("REDIS_URL", ""),
		UploadDir:     get("UPLOAD_DIR", ""),
		JWTSecret:     get("JWT_SECRET", ""),
		EncryptionKey: get("BANKFLOW_ENCRYPTION_KEY", ""),
		Role:          get("BANKFLOW_ROLE", "all"),
		LogFormat:     get("LOG_FORMAT", ""),
		LogLevel:      get("LOG_LEVEL", "info"),
		Limits:        domain.DefaultLimits(),
		QueueStream:   get("BANKFLOW_QUEUE_STREAM", "bankflow:jobs"),
	}
	var errs []error
	if c.DatabaseURL == "" {
		c.DatabaseURL = "sqlite:" + filepath.Join(c.DataDir, "bankflow.db")
	}
	if c.UploadDir == "" {
		c.UploadDir = filepath.Join(c.DataDir, "uploads")
	}
	if c.Environment == "" {
		c.Environment = "production"
		if c.Embedded() {
			c.Environment = "development"
		}
	}
	if c.LogFormat == "" {
		c.LogFormat = "json"
		if c.Environment == "development" {
			c.LogFormat = "console"
		}
	}
	if !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") && !c.Embedded() {
		errs = append(errs, fmt.Errorf("DATABASE_URL must be postgres://… or sqlite:PATH, got %q", redact(c.DatabaseURL)))
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		errs = append(errs, fmt.Errorf("REDIS_URL must be redis://… or rediss://…"))
	}
	if !c.Embedded() {
		if len(c.JWTSecret) < 32 {
			errs = append(errs, errors.New("JWT_SECRET must be set to at least 32 characters outside the embedded default"))
		}
		if c.EncryptionKey == "" {
			errs = append(errs, errors.New("BANKFLOW_ENCRYPTION_KEY must be set outside the embedded default (32 bytes, base64 or hex)"))
		}
	} else if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		errs = append(errs, errors.New("JWT_SECRET must be at least 32 characters"))
	}
	switch c.Role {
	case "web", "worker", "all":
	default:
		errs = append(errs, fmt.Errorf("BANKFLOW_ROLE (--role) must be web, worker or all, got %q", c.Role))
	}
	var err error
	if c.Workers, err = intEnv(get("BANKFLOW_WORKERS", "2"), 1, 256); err != nil {
		errs = append(errs, fmt.Errorf("BANKFLOW_WORKERS: %w", err))
	}
	mb, err := intEnv(get("BANKFLOW_MAX_UPLOAD_MB", "100"), 1, 4096)
	if err != nil {
		errs = append(errs, fmt.Errorf("BANKFLOW_MAX_UPLOAD_MB: %w", err))
	}
	c.MaxUploadBytes = int64(mb) << 20
	if c.SessionTTL, err = durationEnv(get("BANKFLOW_SESSION_TTL", "12h")); err != nil {
		errs = append(errs, fmt.Errorf("BANKFLOW_SESSION_TTL: %w", err))
	}
	if c.AuditRetention, err = durationEnv(get("BANKFLOW_AUDIT_RETENTION", "8760h")); err != nil || c.AuditRetention < 30*24*time.Hour {
		errs = append(errs, fmt.Errorf("BANKFLOW_AUDIT_RETENTION: want a duration of at least 720h (30 days)"))
	}
	c.PublicURL = strings.TrimRight(get("BANKFLOW_PUBLIC_URL", ""), "/")
	if c.SweepEvery, err = durationEnv(get("BANKFLOW_SWEEP_EVERY", "1m")); err != nil {
		errs = append(errs, fmt.Errorf("BANKFLOW_SWEEP_EVERY: %w", err))
	}
	if c.QueueVisibility, err = durationEnv(get("BANKFLOW_QUEUE_VISIBILITY", "5m")); err != nil {
		errs = append(errs, fmt.Errorf("BANKFLOW_QUEUE_VISIBILITY: %w", err))
	}
	if v := get("BANKFLOW_TEST_PROCESS_DELAY", ""); v != "" {
		if c.TestProcessDelay, err = durationEnv(v); err != nil {
			errs = append(errs, fmt.Errorf("BANKFLOW_TEST_PROCESS_DELAY: %w", err))
		}
	}
	if err := loadMailConfig(&c.Mail, get); err != nil {
		errs = append(errs, err)
	}
	if err := applyTierOverrides(c.Limits, get); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %w", errors.Join(errs...))
	}
	return c, nil
}

// applyTierOverrides reads BANKFLOW_TIER_<TIER>_<LIMIT> variables, e.g.
// BANKFLOW_TIER_FREE_FILES_PER_MONTH=50, BANKFLOW_TIER_FREE_MAX_FILE_MB=10,
// BANKFLOW_TIER_FREE_RETENTION=1h, BANKFLOW_TIER_FREE_EMAIL=true,
// BANKFLOW_TIER_FREE_API=true, BANKFLOW_TIER_FREE_CONCURRENT_JOBS=3. A global
// BANKFLOW_RETENTION sets the retention of every tier.
func applyTierOverrides(limits map[domain.Tier]domain.Limits, get func(string, string) string) error {
	var errs []error
	if v := get("BANKFLOW_RETENTION", ""); v != "" {
		d, err := durationEnv(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("BANKFLOW_RETENTION: %w", err))
		}
		for t, l := range limits {
			l.Retention = d
			limits[t] = l
		}
	}
	for _, t := range domain.Tiers {
		p := "BANKFLOW_TIER_" + strings.ToUpper(string(t)) + "_"
		l := limits[t]
		if v := get(p+"FILES_PER_MONTH", ""); v != "" {
			n, err := intEnv(v, 0, 1<<30)
			errs = append(errs, wrapEnv(p+"FILES_PER_MONTH", err))
			l.FilesPerMonth = n
		}
		if v := get(p+"MAX_FILE_MB", ""); v != "" {
			n, err := intEnv(v, 1, 4096)
			errs = append(errs, wrapEnv(p+"MAX_FILE_MB", err))
			l.MaxFileBytes = int64(n) << 20
		}
		if v := get(p+"RETENTION", ""); v != "" {
			d, err := durationEnv(v)
			errs = append(errs, wrapEnv(p+"RETENTION", err))
			l.Retention = d
		}
		if v := get(p+"EMAIL", ""); v != "" {
			b, err := strconv.ParseBool(v)
			errs = append(errs, wrapEnv(p+"EMAIL", err))
			l.EmailIngestion = b
		}
		if v := get(p+"API", ""); v != "" {
			b, err := strconv.ParseBool(v)
			errs = append(errs, wrapEnv(p+"API", err))
			l.API = b
		}
		if v := get(p+"CONCURRENT_JOBS", ""); v != "" {
			n, err := intEnv(v, 0, 1<<20)
			errs = append(errs, wrapEnv(p+"CONCURRENT_JOBS", err))
			l.ConcurrentJobs = n
		}
		limits[t] = l
	}
	return errors.Join(errs...)
}

func wrapEnv(name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", name, err)
}

func intEnv(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", v)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d is outside %d..%d", n, lo, hi)
	}
	return n, nil
}

func durationEnv(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration like 30m or 12h", v)
	}
	return d, nil
}

// redact hides a password in a URL for error messages.
func redact(u string) string {
	if i := strings.Index(u, "@"); i > 0 {
		if j := strings.Index(u, "://"); j > 0 && j < i {
			return u[:j+3] + "…@" + u[i+1:]
		}
	}
	return u
}

// ensureDataDir creates DataDir with mode 0700 for the embedded default.
func ensureDataDir(c Config) error {
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	return nil
}
