package bootstrap

import (
	"fmt"
	"time"

	"go.uber.org/fx"
)

// Roles of `bankflow serve --role`.
const (
	RoleWeb    = "web"    // pages and API only
	RoleWorker = "worker" // job processing and file retention only
	RoleAll    = "all"    // both, in one process (the embedded default)
)

// NewApp assembles the fx application for cfg.Role. The embedded default's
// in-process queue cannot span processes, so it runs every role.
func NewApp(cfg Config, extra ...fx.Option) (*fx.App, error) {
	opts, err := appOptions(cfg)
	if err != nil {
		return nil, err
	}
	return fx.New(append(opts, extra...)...), nil
}

// appOptions lists the fx options of cfg.Role (also used by fx.ValidateApp
// in tests).
func appOptions(cfg Config) ([]fx.Option, error) {
	if cfg.RedisURL == "" && cfg.Role != RoleAll {
		return nil, fmt.Errorf("role %q needs REDIS_URL: the in-process queue only works with --role all", cfg.Role)
	}
	opts := []fx.Option{
		fx.Supply(cfg),
		logModule,
		dbModule,
		storageModule,
		queueModule,
		appModule,
		adminModule,
		fx.StartTimeout(startTimeout),
		fx.StopTimeout(stopTimeout),
	}
	if cfg.Role == RoleWeb || cfg.Role == RoleAll {
		opts = append(opts, httpModule)
	}
	if cfg.Mail.SMTPEnabled() {
		opts = append(opts, resetMailModule)
	}
	if cfg.Role == RoleWorker || cfg.Role == RoleAll {
		opts = append(opts, workerModule)
		if cfg.Mail.IMAPEnabled() || cfg.Mail.SMTPEnabled() {
			opts = append(opts, mailModule)
		}
		if cfg.Mail.IMAPEnabled() {
			opts = append(opts, imapModule)
		}
	}
	return opts, nil
}

// stopTimeout bounds graceful shutdown: in-flight jobs get this long to
// finish before they are handed back to the queue.
const stopTimeout = 60 * time.Second
