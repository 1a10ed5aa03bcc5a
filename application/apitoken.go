package application

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/bankflow/bankflow/domain"
)

// tokenPrefixLen is how much of a secret is kept in clear to recognise a
// token in lists ("bf_" and 7 more characters).
const tokenPrefixLen = 10

// CreateAPIToken creates a bearer token for the API and returns its secret,
// which is shown once: only its SHA-256 hash is stored. Errors: CodeInvalid
// for a bad name, CodeForbidden when the user's plan has no API access,
// CodeUnauthorized for a missing or deactivated user.
func (a *Accounts) CreateAPIToken(ctx context.Context, userID, name string) (string, *domain.APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", nil, domain.Errorf(domain.CodeInvalid, "Dê um nome ao token (até 100 caracteres).")
	}
	u, err := a.activeUser(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	if err := a.apiAllowed(u); err != nil {
		return "", nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, domain.Wrap(domain.CodeInternal, fmt.Errorf("token secret: %w", err), "Erro interno. Tente novamente em instantes.")
	}
	secret := apiTokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t := &domain.APIToken{
		ID:        uuid.NewString(),
		UserID:    u.ID,
		Name:      name,
		Hash:      tokenHash(secret),
		Prefix:    secret[:tokenPrefixLen],
		CreatedAt: a.cfg.Now().UTC(),
	}
	if err := a.tokens.CreateToken(ctx, t); err != nil {
		return "", nil, unavailable(err)
	}
	a.record(ctx, domain.AuditEvent{ActorID: u.ID, Action: "token.create", TargetID: t.ID, Detail: detail(map[string]string{"name": name, "prefix": t.Prefix})})
	return secret, t, nil
}

// ListAPITokens lists a user's tokens (hashes and prefixes only).
func (a *Accounts) ListAPITokens(ctx context.Context, userID string) ([]domain.APIToken, error) {
	ts, err := a.tokens.ListTokens(ctx, userID)
	if err != nil {
		return nil, unavailable(err)
	}
	return ts, nil
}

// RevokeAPIToken revokes one of the user's tokens; it stops working at once.
// Errors: CodeNotFound when the token is not the user's.
func (a *Accounts) RevokeAPIToken(ctx context.Context, userID, tokenID string) error {
	if err := a.tokens.RevokeToken(ctx, userID, tokenID, a.cfg.Now().UTC()); err != nil {
		return unavailable(err)
	}
	a.record(ctx, domain.AuditEvent{ActorID: userID, Action: "token.revoke", TargetID: tokenID})
	return nil
}
