package domain

import "time"

// APIToken is a bearer token a user created for the API. Only its SHA-256
// hash is stored; the secret is shown once.
type APIToken struct {
	ID         string
	UserID     string
	Name       string
	Hash       string // SHA-256 hex of the secret
	Prefix     string // first characters of the secret, to recognise it in lists
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// AuditEvent is one append-only line of the audit log.
type AuditEvent struct {
	ID       int64
	At       time.Time
	ActorID  string // "" for anonymous or system
	Action   string // "auth.login", "auth.login_failed", "job.delete", "admin.user.tier", ...
	TargetID string
	IP       string
	Detail   string // JSON: before → after, reasons
}
