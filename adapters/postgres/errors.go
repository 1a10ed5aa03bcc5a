package postgres

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/bankflow/bankflow/domain"
	"github.com/google/uuid"
	"github.com/uptrace/bun/driver/pgdriver"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// notFound translates sql.ErrNoRows into domain.ErrNotFound (errors.Is
// matches both) and wraps anything else with what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, errNotFound(err))
	}
	return fmt.Errorf("%s: %w", what, err)
}

// isUniqueViolation reports whether err is a unique-constraint violation on
// either dialect.
func isUniqueViolation(err error) bool {
	var pg pgdriver.Error
	if errors.As(err, &pg) {
		return pg.Field('C') == "23505"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || lite.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// validID reports whether id is a UUID; anything else cannot name a row and
// is answered with not found instead of a PostgreSQL cast error.
func validID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil
}

// newID returns a fresh random UUID.
func newID() string { return uuid.NewString() }

// errNotFound is a not-found domain error with its cause kept for logs.
func errNotFound(cause error) error {
	return domain.Wrap(domain.CodeNotFound, cause, domain.ErrNotFound.Message)
}
