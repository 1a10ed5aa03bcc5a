package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"go.uber.org/fx"
	"go.uber.org/zap"

	web "github.com/bankflow/bankflow/adapters/http"
	"github.com/bankflow/bankflow/adapters/postgres"
	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// httpModule serves the pages and the API on HTTP_ADDR.
var httpModule = fx.Module("http",
	fx.Provide(newServer, newEmailSettings),
	fx.Invoke(runHTTP),
)

type serverParams struct {
	fx.In
	Cfg      Config
	Accounts *application.Accounts
	Jobs     *application.Jobs
	Admin    *application.Admin
	Privacy  *application.Privacy
	Email    *application.EmailSettings
	DB       *postgres.DB
	Queue    domain.JobQueue
	Redis    *goredis.Client `optional:"true"`
	Metrics  *web.Metrics
	Log      *slog.Logger
}

func newServer(p serverParams) *web.Server {
	checkers := []web.Checker{checker{"database", p.DB.Ping}}
	if p.Redis != nil {
		checkers = append(checkers, checker{"redis", func(ctx context.Context) error { return p.Redis.Ping(ctx).Err() }})
	}
	return web.NewServer(web.Deps{
		Accounts:       p.Accounts,
		Jobs:           p.Jobs,
		Admin:          p.Admin,
		Privacy:        p.Privacy,
		EmailSettings:  p.Email,
		Checkers:       checkers,
		Limiter:        newLoginLimiter(p.Redis),
		Metrics:        p.Metrics,
		Log:            p.Log,
		MaxUploadBytes: p.Cfg.MaxUploadBytes,
	})
}

// checker adapts a ping function to web.Checker.
type checker struct {
	name string
	ping func(context.Context) error
}

func (c checker) Name() string                    { return c.name }
func (c checker) Check(ctx context.Context) error { return c.ping(ctx) }

func runHTTP(lc fx.Lifecycle, cfg Config, s *web.Server, log *zap.Logger) {
	srv := &http.Server{
		Addr:              cfg.HTTPAddr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          zap.NewStdLog(log.Named("http")),
	}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			ln, err := net.Listen("tcp", cfg.HTTPAddr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
			}
			log.Info("BankFlow is listening", zap.String("addr", ln.Addr().String()), zap.String("url", publicURL(ln.Addr())))
			go func() {
				if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					log.Error("http server stopped", zap.Error(err))
				}
			}()
			return nil
		},
		OnStop: func(ctx context.Context) error {
			return srv.Shutdown(ctx)
		},
	})
}

func publicURL(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && (tcp.IP.IsUnspecified() || tcp.IP.IsLoopback()) {
		return fmt.Sprintf("http://localhost:%d", tcp.Port)
	}
	return "http://" + a.String()
}
