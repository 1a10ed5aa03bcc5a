package application

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// TokenStore is where Accounts keeps credentials besides the users: the API
// tokens with their last use, and the ids of session JWTs signed out before
// their expiry (the database adapter implements it).
type TokenStore interface {
	domain.TokenRepository
	// TouchToken records when the API token was last used.
	TouchToken(ctx context.Context, id string, at time.Time) error
	// RevokeSession records that the session jti of userID ended; it is
	// kept until expiresAt. Revoking twice is not an error.
	RevokeSession(ctx context.Context, jti, userID string, expiresAt time.Time) error
	// SessionRevoked reports whether the session jti was revoked.
	SessionRevoked(ctx context.Context, jti string) (bool, error)
	// PurgeRevokedSessions deletes the revocations that expired before
	// before and returns how many went.
	PurgeRevokedSessions(ctx context.Context, before time.Time) (int64, error)
}

// revokedPurgeEvery is how often Logout also deletes the revocations of
// sessions past their expiry. Only sign-outs add rows, so purging on
// sign-out keeps the table at about the sign-outs of one session lifetime
// without a goroutine of its own.
const revokedPurgeEvery = time.Hour

// Logout ends the session of a session JWT at once, on every server: its id
// is revoked until the JWT would have expired. Signing out a session that
// is already invalid (expired, revoked, forged) does nothing. Errors:
// CodeInvalid for an API token (they are revoked in the settings);
// CodeUnavailable when the store is down.
func (a *Accounts) Logout(ctx context.Context, token string) error {
	token = strings.TrimSpace(token)
	if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
		token = strings.TrimSpace(token[7:])
	}
	if strings.HasPrefix(token, apiTokenPrefix) {
		return domain.Errorf(domain.CodeInvalid, "Um token de API não é uma sessão: revogue-o em Configurações.")
	}
	claims, err := a.parseSession(token)
	if domain.ErrorCode(err) == domain.CodeUnauthorized {
		return nil
	}
	if err != nil {
		return err
	}
	if err := a.tokens.RevokeSession(ctx, claims.ID, claims.Subject, claims.ExpiresAt.Time); err != nil {
		return unavailable(err)
	}
	a.record(ctx, domain.AuditEvent{ActorID: claims.Subject, Action: "auth.logout", TargetID: claims.Subject})
	a.purgeRevoked(ctx)
	return nil
}

// purgeRevoked deletes expired revocations, at most once per
// revokedPurgeEvery in this process; a failure is logged and retried at a
// later sign-out.
func (a *Accounts) purgeRevoked(ctx context.Context) {
	now := a.cfg.Now()
	last := a.lastPurge.Load()
	if last != 0 && now.Sub(time.Unix(0, last)) < revokedPurgeEvery {
		return
	}
	if !a.lastPurge.CompareAndSwap(last, now.UnixNano()) {
		return // another sign-out is purging
	}
	n, err := a.tokens.PurgeRevokedSessions(ctx, now.UTC())
	if err != nil {
		a.log.Warn("purge revoked sessions", "err", fmt.Errorf("after sign-out: %w", err))
		a.lastPurge.Store(last)
		return
	}
	if n > 0 {
		a.log.Info("purged revoked sessions", "deleted", n)
	}
}
