package application

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/bankflow/bankflow/domain"
)

// AccountsConfig configures sign-up, sign-in and sessions.
type AccountsConfig struct {
	JWTSecret      []byte        // HS256 key, at least 32 bytes
	SessionTTL     time.Duration // lifetime of a session JWT; 12h when zero
	FirstUserAdmin bool          // the first account of a fresh install becomes admin
	Now            func() time.Time
	// Limits are the tier limits (API access); domain.DefaultLimits when nil.
	Limits map[domain.Tier]domain.Limits
}

// Accounts registers users, signs them in and authenticates their requests.
type Accounts struct {
	users  domain.UserRepository
	tokens TokenStore
	audit  domain.AuditLog
	cfg    AccountsConfig
	log    *slog.Logger

	argon     argonParams
	dummyOnce sync.Once
	dummy     string       // a hash verified for unknown e-mails, so timing tells nothing
	lastPurge atomic.Int64 // unix ns of the last purge of revoked sessions (logout.go)
}

// RegisterInput is what a new account holder provides.
type RegisterInput struct {
	Email, Password, Name, Company, IP string
}

// LoginInput is a sign-in attempt.
type LoginInput struct {
	Email, Password, IP string
}

const minJWTSecret = 32

// msgBadLogin is the one answer to every failed sign-in, so it tells nothing
// about which e-mails exist.
const msgBadLogin = "E-mail ou senha incorretos."

// NewAccounts returns the account service. A JWT secret shorter than 32 bytes
// makes every sign-in and session check fail with CodeInternal (bootstrap
// validates it before).
func NewAccounts(users domain.UserRepository, tokens TokenStore, audit domain.AuditLog, cfg AccountsConfig, log *slog.Logger) *Accounts {
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Limits == nil {
		cfg.Limits = domain.DefaultLimits()
	}
	if log == nil {
		log = slog.Default()
	}
	return &Accounts{users: users, tokens: tokens, audit: audit, cfg: cfg, log: log, argon: defaultArgon}
}

// Register creates a regular account on the free tier (an admin one for the
// very first account when FirstUserAdmin is set). Errors: CodeInvalid for a
// bad e-mail, password or name; CodeConflict when the e-mail is taken.
func (a *Accounts) Register(ctx context.Context, in RegisterInput) (*domain.User, error) {
	role := domain.RoleUser
	if a.cfg.FirstUserAdmin {
		n, err := a.users.CountUsers(ctx)
		if err != nil {
			return nil, unavailable(err)
		}
		if n == 0 {
			role = domain.RoleAdmin
		}
	}
	u, err := a.create(ctx, in, role)
	if err != nil {
		return nil, err
	}
	a.record(ctx, domain.AuditEvent{ActorID: u.ID, Action: "auth.register", TargetID: u.ID, IP: in.IP})
	return u, nil
}

// CreateUser creates an account with the given role (the CLI's `user create`).
// Errors as Register.
func (a *Accounts) CreateUser(ctx context.Context, in RegisterInput, role domain.Role) (*domain.User, error) {
	if role != domain.RoleUser && role != domain.RoleAdmin {
		return nil, domain.Errorf(domain.CodeInvalid, "Papel de usuário inválido.")
	}
	u, err := a.create(ctx, in, role)
	if err != nil {
		return nil, err
	}
	a.record(ctx, domain.AuditEvent{Action: "user.create", TargetID: u.ID, IP: in.IP, Detail: detail(map[string]string{"role": string(role)})})
	return u, nil
}

func (a *Accounts) create(ctx context.Context, in RegisterInput, role domain.Role) (*domain.User, error) {
	email := domain.NormalizeEmail(in.Email)
	if err := domain.ValidateEmail(email); err != nil {
		return nil, err
	}
	if err := domain.ValidatePassword(in.Password); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 200 {
		return nil, domain.Errorf(domain.CodeInvalid, "Informe seu nome (até 200 caracteres).")
	}
	company := strings.TrimSpace(in.Company)
	if utf8.RuneCountInString(company) > 200 {
		return nil, domain.Errorf(domain.CodeInvalid, "O nome da empresa pode ter no máximo 200 caracteres.")
	}
	hash, err := hashPassword(in.Password, a.argon)
	if err != nil {
		return nil, domain.Wrap(domain.CodeInternal, err, "Erro interno. Tente novamente em instantes.")
	}
	inbox, err := randomHex(8)
	if err != nil {
		return nil, domain.Wrap(domain.CodeInternal, err, "Erro interno. Tente novamente em instantes.")
	}
	u := &domain.User{
		ID:           uuid.NewString(),
		Email:        email,
		Name:         name,
		Company:      company,
		PasswordHash: hash,
		Tier:         domain.TierFree,
		Role:         role,
		Active:       true,
		InboxToken:   inbox,
		NotifyEmail:  false, // opt-in: the user turns it on in settings
		CreatedAt:    a.cfg.Now().UTC(),
	}
	if err := a.users.CreateUser(ctx, u); err != nil {
		if domain.ErrorCode(err) == domain.CodeConflict {
			return nil, domain.Wrap(domain.CodeConflict, err, "Este e-mail já está cadastrado.")
		}
		return nil, unavailable(err)
	}
	return u, nil
}

