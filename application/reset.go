package application

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// ResetStore keeps one-time password reset links (their hashes).
type ResetStore interface {
	CreatePasswordReset(ctx context.Context, r *domain.PasswordReset) error
	// GetPasswordReset returns an unused, unexpired link or ErrNotFound.
	GetPasswordReset(ctx context.Context, hash string, now time.Time) (*domain.PasswordReset, error)
	// ConsumePasswordReset marks the link used, once (conditional update),
	// closing the user's other links; ErrNotFound when unknown, used or expired.
	ConsumePasswordReset(ctx context.Context, hash string, now time.Time) (*domain.PasswordReset, error)
}

// ResetMailer e-mails a password reset link (the SMTP adapter, when
// configured).
type ResetMailer interface {
	SendPasswordReset(ctx context.Context, u *domain.User, link string) error
}

// ResetPathPrefix starts every reset link; the page is GET/POST /reset/{token}.
const ResetPathPrefix = "/reset/"

const msgResetInvalid = "Este link de redefinição de senha é inválido, já foi usado ou expirou. Peça um novo ao administrador."

// IssuePasswordReset creates a one-time link for the user to choose a new
// password. With a mailer it is e-mailed and emailed is true; without one
// (or when sending fails) the link is returned for the admin to pass on —
// it is shown once and only its hash is stored.
func (a *Admin) IssuePasswordReset(ctx context.Context, actor *domain.User, id, ip string) (link string, emailed bool, err error) {
	if err := requireAdmin(actor); err != nil {
		return "", false, err
	}
	u, err := a.user(ctx, id)
	if err != nil {
		return "", false, err
	}
	secret, err := linkSecret()
	if err != nil {
		return "", false, err
	}
	now := a.d.Now().UTC()
	r := &domain.PasswordReset{TokenHash: tokenHash(secret), UserID: u.ID, CreatedBy: actor.ID, CreatedAt: now, ExpiresAt: now.Add(a.d.ResetTTL)}
	if err := a.d.Resets.CreatePasswordReset(ctx, r); err != nil {
		return "", false, unavailable(err)
	}
	link = strings.TrimRight(a.d.BaseURL, "/") + ResetPathPrefix + secret
	if a.d.Mailer != nil {
		if err := a.d.Mailer.SendPasswordReset(ctx, u, link); err != nil {
			a.d.Logger.Warn("e-mail password reset; showing the link to the admin", "user", u.ID, "err", err)
		} else {
			emailed = true
		}
	}
	a.record(ctx, domain.AuditEvent{ActorID: actor.ID, Action: "admin.user.password_reset", TargetID: u.ID, IP: ip,
		Detail: detail(map[string]any{"email": u.Email, "emailed": emailed, "expires_at": r.ExpiresAt})})
	if emailed {
		return "", true, nil
	}
	return link, false, nil
}

// CheckPasswordReset returns the user a reset link is for, so the page can
// greet them. Errors: CodeNotFound for an unknown, used or expired link.
func (a *Admin) CheckPasswordReset(ctx context.Context, secret string) (*domain.User, error) {
	r, err := a.d.Resets.GetPasswordReset(ctx, tokenHash(secret), a.d.Now().UTC())
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.Wrap(domain.CodeNotFound, err, msgResetInvalid)
	}
	if err != nil {
		return nil, unavailable(err)
	}
	u, err := a.user(ctx, r.UserID)
	if err != nil {
		return nil, domain.Wrap(domain.CodeNotFound, err, msgResetInvalid)
	}
	return u, nil
}

// CompletePasswordReset sets a new password through a reset link, which
// then stops working, and ends every session of the user. Errors: CodeInvalid for a weak password (the link
// stays usable); CodeNotFound for an unknown, used or expired link.
func (a *Admin) CompletePasswordReset(ctx context.Context, secret, password, ip string) error {
	if err := domain.ValidatePassword(password); err != nil {
		return err
	}
	if _, err := a.CheckPasswordReset(ctx, secret); err != nil {
		return err
	}
	hash, err := hashPassword(password, a.argon)
	if err != nil {
		return domain.Wrap(domain.CodeInternal, err, msgInternalErr)
	}
	r, err := a.d.Resets.ConsumePasswordReset(ctx, tokenHash(secret), a.d.Now().UTC())
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Wrap(domain.CodeNotFound, err, msgResetInvalid)
	}
	if err != nil {
		return unavailable(err)
	}
	u, err := a.user(ctx, r.UserID)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	u.SessionEpoch++ // every session of the user ends
	if err := a.d.Users.UpdateUser(ctx, u); err != nil {
		return unavailable(err)
	}
	a.record(ctx, domain.AuditEvent{ActorID: u.ID, Action: "auth.password_reset", TargetID: u.ID, IP: ip})
	return nil
}

const msgInternalErr = "Erro interno. Tente novamente em instantes."

// linkSecret is the secret of a one-time link (password reset, sender
// verification): 32 random bytes, URL-safe. Only its tokenHash is stored.
func linkSecret() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", domain.Wrap(domain.CodeInternal, fmt.Errorf("link secret: %w", err), msgInternalErr)
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// absoluteURL reports whether a link built on base means something outside
// the browser (in an e-mail): it starts with http:// or https://.
func absoluteURL(base string) bool {
	return strings.HasPrefix(base, "https://") || strings.HasPrefix(base, "http://")
}
