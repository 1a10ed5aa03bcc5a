package postgres

import (
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/bankflow/bankflow/domain"
	"github.com/uptrace/bun"
)

// Row structs mirror the tables; the domain has no tags, so mapping lives here.

type userRow struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID           string     `bun:"id,pk"`
	Email        string     `bun:"email"`
	PasswordHash string     `bun:"password_hash"`
	Name         string     `bun:"name"`
	Company      string     `bun:"company"`
	Tier         string     `bun:"subscription_tier"`
	Role         string     `bun:"role"`
	InboxToken   string     `bun:"inbox_token,nullzero"`
	NotifyEmail  bool       `bun:"notify_email"`
	CreatedAt    time.Time  `bun:"created_at"`
	LastLogin    *time.Time `bun:"last_login"`
	IsActive     bool       `bun:"is_active"`
	SessionEpoch int64      `bun:"session_epoch"`
}

func userToRow(u *domain.User) *userRow {
	return &userRow{
		ID: u.ID, Email: u.Email, PasswordHash: u.PasswordHash, Name: u.Name, Company: u.Company,
		Tier: string(u.Tier), Role: string(u.Role), InboxToken: u.InboxToken, NotifyEmail: u.NotifyEmail,
		CreatedAt: u.CreatedAt.UTC(), LastLogin: utcPtr(u.LastLogin), IsActive: u.Active,
		SessionEpoch: u.SessionEpoch,
	}
}

func (r *userRow) domain() *domain.User {
	return &domain.User{
		ID: r.ID, Email: r.Email, PasswordHash: r.PasswordHash, Name: r.Name, Company: r.Company,
		Tier: domain.Tier(r.Tier), Role: domain.Role(r.Role), InboxToken: r.InboxToken, NotifyEmail: r.NotifyEmail,
		CreatedAt: r.CreatedAt.UTC(), LastLogin: utcPtr(r.LastLogin), Active: r.IsActive,
		SessionEpoch: r.SessionEpoch,
	}
}

type tokenRow struct {
	bun.BaseModel `bun:"table:api_tokens,alias:k"`

	ID         string     `bun:"id,pk"`
	UserID     string     `bun:"user_id"`
	Name       string     `bun:"name"`
	Hash       string     `bun:"hash"`
	Prefix     string     `bun:"prefix"`
	CreatedAt  time.Time  `bun:"created_at"`
	LastUsedAt *time.Time `bun:"last_used_at"`
	RevokedAt  *time.Time `bun:"revoked_at"`
}

func (r *tokenRow) domain() domain.APIToken {
	return domain.APIToken{
		ID: r.ID, UserID: r.UserID, Name: r.Name, Hash: r.Hash, Prefix: r.Prefix,
		CreatedAt: r.CreatedAt.UTC(), LastUsedAt: utcPtr(r.LastUsedAt), RevokedAt: utcPtr(r.RevokedAt),
	}
}

type jobRow struct {
	bun.BaseModel `bun:"table:processing_jobs,alias:j"`

	ID               string     `bun:"id,pk"`
	UserID           string     `bun:"user_id"`
	Source           string     `bun:"source"`
	OriginalFilename string     `bun:"original_filename"`
	FileSize         int64      `bun:"file_size"`
	FileHash         string     `bun:"file_hash"`
	ContentType      string     `bun:"content_type"`
	BankHint         string     `bun:"bank_hint"`
	DetectedBank     string     `bun:"detected_bank"`
	Format           string     `bun:"format"`
	Status           string     `bun:"status"`
	Progress         int        `bun:"progress"`
	Attempts         int        `bun:"attempts"`
	TransactionCount int        `bun:"transaction_count"`
	Reconciliation   string     `bun:"reconciliation"`
	DifferenceCents  int64      `bun:"difference_cents"`
	ErrorMessage     string     `bun:"error_message"`
	InputFileID      string     `bun:"input_file_id"`
	OutputFileID     string     `bun:"output_file_id"`
	Summary          string     `bun:"summary,nullzero"`
	EmailMessageID   string     `bun:"email_message_id"`
	CreatedAt        time.Time  `bun:"created_at"`
	StartedAt        *time.Time `bun:"started_at"`
	CompletedAt      *time.Time `bun:"completed_at"`
	ExpiresAt        time.Time  `bun:"expires_at"`
	FileDeletedAt    *time.Time `bun:"file_deleted_at"`
}

func jobToRow(j *domain.Job) *jobRow {
	return &jobRow{
		ID: j.ID, UserID: j.UserID, Source: string(j.Source), OriginalFilename: j.OriginalFilename,
		FileSize: j.FileSize, FileHash: j.FileHash, ContentType: j.ContentType, BankHint: j.BankHint,
		DetectedBank: j.DetectedBank, Format: j.Format, Status: string(j.Status), Progress: j.Progress,
		Attempts: j.Attempts, TransactionCount: j.TransactionCount, Reconciliation: string(j.Reconciliation),
		DifferenceCents: int64(j.Difference), ErrorMessage: j.ErrorMessage, InputFileID: j.InputFileID,
		OutputFileID: j.OutputFileID, Summary: string(j.Summary), EmailMessageID: j.EmailMessageID,
		CreatedAt: j.CreatedAt.UTC(), StartedAt: utcPtr(j.StartedAt), CompletedAt: utcPtr(j.CompletedAt),
		ExpiresAt: j.ExpiresAt.UTC(), FileDeletedAt: utcPtr(j.FileDeletedAt),
	}
}

