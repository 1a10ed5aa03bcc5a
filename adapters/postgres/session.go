package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// revokedSessionRow is one signed-out session JWT, kept until it would have
// expired anyway.
type revokedSessionRow struct {
	bun.BaseModel `bun:"table:revoked_sessions,alias:rs"`

	JTI       string    `bun:"jti,pk"`
	UserID    string    `bun:"user_id"`
	ExpiresAt time.Time `bun:"expires_at"`
}

// RevokeSession records that the session with id jti ended (sign-out). It
// is idempotent: revoking a revoked session changes nothing.
func (db *DB) RevokeSession(ctx context.Context, jti, userID string, expiresAt time.Time) error {
	if jti == "" || !validID(userID) {
		return fmt.Errorf("revoke session: empty id or bad user id %q", userID)
	}
	r := &revokedSessionRow{JTI: jti, UserID: userID, ExpiresAt: expiresAt.UTC()}
	if _, err := db.bun.NewInsert().Model(r).On("CONFLICT (jti) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// SessionRevoked reports whether the session with id jti was revoked: one
// primary-key lookup.
func (db *DB) SessionRevoked(ctx context.Context, jti string) (bool, error) {
	ok, err := db.bun.NewSelect().Model((*revokedSessionRow)(nil)).Where("rs.jti = ?", jti).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("session revoked: %w", err)
	}
	return ok, nil
}

// PurgeRevokedSessions deletes the revocations of sessions that expired
// before before (their JWTs are refused for their expiry alone) and
// returns how many went.
func (db *DB) PurgeRevokedSessions(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.bun.NewDelete().Model((*revokedSessionRow)(nil)).Where("expires_at < ?", before.UTC()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge revoked sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge revoked sessions: %w", err)
	}
	return n, nil
}
