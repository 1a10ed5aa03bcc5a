package bootstrap

import (
	"context"
	"log/slog"
	"time"

	"go.uber.org/fx"

	web "github.com/bankflow/bankflow/adapters/http"
	"github.com/bankflow/bankflow/adapters/postgres"
	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// appModule provides the application services over the ports.
var appModule = fx.Module("application",
	fx.Provide(
		NewStatements,
		newMetrics,
		newAccounts,
		newJobs,
	),
)

func newMetrics(db *postgres.DB, q domain.JobQueue, log *slog.Logger) *web.Metrics {
	return web.NewMetrics(web.MetricsConfig{
		QueueDepth: q.Depth,
		JobStats: func(ctx context.Context) (map[string]int64, error) {
			counts, err := db.CountJobsByStatus(ctx)
			if err != nil {
				return nil, err
			}
			out := make(map[string]int64, len(counts))
			for status, n := range counts {
				out[string(status)] = int64(n)
			}
			return out, nil
		},
		Log: log,
	})
}

func newAccounts(cfg Config, users domain.UserRepository, tokens *postgres.DB, audit domain.AuditLog, log *slog.Logger) (*application.Accounts, error) {
	secret, err := jwtSecret(cfg)
	if err != nil {
		return nil, err
	}
	return application.NewAccounts(users, tokens, audit, application.AccountsConfig{
		JWTSecret:      secret,
		SessionTTL:     cfg.SessionTTL,
		FirstUserAdmin: cfg.Embedded(),
		Limits:         cfg.Limits,
		Now:            time.Now,
	}, log), nil
}

type jobsParams struct {
	fx.In
	Cfg          Config
	Jobs         domain.JobRepository
	Transactions domain.TransactionRepository
	Users        domain.UserRepository
	Files        domain.FileStore
	Queue        domain.JobQueue
	Statements   *application.Statements
	Audit        domain.AuditLog
	Metrics      *web.Metrics
	Log          *slog.Logger
	Notifier     domain.Notifier `optional:"true"` // the Mailbox, when e-mail is configured
}

func newJobs(p jobsParams) *application.Jobs {
	return application.NewJobs(application.JobsDeps{
		Jobs:          p.Jobs,
		Transactions:  p.Transactions,
		Users:         p.Users,
		Files:         p.Files,
		Queue:         p.Queue,
		Statements:    p.Statements,
		Audit:         p.Audit,
		Notifier:      p.Notifier,
		Limits:        p.Cfg.Limits,
		MaxInputBytes: p.Cfg.MaxUploadBytes,
		Now:           time.Now,
		Log:           p.Log,
		Metrics:       p.Metrics,
		ProcessDelay:  p.Cfg.TestProcessDelay,
	})
}