func (r *jobRow) domain() *domain.Job {
	j := &domain.Job{
		ID: r.ID, UserID: r.UserID, Source: domain.JobSource(r.Source), OriginalFilename: r.OriginalFilename,
		FileSize: r.FileSize, FileHash: r.FileHash, ContentType: r.ContentType, BankHint: r.BankHint,
		DetectedBank: r.DetectedBank, Format: r.Format, Status: domain.JobStatus(r.Status), Progress: r.Progress,
		Attempts: r.Attempts, TransactionCount: r.TransactionCount, Reconciliation: domain.ReconStatus(r.Reconciliation),
		Difference: domain.Money(r.DifferenceCents), ErrorMessage: r.ErrorMessage, InputFileID: r.InputFileID,
		OutputFileID: r.OutputFileID, EmailMessageID: r.EmailMessageID,
		CreatedAt: r.CreatedAt.UTC(), StartedAt: utcPtr(r.StartedAt), CompletedAt: utcPtr(r.CompletedAt),
		ExpiresAt: r.ExpiresAt.UTC(), FileDeletedAt: utcPtr(r.FileDeletedAt),
	}
	if r.Summary != "" {
		j.Summary = []byte(r.Summary)
	}
	return j
}

type txRow struct {
	bun.BaseModel `bun:"table:transactions,alias:t"`

	ID           int64   `bun:"id,pk,autoincrement"`
	JobID        string  `bun:"job_id"`
	UserID       string  `bun:"user_id"`
	Seq          int     `bun:"seq"`
	Line         int     `bun:"line"`
	PostedOn     sqlDate `bun:"posted_on"`
	AmountCents  int64   `bun:"amount_cents"`
	Description  string  `bun:"description"`
	Document     string  `bun:"document"`
	FITID        string  `bun:"fitid"`
	BalanceCents *int64  `bun:"balance_cents"`
	Account      string  `bun:"account"`
	Bank         string  `bun:"bank"`
	Dedup        string  `bun:"dedup"`
}

func (r *txRow) domain() domain.StoredTransaction {
	t := domain.StoredTransaction{
		Transaction: domain.Transaction{
			Date: domain.Date(r.PostedOn), Amount: domain.Money(r.AmountCents), Description: r.Description,
			Document: r.Document, FITID: r.FITID, Line: r.Line,
		},
		ID: r.ID, JobID: r.JobID, UserID: r.UserID, Seq: r.Seq, Account: r.Account, Bank: r.Bank, Dedup: r.Dedup,
	}
	if r.BalanceCents != nil {
		t.Balance = domain.Known(domain.Money(*r.BalanceCents))
	}
	return t
}

type auditRow struct {
	bun.BaseModel `bun:"table:audit_events,alias:a"`

	ID       int64     `bun:"id,pk,autoincrement"`
	At       time.Time `bun:"at"`
	ActorID  string    `bun:"actor_id"`
	Action   string    `bun:"action"`
	TargetID string    `bun:"target_id"`
	IP       string    `bun:"ip"`
	Detail   string    `bun:"detail"`
}

// sqlDate stores a civil date as 'YYYY-MM-DD' on both dialects (a DATE on
// PostgreSQL, TEXT on SQLite), so no time zone ever shifts it; an unknown
// date is NULL.
type sqlDate domain.Date

// Value implements driver.Valuer.
func (d sqlDate) Value() (driver.Value, error) {
	if domain.Date(d).IsZero() {
		return nil, nil
	}
	return domain.Date(d).String(), nil
}

// Scan implements sql.Scanner for DATE values (time.Time) and text.
func (d *sqlDate) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = sqlDate{}
		return nil
	case time.Time:
		*d = sqlDate(domain.DateOf(v))
		return nil
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	}
	return fmt.Errorf("scan date: unexpected %T", src)
}

func (d *sqlDate) parse(s string) error {
	if len(s) > 10 {
		s = s[:10]
	}
	v, err := domain.ParseISODate(s)
	if err != nil {
		return fmt.Errorf("scan date: %w", err)
	}
	*d = sqlDate(v)
	return nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

type senderRow struct {
	bun.BaseModel `bun:"table:sender_addresses,alias:s"`

	UserID     string     `bun:"user_id,pk"`
	Email      string     `bun:"email,pk"`
	CreatedAt  time.Time  `bun:"created_at"`
	VerifiedAt *time.Time `bun:"verified_at"`
	// VerifyHash is NULL when no link is pending (bun's nullzero).
	VerifyHash      string     `bun:"verify_hash,nullzero"`
	VerifyExpiresAt *time.Time `bun:"verify_expires_at"`
}
