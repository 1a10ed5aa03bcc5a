package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/bankflow/bankflow/domain"
)

var _ domain.UserRepository = (*DB)(nil)

// msgEmailTaken is shown when an e-mail address is already registered.
const msgEmailTaken = "Este e-mail já está cadastrado."

// CreateUser inserts u, filling ID and CreatedAt when empty. CodeConflict
// when the e-mail (or inbox token) is taken.
func (db *DB) CreateUser(ctx context.Context, u *domain.User) error {
	if u.ID == "" {
		u.ID = newID()
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	if u.Tier == "" {
		u.Tier = domain.TierFree
	}
	if u.Role == "" {
		u.Role = domain.RoleUser
	}
	if _, err := db.bun.NewInsert().Model(userToRow(u)).Exec(ctx); err != nil {
		if isUniqueViolation(err) {
			return domain.Wrap(domain.CodeConflict, err, msgEmailTaken)
		}
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// GetUser returns the user with id, or ErrNotFound.
func (db *DB) GetUser(ctx context.Context, id string) (*domain.User, error) {
	if !validID(id) {
		return nil, errNotFound(fmt.Errorf("user id %q", id))
	}
	var r userRow
	if err := db.bun.NewSelect().Model(&r).Where("u.id = ?", id).Scan(ctx); err != nil {
		return nil, notFound(err, "get user")
	}
	return r.domain(), nil
}

// GetUserByEmail returns the user with the (normalized) address, or ErrNotFound.
func (db *DB) GetUserByEmail(ctx context.Context, email string) (*domain.User, error) {
	var r userRow
	if err := db.bun.NewSelect().Model(&r).Where("u.email = ?", domain.NormalizeEmail(email)).Scan(ctx); err != nil {
		return nil, notFound(err, "get user by email")
	}
	return r.domain(), nil
}

// GetUserByInboxToken returns the user whose personal inbox address carries
// token, or ErrNotFound.
func (db *DB) GetUserByInboxToken(ctx context.Context, token string) (*domain.User, error) {
	if token == "" {
		return nil, errNotFound(fmt.Errorf("empty inbox token"))
	}
	var r userRow
	if err := db.bun.NewSelect().Model(&r).Where("u.inbox_token = ?", token).Scan(ctx); err != nil {
		return nil, notFound(err, "get user by inbox token")
	}
	return r.domain(), nil
}

// UpdateUser writes every field of u but ID and CreatedAt. SessionEpoch
// only grows: an update carrying an older epoch (read before a concurrent
// password change) keeps the stored one, so a signed-out session cannot
// come back. ErrNotFound when absent; CodeConflict when the new e-mail is
// taken.
func (db *DB) UpdateUser(ctx context.Context, u *domain.User) error {
	if !validID(u.ID) {
		return errNotFound(fmt.Errorf("user id %q", u.ID))
	}
	res, err := db.bun.NewUpdate().Model(userToRow(u)).
		ExcludeColumn("id", "created_at").
		Value("session_epoch", "CASE WHEN session_epoch > ? THEN session_epoch ELSE ? END", u.SessionEpoch, u.SessionEpoch).
		WherePK().
		Exec(ctx)
	if err != nil {
		if isUniqueViolation(err) {
			return domain.Wrap(domain.CodeConflict, err, msgEmailTaken)
		}
		return fmt.Errorf("update user: %w", err)
	}
	return affectedOne(res, "update user")
}

// RecordLogin updates only last_login and, when the stored hash is still
// oldHash, the upgraded password hash: a narrow update, so a sign-in that
// raced a password change cannot put the old hash back.
func (db *DB) RecordLogin(ctx context.Context, id string, at time.Time, oldHash, newHash string) error {
	if !validID(id) {
		return errNotFound(fmt.Errorf("user id %q", id))
	}
	q := db.bun.NewUpdate().Table("users").Set("last_login = ?", at.UTC()).Where("id = ?", id)
	if newHash != "" {
		q = q.Set("password_hash = CASE WHEN password_hash = ? THEN ? ELSE password_hash END", oldHash, newHash)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return fmt.Errorf("record login: %w", err)
	}
	return affectedOne(res, "record login")
}

// CountUsers counts all users (the first one becomes admin).
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	n, err := db.bun.NewSelect().Model((*userRow)(nil)).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return int(n), nil
}

// ListUsers returns users by e-mail, for the admin pages.
func (db *DB) ListUsers(ctx context.Context, limit, skip int) ([]domain.User, error) {
	var rows []userRow
	err := db.bun.NewSelect().Model(&rows).Order("u.email").Limit(clampLimit(limit)).Offset(offset(skip)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out := make([]domain.User, len(rows))
	for i := range rows {
		out[i] = *rows[i].domain()
	}
	return out, nil
}
