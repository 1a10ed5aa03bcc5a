package domain

import (
	"context"
	"io"
	"time"
)

// UserRepository stores users. Get* return ErrNotFound (CodeNotFound) when
// absent; Create returns CodeConflict when the e-mail is taken.
type UserRepository interface {
	CreateUser(ctx context.Context, u *User) error
	GetUser(ctx context.Context, id string) (*User, error)
	GetUserByEmail(ctx context.Context, email string) (*User, error)
	UpdateUser(ctx context.Context, u *User) error
	// RecordLogin sets the user's last sign-in time and, when newHash is not
	// "", replaces the password hash only if it still equals oldHash (a
	// password changed meanwhile is never overwritten).
	RecordLogin(ctx context.Context, id string, at time.Time, oldHash, newHash string) error
	CountUsers(ctx context.Context) (int, error)
}

// TokenRepository stores API tokens. GetTokenByHash returns ErrNotFound for
// unknown or revoked tokens.
type TokenRepository interface {
	CreateToken(ctx context.Context, t *APIToken) error
	GetTokenByHash(ctx context.Context, hash string) (*APIToken, error)
	ListTokens(ctx context.Context, userID string) ([]APIToken, error)
	RevokeToken(ctx context.Context, userID, id string, at time.Time) error
}

// JobFilter narrows a job listing. Empty fields match everything.
type JobFilter struct {
	UserID string
	Status JobStatus
	Limit  int
	Offset int
}

// JobRepository stores jobs and, with them, their transactions.
type JobRepository interface {
	// CreateJob inserts a queued job.
	CreateJob(ctx context.Context, j *Job) error
	// GetJob returns ErrNotFound when absent.
	GetJob(ctx context.Context, id string) (*Job, error)
	ListJobs(ctx context.Context, f JobFilter) ([]Job, error)
	// FindJobByHash returns the user's newest non-failed job for the same bytes, or ErrNotFound.
	FindJobByHash(ctx context.Context, userID, hash string) (*Job, error)
	// CountJobsSince counts the user's jobs created at or after since (monthly quota).
	CountJobsSince(ctx context.Context, userID string, since time.Time) (int, error)
	// CountActiveJobs counts the user's queued or processing jobs.
	CountActiveJobs(ctx context.Context, userID string) (int, error)
	// ClaimJob moves a queued job to processing (conditional update) and
	// returns it; CodeConflict when it is not queued (already claimed or final).
	ClaimJob(ctx context.Context, id string, now time.Time) (*Job, error)
	// UpdateProgress records progress of a processing job.
	UpdateProgress(ctx context.Context, id string, progress int) error
	// CompleteJob replaces the job's transactions with res and marks it
	// completed, in one database transaction. CodeConflict when the job is
	// no longer processing (cancelled meanwhile).
	CompleteJob(ctx context.Context, id string, res JobResult, now time.Time) error
	// FailJob marks a queued or processing job failed with a user message.
	FailJob(ctx context.Context, id, message string, now time.Time) error
	// CancelJob marks a non-final job cancelled; CodeConflict when final.
	CancelJob(ctx context.Context, id string, now time.Time) error
	// RequeueJob moves a processing job back to queued (graceful shutdown, reclaim).
	RequeueJob(ctx context.Context, id string) error
	// DeleteJob removes a job and its transactions.
	DeleteJob(ctx context.Context, id string) error
	// UnfinishedJobs returns the ids of queued and processing jobs (start-up re-enqueue).
	UnfinishedJobs(ctx context.Context) ([]string, error)
	// ExpiredFiles returns jobs whose input file is past ExpiresAt and not yet deleted.
	ExpiredFiles(ctx context.Context, now time.Time, limit int) ([]Job, error)
	// MarkFileDeleted records that the sweeper deleted the job's stored input
	// and output files, and clears both ids.
	MarkFileDeleted(ctx context.Context, id string, now time.Time) error
}

// StoredTransaction is a transaction as kept in the database.
type StoredTransaction struct {
	Transaction
	ID      int64
	JobID   string
	UserID  string
	Seq     int // order within the job
	Account string
	Bank    string
	Dedup   string // fingerprint: date|amount|description|occurrence
}

// TransactionQuery searches a user's transactions.
type TransactionQuery struct {
	UserID    string
	JobID     string // optional
	Text      string // full-text, Portuguese stemming
	MinAmount *Money
	MaxAmount *Money
	From, To  Date
	Sort      string // "date", "-date", "amount", "-amount", "seq" (default)
	Limit     int
	Offset    int
}

// TransactionRepository reads stored transactions.
type TransactionRepository interface {
	SearchTransactions(ctx context.Context, q TransactionQuery) ([]StoredTransaction, int, error)
}

// AuditLog appends to and reads the audit trail.
type AuditLog interface {
	Append(ctx context.Context, e AuditEvent) error
}

