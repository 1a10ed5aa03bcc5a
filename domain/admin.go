package domain

import "time"

// UserFilter narrows the admin's user listing. Empty fields match
// everything.
type UserFilter struct {
	Query  string // part of the e-mail or the name, case-insensitive
	Tier   Tier
	Role   Role
	Active *bool
	Limit  int
	Offset int
}

// AuditFilter narrows an audit log listing. Empty fields match everything;
// From is inclusive, To exclusive.
type AuditFilter struct {
	Action  string // exact action, or a prefix ending in "." ("admin.")
	ActorID string
	From    time.Time
	To      time.Time
	Limit   int
	Offset  int
}

// PasswordReset is a one-time link an admin issued for a user. Only the
// SHA-256 hash of its secret is stored.
type PasswordReset struct {
	TokenHash string
	UserID    string
	CreatedBy string // the admin's id
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}
