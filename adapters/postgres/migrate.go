package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bankflow/bankflow/migrations"
)

// migrationLock is the PostgreSQL advisory lock key that serialises Migrate
// across processes starting together.
const migrationLock = 7_428_113_901

// Migration is one embedded schema change.
type Migration struct {
	Version  int
	Name     string // file name, "0001_init.sql"
	SQL      string
	Checksum string // SHA-256 hex of SQL
}

// ErrSchemaOutdated is returned by CheckSchema when migrations are pending.
var ErrSchemaOutdated = errors.New("database schema is outdated: run `bankflow migrate`")

// Migrations returns the embedded migrations of the dialect, in order.
func Migrations(dialect string) ([]Migration, error) {
	dir := "sqlite"
	if dialect == DialectPostgres {
		dir = "postgres"
	}
	names, err := fs.Glob(migrations.FS, dir+"/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var ms []Migration
	for _, p := range names {
		name := path.Base(p)
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", name)
		}
		b, err := fs.ReadFile(migrations.FS, p)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		sum := sha256.Sum256(b)
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b), Checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(ms, func(i, k int) bool { return ms[i].Version < ms[k].Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", ms[i-1].Name, ms[i].Name, ms[i].Version)
		}
	}
	return ms, nil
}

// appliedMigration is a row of schema_migrations.
type appliedMigration struct {
	Version  int
	Name     string
	Checksum string
}

// Migrate applies the pending embedded migrations in order, each in its own
// transaction recorded in schema_migrations. It refuses to run when an
// applied migration no longer matches its embedded file (edited after
// release). Concurrent callers on PostgreSQL are serialised by an advisory
// lock; on SQLite by the single writer.
func (db *DB) Migrate(ctx context.Context) error {
	ms, err := Migrations(db.dialect)
	if err != nil {
		return err
	}
	if err := db.createMigrationTable(ctx); err != nil {
		return err
	}
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	if err := verifyChecksums(ms, applied); err != nil {
		return err
	}
	for _, m := range ms {
		if _, ok := applied[m.Version]; ok {
			continue
		}
		if err := db.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// CheckSchema returns ErrSchemaOutdated (wrapped) when an embedded migration
// has not been applied, and an error when an applied one was edited. The app
// refuses to start on either.
func (db *DB) CheckSchema(ctx context.Context) error {
	ms, err := Migrations(db.dialect)
	if err != nil {
		return err
	}
	exists, err := db.migrationTableExists(ctx)
	if err != nil {
		return err
	}
	if !exists {
		return fmt.Errorf("check schema: no schema_migrations table: %w", ErrSchemaOutdated)
	}
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	if err := verifyChecksums(ms, applied); err != nil {
		return err
	}
	for _, m := range ms {
		if _, ok := applied[m.Version]; !ok {
			return fmt.Errorf("check schema: migration %s pending: %w", m.Name, ErrSchemaOutdated)
		}
	}
	return nil
}

func verifyChecksums(ms []Migration, applied map[int]appliedMigration) error {
	for _, m := range ms {
		a, ok := applied[m.Version]
		if ok && a.Checksum != m.Checksum {
			return fmt.Errorf("migration %s was edited after it was applied (checksum %s, applied %s): add a new migration instead",
				m.Name, m.Checksum[:12], a.Checksum[:min(12, len(a.Checksum))])
		}
	}
	return nil
}

func (db *DB) createMigrationTable(ctx context.Context) error {
	return db.sqlTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at TIMESTAMP NOT NULL,
			checksum   TEXT NOT NULL
		)`)
		if err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		return nil
	})
}

func (db *DB) migrationTableExists(ctx context.Context) (bool, error) {
	var q string
	if db.isPostgres() {
		q = `SELECT count(*) FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`
	} else {
		q = `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	}
	var n int
	if err := db.bun.DB.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return false, fmt.Errorf("check schema_migrations: %w", err)
	}
	return n > 0, nil
}

func (db *DB) appliedMigrations(ctx context.Context) (map[int]appliedMigration, error) {
	rows, err := db.bun.DB.QueryContext(ctx, `SELECT version, name, checksum FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	out := map[int]appliedMigration{}
	for rows.Next() {
		var a appliedMigration
		if err := rows.Scan(&a.Version, &a.Name, &a.Checksum); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		out[a.Version] = a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return out, nil
}

// apply runs one migration and records it, unless another process applied
// it meanwhile. The SQL goes to database/sql directly: bun would read '?' in
// the file as a placeholder.
func (db *DB) apply(ctx context.Context, m Migration) error {
	return db.sqlTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = `+strconv.Itoa(m.Version)).Scan(&n); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		// Values are formatted by us (a number, a file name we control and
		// a hex digest) so the statement needs no driver placeholders, whose
		// syntax differs between the dialects.
		rec := fmt.Sprintf(`INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (%d, '%s', '%s', '%s')`,
			m.Version, strings.ReplaceAll(m.Name, "'", "''"), time.Now().UTC().Format("2006-01-02 15:04:05.999999-07:00"), m.Checksum)
		if _, err := tx.ExecContext(ctx, rec); err != nil {
			return fmt.Errorf("record migration %s: %w", m.Name, err)
		}
		return nil
	})
}

// sqlTx runs fn in a database/sql transaction holding, on PostgreSQL, the
// migration advisory lock until commit.
func (db *DB) sqlTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.bun.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin migration: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if db.isPostgres() {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(`+strconv.Itoa(migrationLock)+`)`); err != nil {
			return fmt.Errorf("lock migrations: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migration: %w", err)
	}
	return nil
}
