package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/bankflow/bankflow/domain"
)

var _ domain.TokenRepository = (*DB)(nil)

// CreateToken inserts t, filling ID and CreatedAt when empty.
func (db *DB) CreateToken(ctx context.Context, t *domain.APIToken) error {
	if t.ID == "" {
		t.ID = newID()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now().UTC()
	}
	r := &tokenRow{
		ID: t.ID, UserID: t.UserID, Name: t.Name, Hash: t.Hash, Prefix: t.Prefix,
		CreatedAt: t.CreatedAt.UTC(), LastUsedAt: utcPtr(t.LastUsedAt), RevokedAt: utcPtr(t.RevokedAt),
	}
	if _, err := db.bun.NewInsert().Model(r).Exec(ctx); err != nil {
		if isUniqueViolation(err) {
			return domain.Wrap(domain.CodeConflict, err, "Este token já existe.")
		}
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

// GetTokenByHash returns the live token with hash; ErrNotFound when unknown
// or revoked.
func (db *DB) GetTokenByHash(ctx context.Context, hash string) (*domain.APIToken, error) {
	var r tokenRow
	err := db.bun.NewSelect().Model(&r).Where("k.hash = ?", hash).Where("k.revoked_at IS NULL").Scan(ctx)
	if err != nil {
		return nil, notFound(err, "get token")
	}
	t := r.domain()
	return &t, nil
}

// ListTokens returns the user's tokens, revoked ones included, newest first.
func (db *DB) ListTokens(ctx context.Context, userID string) ([]domain.APIToken, error) {
	if !validID(userID) {
		return nil, nil
	}
	var rows []tokenRow
	if err := db.bun.NewSelect().Model(&rows).Where("k.user_id = ?", userID).Order("k.created_at DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out := make([]domain.APIToken, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// RevokeToken revokes the user's token id; ErrNotFound when it is not the
// user's or already revoked.
func (db *DB) RevokeToken(ctx context.Context, userID, id string, at time.Time) error {
	if !validID(userID) || !validID(id) {
		return errNotFound(fmt.Errorf("token id %q", id))
	}
	res, err := db.bun.NewUpdate().Model((*tokenRow)(nil)).
		Set("revoked_at = ?", at.UTC()).
		Where("id = ?", id).Where("user_id = ?", userID).Where("revoked_at IS NULL").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return affectedOne(res, "revoke token")
}

// TouchToken records when a token was last used.
func (db *DB) TouchToken(ctx context.Context, id string, at time.Time) error {
	if !validID(id) {
		return errNotFound(fmt.Errorf("token id %q", id))
	}
	_, err := db.bun.NewUpdate().Model((*tokenRow)(nil)).Set("last_used_at = ?", at.UTC()).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("touch token: %w", err)
	}
	return nil
}

// affectedOne turns "no row changed" into ErrNotFound.
func affectedOne(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, errNotFound(sql.ErrNoRows))
	}
	return nil
}

// clampLimit bounds a page size: default 50, at most 1,000.
func clampLimit(n int) int64 {
	switch {
	case n <= 0:
		return 50
	case n > 1000:
		return 1000
	}
	return int64(n)
}

// offset bounds a page offset at zero.
func offset(n int) int64 { return int64(max(n, 0)) }
