// Package postgres is the database store of BankFlow: bun repositories that
// implement the domain ports on PostgreSQL (production) and on SQLite (the
// embedded default, pure Go through modernc.org/sqlite), with the same code
// on both and the schema versioned under migrations/.
package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/pgdriver"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// The dialect names Dialect returns.
const (
	DialectPostgres = "postgres"
	DialectSQLite   = "sqlite"
)

// DB is the store. It implements the repository ports of the domain.
type DB struct {
	bun     *bun.DB
	dialect string
}

// Open connects to the database named by dsn: a postgres:// or postgresql://
// URL selects PostgreSQL; "sqlite:PATH", "file:PATH" or a plain file path
// selects SQLite (WAL journal, busy timeout, foreign keys on, one connection
// so that writers never contend). The schema is not touched: call Migrate or
// CheckSchema.
func Open(ctx context.Context, dsn string) (*DB, error) {
	var db *DB
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		sqldb := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
		sqldb.SetMaxOpenConns(25)
		sqldb.SetMaxIdleConns(25)
		db = &DB{bun: bun.NewDB(sqldb, pgdialect.New()), dialect: DialectPostgres}
	default:
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if path == "" {
			return nil, fmt.Errorf("open database: empty sqlite path")
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("open database: %w", err)
			}
		}
		sqldb, err := sql.Open("sqlite", sqliteDSN(path))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// One connection: SQLite has a single writer anyway, and a pool
		// would only add SQLITE_BUSY between our own goroutines.
		sqldb.SetMaxOpenConns(1)
		sqldb.SetMaxIdleConns(1)
		sqldb.SetConnMaxLifetime(0)
		db = &DB{bun: bun.NewDB(sqldb, sqlitedialect.New()), dialect: DialectSQLite}
	}
	if err := db.Ping(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// sqliteDSN builds the modernc.org/sqlite DSN with the pragmas every
// connection needs.
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Close releases the connections.
func (db *DB) Close() error { return db.bun.Close() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.bun.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.dialect, err)
	}
	return nil
}

// Dialect returns DialectPostgres or DialectSQLite.
func (db *DB) Dialect() string { return db.dialect }

func (db *DB) isPostgres() bool { return db.dialect == DialectPostgres }
