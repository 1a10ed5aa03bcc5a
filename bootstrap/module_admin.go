package bootstrap

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"log/slog"
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
	fx.Provide(newAdmin, newPrivacy),
	fx.Invoke(runAuditPruner),
)

type adminParams struct {
	fx.In
	Cfg    Config
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
		BaseURL: p.Cfg.PublicURL, Now: time.Now, Logger: p.Log,
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

func runAuditPruner(lc fx.Lifecycle, cfg Config, db *postgres.DB, log *slog.Logger) {
	p := application.NewAuditPruner(db, cfg.AuditRetention, time.Hour, time.Now, log)
	lc.Append(fx.Hook{OnStart: p.Start, OnStop: func(ctx context.Context) error { return p.Stop(ctx) }})
}
