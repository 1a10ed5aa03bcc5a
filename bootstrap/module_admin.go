package bootstrap

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"time"

	"go.uber.org/fx"

	"github.com/bankflow/bankflow/adapters/postgres"
	"github.com/bankflow/bankflow/adapters/storage"
	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// adminModule provides the admin and privacy services and prunes the audit
// log past BANKFLOW_AUDIT_RETENTION.
var adminModule = fx.Module("admin",
	fx.Provide(loadAdminConfig, newAdmin, newPrivacy),
	fx.Invoke(runAuditPruner),
)

// AdminConfig are the admin settings: BANKFLOW_AUDIT_RETENTION (a Go
// duration, at least 720h; default 8760h = 365 days) and BANKFLOW_PUBLIC_URL
// (the address reset links start with; "" gives links relative to the
// admin's own address).
type AdminConfig struct {
	AuditRetention time.Duration
	PublicURL      string
}

func loadAdminConfig() (AdminConfig, error) {
	c := AdminConfig{AuditRetention: application.DefaultAuditRetention, PublicURL: os.Getenv("BANKFLOW_PUBLIC_URL")}
	if v := os.Getenv("BANKFLOW_AUDIT_RETENTION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 30*24*time.Hour {
			return c, fmt.Errorf("BANKFLOW_AUDIT_RETENTION=%q: want a duration of at least 720h (30 days)", v)
		}
		c.AuditRetention = d
	}
	return c, nil
}

type adminParams struct {
	fx.In
	Cfg    Config
	Admin  AdminConfig
	DB     *postgres.DB
	Users  domain.UserRepository
	Jobs   domain.JobRepository
	Queue  domain.JobQueue
	Store  *storage.Store
	Audit  domain.AuditLog
	Mailer application.ResetMailer `optional:"true"` // the SMTP adapter, when configured
	Log    *slog.Logger
}

func newAdmin(p adminParams) *application.Admin {
	return application.NewAdmin(application.AdminDeps{
		Users: p.Users, Jobs: p.Jobs, Store: p.DB, Queue: p.Queue, Audit: p.Audit, Log: p.DB, Resets: p.DB,
		Mailer: p.Mailer, Storage: p.Store, Workers: p.Cfg.Workers, Limits: p.Cfg.Limits,
		BaseURL: p.Admin.PublicURL, Now: time.Now, Logger: p.Log,
	})
}

// newPrivacy keys the audit pseudonyms with a value derived from the JWT
// secret, so they cannot be recomputed from a user id without it.
func newPrivacy(cfg Config, jobs *application.Jobs, db *postgres.DB) (*application.Privacy, error) {
	secret, err := jwtSecret(cfg)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("bankflow audit pseudonym v1"))
	return application.NewPrivacy(jobs, db, m.Sum(nil)), nil
}

func runAuditPruner(lc fx.Lifecycle, ac AdminConfig, db *postgres.DB, log *slog.Logger) {
	p := application.NewAuditPruner(db, ac.AuditRetention, time.Hour, time.Now, log)
	lc.Append(fx.Hook{OnStart: p.Start, OnStop: func(ctx context.Context) error { return p.Stop(ctx) }})
}
