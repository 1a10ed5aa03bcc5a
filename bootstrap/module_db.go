package bootstrap

import (
	"context"
	"fmt"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/bankflow/bankflow/adapters/postgres"
	"github.com/bankflow/bankflow/domain"
)

// dbModule opens the database (PostgreSQL, or SQLite in the embedded
// default), migrates it to head, and binds it to the repository ports.
var dbModule = fx.Module("db",
	fx.Provide(
		openDB,
		func(db *postgres.DB) domain.UserRepository { return db },
		func(db *postgres.DB) domain.TokenRepository { return db },
		func(db *postgres.DB) domain.JobRepository { return db },
		func(db *postgres.DB) domain.TransactionRepository { return db },
		func(db *postgres.DB) domain.AuditLog { return db },
	),
)

func openDB(lc fx.Lifecycle, cfg Config, log *zap.Logger) (*postgres.DB, error) {
	if cfg.Embedded() {
		if err := ensureDataDir(cfg); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redact(cfg.DatabaseURL), err)
	}
	if err := db.Migrate(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	log.Info("database ready", zap.String("dialect", db.Dialect()))
	lc.Append(fx.StopHook(db.Close))
	return db, nil
}
