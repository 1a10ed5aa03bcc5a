package application

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/bankflow/bankflow/domain"
)

// apiTokenPrefix starts every API token secret, telling it apart from a
// session JWT.
const apiTokenPrefix = "bf_"

const jwtIssuer = "bankflow"

const msgSessionInvalid = "Sessão inválida ou expirada. Entre novamente."

// sessionClaims are the claims of a session JWT: the registered ones (iss,
// sub, iat, exp and a random jti, the id a sign-out revokes) and the user's
// session epoch when it was issued (a password change moves it on).
type sessionClaims struct {
	jwt.RegisteredClaims
	Epoch int64 `json:"sep"`
}

// issueSession signs a session JWT for u: HS256, a random jti, and u's
// current session epoch.
func (a *Accounts) issueSession(u *domain.User) (string, error) {
	if len(a.cfg.JWTSecret) < minJWTSecret {
		return "", domain.Wrap(domain.CodeInternal, errors.New("jwt secret shorter than 32 bytes"), "Erro interno. Tente novamente em instantes.")
	}
	jti, err := randomHex(16)
	if err != nil {
		return "", domain.Wrap(domain.CodeInternal, err, "Erro interno. Tente novamente em instantes.")
	}
	now := a.cfg.Now()
	claims := sessionClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    jwtIssuer,
			Subject:   u.ID,
			ID:        jti,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(a.cfg.SessionTTL)),
		},
		Epoch: u.SessionEpoch,
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(a.cfg.JWTSecret)
	if err != nil {
		return "", domain.Wrap(domain.CodeInternal, fmt.Errorf("sign session: %w", err), "Erro interno. Tente novamente em instantes.")
	}
	return s, nil
}

// Authenticate resolves a bearer credential (a session JWT or an API token
// starting with "bf_"; a leading "Bearer " is tolerated) to its user. The
// user is loaded at every call, so a deactivated account loses access at
// once; a session is also refused once signed out (Logout) or issued
// before the user's last password change or reset. Errors: CodeUnauthorized for anything not valid now; CodeForbidden
// for an API token whose owner's plan has no API access; CodeUnavailable when
// the store is down.
func (a *Accounts) Authenticate(ctx context.Context, bearer string) (*domain.User, error) {
	bearer = strings.TrimSpace(bearer)
	if len(bearer) > 7 && strings.EqualFold(bearer[:7], "bearer ") {
		bearer = strings.TrimSpace(bearer[7:])
	}
	if bearer == "" {
		return nil, domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	if strings.HasPrefix(bearer, apiTokenPrefix) {
		return a.authenticateToken(ctx, bearer)
	}
	claims, err := a.parseSession(bearer)
	if err != nil {
		return nil, err
	}
	u, err := a.activeUser(ctx, claims.Subject)
	if err != nil {
		return nil, err
	}
	if claims.Epoch != u.SessionEpoch {
		return nil, domain.Errorf(domain.CodeUnauthorized, "Sua senha foi alterada: entre novamente com a nova senha.")
	}
	revoked, err := a.tokens.SessionRevoked(ctx, claims.ID)
	if err != nil {
		return nil, unavailable(err)
	}
	if revoked {
		return nil, domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	return u, nil
}

// parseSession validates a session JWT and returns its claims, which
// always have a subject and an id. Only HS256 with our secret is accepted:
// "none", RS256 and friends are refused before any key is used.
func (a *Accounts) parseSession(token string) (*sessionClaims, error) {
	if len(a.cfg.JWTSecret) < minJWTSecret {
		return nil, domain.Wrap(domain.CodeInternal, errors.New("jwt secret shorter than 32 bytes"), "Erro interno. Tente novamente em instantes.")
	}
	var claims sessionClaims
	_, err := jwt.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return a.cfg.JWTSecret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(jwtIssuer),
		jwt.WithTimeFunc(a.cfg.Now),
	)
	if err == nil && (claims.Subject == "" || claims.ID == "") {
		err = errors.New("session without subject or id") // issued before sign-out existed
	}
	if err != nil {
		return nil, domain.Wrap(domain.CodeUnauthorized, err, msgSessionInvalid)
	}
	return &claims, nil
}

func (a *Accounts) authenticateToken(ctx context.Context, secret string) (*domain.User, error) {
	t, err := a.tokens.GetTokenByHash(ctx, tokenHash(secret))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.Errorf(domain.CodeUnauthorized, "Token de API inválido ou revogado.")
	}
	if err != nil {
		return nil, unavailable(err)
	}
	if t.RevokedAt != nil {
		return nil, domain.Errorf(domain.CodeUnauthorized, "Token de API inválido ou revogado.")
	}
	u, err := a.activeUser(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	if err := a.apiAllowed(u); err != nil {
		return nil, err
	}
	a.touchToken(ctx, t)
	return u, nil
}

// tokenTouchEvery is how stale a token's last use may get before a request
// records it again: at most one write a minute per token, not one per request.
const tokenTouchEvery = time.Minute

// touchToken records the token's use when the stored one is older than
// tokenTouchEvery. A failure is logged: it must not refuse the request.
func (a *Accounts) touchToken(ctx context.Context, t *domain.APIToken) {
	now := a.cfg.Now().UTC()
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < tokenTouchEvery {
		return
	}
	if err := a.tokens.TouchToken(ctx, t.ID, now); err != nil {
		a.log.Warn("record api token use", "token", t.ID, "err", err)
	}
}

// activeUser loads a user and refuses a missing or deactivated one.
func (a *Accounts) activeUser(ctx context.Context, id string) (*domain.User, error) {
	u, err := a.users.GetUser(ctx, id)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	if err != nil {
		return nil, unavailable(err)
	}
	if !u.Active {
		return nil, domain.Errorf(domain.CodeUnauthorized, "Esta conta está desativada.")
	}
	return u, nil
}

// apiAllowed refuses API use on a plan without it.
func (a *Accounts) apiAllowed(u *domain.User) error {
	if limitsFor(a.cfg.Limits, u.Tier).API {
		return nil
	}
	return domain.Errorf(domain.CodeForbidden,
		"O acesso pela API não está incluído no plano %s. Faça upgrade para o plano %s ou superior para usar a API.",
		u.Tier.Label(), domain.TierProfessional.Label())
}

// tokenHash is the stored form of an API token secret: SHA-256 hex.
func tokenHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// limitsFor returns the limits of tier, falling back to the defaults and then
// to the free tier for an unknown one.
func limitsFor(limits map[domain.Tier]domain.Limits, tier domain.Tier) domain.Limits {
	if l, ok := limits[tier]; ok {
		return l
	}
	defaults := domain.DefaultLimits()
	if l, ok := defaults[tier]; ok {
		return l
	}
	return defaults[domain.TierFree]
}