// Login checks an e-mail and password and returns a session JWT. Unknown
// e-mail, wrong password and deactivated account all give the same
// CodeUnauthorized answer and take the same time. Every attempt is audited.
func (a *Accounts) Login(ctx context.Context, in LoginInput) (string, *domain.User, error) {
	email := domain.NormalizeEmail(in.Email)
	u, err := a.users.GetUserByEmail(ctx, email)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return "", nil, unavailable(err)
	}
	if u == nil {
		a.verifyDummy(in.Password)
		a.loginFailed(ctx, "", email, in.IP, "unknown_email")
		return "", nil, domain.Errorf(domain.CodeUnauthorized, msgBadLogin)
	}
	ok, verr := verifyPassword(in.Password, u.PasswordHash)
	if verr != nil {
		a.log.Error("stored password hash unreadable", "user", u.ID, "err", verr)
	}
	if !ok {
		a.loginFailed(ctx, u.ID, email, in.IP, "wrong_password")
		return "", nil, domain.Errorf(domain.CodeUnauthorized, msgBadLogin)
	}
	if !u.Active {
		a.loginFailed(ctx, u.ID, email, in.IP, "inactive")
		return "", nil, domain.Errorf(domain.CodeUnauthorized, msgBadLogin)
	}
	token, err := a.issueSession(u)
	if err != nil {
		return "", nil, err
	}
	oldHash := u.PasswordHash
	a.upgradeHash(u, in.Password)
	newHash := ""
	if u.PasswordHash != oldHash {
		newHash = u.PasswordHash
	}
	now := a.cfg.Now().UTC()
	u.LastLogin = &now
	if err := a.users.RecordLogin(ctx, u.ID, now, oldHash, newHash); err != nil {
		a.log.Warn("record last login", "user", u.ID, "err", err)
	}
	a.record(ctx, domain.AuditEvent{ActorID: u.ID, Action: "auth.login", TargetID: u.ID, IP: in.IP})
	return token, u, nil
}

// ChangePassword replaces a user's password after checking the current one
// and ends every session of the user: it returns a fresh session JWT for
// the session that made the change, which stays signed in. Errors:
// CodeInvalid for a wrong current password or a weak new one, CodeNotFound
// for an unknown user.
func (a *Accounts) ChangePassword(ctx context.Context, userID, oldPassword, newPassword string) (string, error) {
	u, err := a.users.GetUser(ctx, userID)
	if err != nil {
		return "", unavailable(err)
	}
	if ok, _ := verifyPassword(oldPassword, u.PasswordHash); !ok {
		return "", domain.Errorf(domain.CodeInvalid, "A senha atual está incorreta.")
	}
	if err := domain.ValidatePassword(newPassword); err != nil {
		return "", err
	}
	hash, err := hashPassword(newPassword, a.argon)
	if err != nil {
		return "", domain.Wrap(domain.CodeInternal, err, "Erro interno. Tente novamente em instantes.")
	}
	u.PasswordHash = hash
	u.SessionEpoch++
	if err := a.users.UpdateUser(ctx, u); err != nil {
		return "", unavailable(err)
	}
	a.record(ctx, domain.AuditEvent{ActorID: u.ID, Action: "auth.password_change", TargetID: u.ID})
	return a.issueSession(u)
}

// upgradeHash rehashes the password just verified when its stored hash was
// made with weaker parameters than the current ones; the caller stores it.
// A failure keeps the old hash, which still verifies.
func (a *Accounts) upgradeHash(u *domain.User, password string) {
	if !hashOutdated(u.PasswordHash, a.argon) {
		return
	}
	hash, err := hashPassword(password, a.argon)
	if err != nil {
		a.log.Warn("upgrade password hash", "user", u.ID, "err", err)
		return
	}
	u.PasswordHash = hash
}

func (a *Accounts) verifyDummy(password string) {
	a.dummyOnce.Do(func() {
		h, err := hashPassword("bankflow-dummy-password", a.argon)
		if err != nil {
			a.log.Error("dummy password hash", "err", err)
		}
		a.dummy = h
	})
	_, _ = verifyPassword(password, a.dummy)
}

func (a *Accounts) loginFailed(ctx context.Context, userID, email, ip, reason string) {
	a.record(ctx, domain.AuditEvent{
		Action: "auth.login_failed", TargetID: userID, IP: ip,
		Detail: detail(map[string]string{"email": email, "reason": reason}),
	})
}

// record appends to the audit log; a failing audit log is logged, never
// returned, so it cannot lock users out.
func (a *Accounts) record(ctx context.Context, e domain.AuditEvent) {
	if e.At.IsZero() {
		e.At = a.cfg.Now().UTC()
	}
	if err := a.audit.Append(ctx, e); err != nil {
		a.log.Error("audit append", "action", e.Action, "err", err)
	}
}

// detail encodes audit details as JSON.
func detail(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// unavailable reports a storage failure to the user as a temporary outage,
// keeping the cause for logs. Domain errors pass through unchanged.
func unavailable(err error) error {
	var de *domain.Error
	if errors.As(err, &de) && de.Code != domain.CodeInternal && de.Code != domain.CodeUnavailable {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return domain.Wrap(domain.CodeUnavailable, err, msgUnavailable)
}

const msgUnavailable = "Serviço temporariamente indisponível. Tente novamente em instantes."
