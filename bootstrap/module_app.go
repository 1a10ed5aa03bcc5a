package bootstrap

import (
	"log/slog"
	"time"

	"go.uber.org/fx"

	web "github.com/bankflow/bankflow/adapters/http"
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

func newMetrics(jobs domain.JobRepository, q domain.JobQueue, log *slog.Logger) *web.Metrics {
	return web.NewMetrics(web.MetricsConfig{QueueDepth: q.Depth, Log: log})
}

func newAccounts(cfg Config, users domain.UserRepository, tokens domain.TokenRepository, audit domain.AuditLog, log *slog.Logger) (*application.Accounts, error) {
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
		Limits:        p.Cfg.Limits,
		MaxInputBytes: p.Cfg.MaxUploadBytes,
		Now:           time.Now,
		Log:           p.Log,
		Metrics:       p.Metrics,
		ProcessDelay:  p.Cfg.TestProcessDelay,
	})
}