// FileStore keeps uploaded files encrypted at rest under random ids.
type FileStore interface {
	// Put stores r and returns its id.
	Put(ctx context.Context, r io.Reader) (id string, size int64, err error)
	// Open returns the decrypted content; ErrNotFound when deleted.
	Open(ctx context.Context, id string) (io.ReadCloser, error)
	// Delete removes the file; deleting a missing file is not an error.
	Delete(ctx context.Context, id string) error
}

// Delivery is one message taken from a JobQueue.
//
// A queue keeps redelivering a message that is neither acked nor retried
// (its worker died) and counts every delivery. Past the queue's limit it
// still hands the message over, once more, with Attempt > MaxAttempts:
// the worker must then not process the job but mark it failed and Ack
// (see Exhausted).
type Delivery struct {
	JobID       string
	Attempt     int // 1 on first delivery
	MaxAttempts int // the queue's delivery limit; 0 means none
	Ack         func(ctx context.Context) error
	Retry       func(ctx context.Context) error // give it back for redelivery now (counts as a delivery)
}

// Exhausted reports whether the delivery limit is passed: the job must be
// marked failed and the delivery acked, not processed again.
func (d *Delivery) Exhausted() bool {
	return d.MaxAttempts > 0 && d.Attempt > d.MaxAttempts
}

// JobQueue carries job ids from submit to workers, at least once.
type JobQueue interface {
	Enqueue(ctx context.Context, jobID string) error
	// Receive blocks until a job id is available or ctx ends.
	Receive(ctx context.Context) (*Delivery, error)
	// Depth is the number of entries waiting or in flight.
	Depth(ctx context.Context) (int64, error)
}

// Notifier tells a user that a job finished (e-mail reply, opt-in e-mail).
type Notifier interface {
	JobFinished(ctx context.Context, u *User, j *Job) error
}

// EmailRepository keeps inbound e-mails and the mailbox cursors, so that
// each message is handled exactly once across restarts and instances.
type EmailRepository interface {
	// ClaimEmail inserts m as EmailClaimed unless a message with the same
	// place (Mailbox, UIDValidity, UID) or DedupKey exists; then claimed is
	// false and existing is that message. A claim older than staleBefore
	// that never got an outcome (its instance died) is taken over: claimed
	// is true and m.ID is the old record's.
	ClaimEmail(ctx context.Context, m *InboundEmail, staleBefore time.Time) (claimed bool, existing *InboundEmail, err error)
	// SaveEmail stores the outcome of a claimed message (status, user,
	// files, reply fields). ErrNotFound when absent.
	SaveEmail(ctx context.Context, m *InboundEmail) error
	// EmailsAwaitingReply returns submitted messages not yet replied to,
	// oldest first; with jobID set, only those holding that job.
	EmailsAwaitingReply(ctx context.Context, jobID string, limit int) ([]InboundEmail, error)
	// ClaimReply records that the reply to the message is being sent, once:
	// CodeConflict when another caller already claimed it. ReleaseReply
	// undoes a claim whose sending failed.
	ClaimReply(ctx context.Context, id string, now time.Time) error
	ReleaseReply(ctx context.Context, id string) error
}

// EmailCursorRepository stores how far each mailbox was read.
type EmailCursorRepository interface {
	// GetEmailCursor returns ErrNotFound for a mailbox never read.
	GetEmailCursor(ctx context.Context, mailbox string) (*EmailCursor, error)
	// SaveEmailCursor moves the cursor forward; under a different
	// UIDValidity it replaces it (the server renumbered the mailbox).
	SaveEmailCursor(ctx context.Context, c EmailCursor) error
}

// SenderRepository stores the sender addresses users registered.
type SenderRepository interface {
	// AddSender registers an address; CodeConflict when any user has it.
	AddSender(ctx context.Context, s SenderAddress) error
	// VerifySender marks the user's address verified; ErrNotFound when absent.
	VerifySender(ctx context.Context, userID, email string, at time.Time) error
	ListSenders(ctx context.Context, userID string) ([]SenderAddress, error)
	// UserBySender returns the owner of a VERIFIED address, or ErrNotFound.
	UserBySender(ctx context.Context, email string) (*User, error)
	// ConsumeSenderVerification verifies the user's address whose pending
	// link has hash, once (conditional update), and returns it; ErrNotFound
	// when the link is unknown, another user's, used or expired at now.
	ConsumeSenderVerification(ctx context.Context, userID, hash string, now time.Time) (*SenderAddress, error)
	// RemoveSender deletes the user's address; ErrNotFound when absent.
	RemoveSender(ctx context.Context, userID, email string) error
}

// InboxUserRepository finds the user of a personal inbox address.
type InboxUserRepository interface {
	// GetUserByInboxToken returns ErrNotFound for an unknown token.
	GetUserByInboxToken(ctx context.Context, token string) (*User, error)
}

// Mailer sends e-mail (SMTP in production). Send returns when the message
// was handed to the server; implementations bound the time it may take.
type Mailer interface {
	Send(ctx context.Context, m *OutgoingEmail) error
}
