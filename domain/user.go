package domain

import (
	"strings"
	"time"
)

// Role is what a user may do.
type Role string

// The roles.
const (
	RoleUser  Role = "user"
	RoleAdmin Role = "admin"
)

// User is an account holder: an accountant or an admin.
type User struct {
	ID           string // UUID
	Email        string // lower-cased
	Name         string
	Company      string
	PasswordHash string // Argon2id, parameters in the string
	Tier         Tier
	Role         Role
	Active       bool
	InboxToken   string // the +token of the personal e-mail inbox address
	NotifyEmail  bool   // e-mail when an uploaded job finishes
	CreatedAt    time.Time
	LastLogin    *time.Time
	// SessionEpoch counts the password changes and resets: a session
	// issued under an older epoch is no longer valid. It only grows.
	SessionEpoch int64
}

// NormalizeEmail trims and lower-cases an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateEmail reports a readable error for an implausible address.
func ValidateEmail(s string) error {
	at := strings.LastIndexByte(s, '@')
	if len(s) > 254 || at < 1 || at == len(s)-1 || !strings.Contains(s[at:], ".") || strings.ContainsAny(s, " \t\r\n<>") {
		return Errorf(CodeInvalid, "E-mail inválido.")
	}
	return nil
}

// ValidatePassword enforces the password policy.
func ValidatePassword(p string) error {
	if len([]rune(p)) < 8 {
		return Errorf(CodeInvalid, "A senha precisa ter pelo menos 8 caracteres.")
	}
	if len(p) > 256 {
		return Errorf(CodeInvalid, "A senha pode ter no máximo 256 caracteres.")
	}
	return nil
}

// IsAdmin reports whether the user is an active admin.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin && u.Active }
