package bootstrap

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/bankflow/bankflow/adapters/postgres"
	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// Migrate applies pending migrations to the configured database
// (`bankflow migrate`).
func Migrate(ctx context.Context, cfg Config) error {
	db, err := openForCommand(ctx, cfg)
	if err != nil {
		return err
	}
	return db.Close()
}

// CreateUser creates an account from the command line
// (`bankflow user create`); admin makes it an administrator.
func CreateUser(ctx context.Context, cfg Config, in application.RegisterInput, admin bool) (*domain.User, error) {
	db, err := openForCommand(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	secret, err := jwtSecret(cfg)
	if err != nil {
		return nil, err
	}
	accounts := application.NewAccounts(db, db, db, application.AccountsConfig{
		JWTSecret: secret, SessionTTL: cfg.SessionTTL, Limits: cfg.Limits, Now: time.Now,
	}, slog.New(slog.DiscardHandler))
	role := domain.RoleUser
	if admin {
		role = domain.RoleAdmin
	}
	return accounts.CreateUser(ctx, in, role)
}

func openForCommand(ctx context.Context, cfg Config) (*postgres.DB, error) {
	if cfg.Embedded() {
		if err := ensureDataDir(cfg); err != nil {
			return nil, err
		}
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redact(cfg.DatabaseURL), err)
	}
	if err := db.Migrate(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return db, nil
}
