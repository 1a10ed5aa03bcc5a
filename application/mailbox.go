package application

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// Folder is where the poller moves a message once it was handled.
type Folder string

// The folders of handled messages; FolderNone leaves the message where it
// is (another instance is handling it).
const (
	FolderNone      Folder = ""
	FolderProcessed Folder = "Processed"
	FolderFailed    Folder = "Failed"
)

// MailboxDeps are the ports and settings of e-mail ingestion.
type MailboxDeps struct {
	Jobs    *Jobs
	JobRepo domain.JobRepository
	Users   domain.UserRepository
	Inbox   domain.InboxUserRepository
	Senders domain.SenderRepository
	Emails  domain.EmailRepository
	Files   domain.FileStore
	Audit   domain.AuditLog
	// Mailer sends replies; nil (no SMTP) logs and drops them.
	Mailer domain.Mailer
	// Notifier sends the opt-in "your file is ready" e-mail of uploads; may be nil.
	Notifier domain.Notifier
	// InboxAddress is the BankFlow inbox (extratos@bankflow.com.br); users
	// get extratos+<token>@bankflow.com.br.
	InboxAddress string
	// MaxAttachmentBytes caps one attachment (100 MiB when zero); the
	// user's plan limit is applied by Submit.
	MaxAttachmentBytes int64
	// ClaimLease is how long a claim of a message by an instance that then
	// died blocks the others (10 minutes when zero).
	ClaimLease time.Duration
	Now        func() time.Time
	Log        *slog.Logger
}

// Mailbox turns e-mails sent to the BankFlow inbox into jobs and answers
// each with one reply once all its jobs are final. It is also the job
// notifier: it sends e-mail replies and the opt-in notifications.
type Mailbox struct {
	d MailboxDeps
}

var _ domain.Notifier = (*Mailbox)(nil)

// NewMailbox returns the e-mail ingestion service.
func NewMailbox(d MailboxDeps) *Mailbox {
	if d.MaxAttachmentBytes <= 0 {
		d.MaxAttachmentBytes = defaultMaxInput
	}
	if d.ClaimLease <= 0 {
		d.ClaimLease = 10 * time.Minute
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	d.InboxAddress = domain.NormalizeEmail(d.InboxAddress)
	return &Mailbox{d: d}
}

// IngestInput is one raw message fetched from a mailbox.
type IngestInput struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	Raw         []byte
}

// Ingest handles one message exactly once: it claims it in the database
// (so that another instance, or this one after a restart, never handles it
// again), routes it to a user, submits each statement through Jobs.Submit
// and stores the outcome. It returns where the message should be moved:
// FolderNone when another instance holds it. An error means a transient
// failure: the message stays and is tried again later.
func (m *Mailbox) Ingest(ctx context.Context, in IngestInput) (Folder, error) {
	env := readEnvelope(in.Raw)
	rec := &domain.InboundEmail{
		Mailbox: in.Mailbox, UIDValidity: in.UIDValidity, UID: in.UID,
		DedupKey: dedupKey(env.MessageID, in.Raw), MessageID: env.MessageID,
		Subject: truncate(env.Subject, 500), ClaimedAt: m.d.Now().UTC(),
	}
	claimed, existing, err := m.d.Emails.ClaimEmail(ctx, rec, rec.ClaimedAt.Add(-m.d.ClaimLease))
	if err != nil {
		return FolderNone, fmt.Errorf("claim message: %w", err)
	}
	if !claimed {
		if existing == nil || existing.Status == domain.EmailClaimed {
			return FolderNone, nil
		}
		m.d.Log.Info("message already handled", "message_id", env.MessageID, "uid", in.UID, "status", existing.Status)
		return folderOf(existing), nil
	}
	log := m.d.Log.With("message_id", env.MessageID, "uid", in.UID)

	if reason := env.loopRisk(m.d.InboxAddress); reason != "" {
		rec.Status, rec.Note, rec.Failed = domain.EmailIgnored, reason, true
		log.Info("message ignored: never answered", "reason", reason)
		return m.save(ctx, rec)
	}
	rec.ReplyTo = env.replyAddress(m.d.InboxAddress)
	rec.References = strings.TrimSpace(env.References + " " + env.MessageID)

	u, err := m.route(ctx, env)
	if err != nil {
		return FolderNone, err
	}
	if u == nil {
		rec.Status, rec.Failed = domain.EmailRefused, true
		rec.Note = "unknown sender"
		m.audit(ctx, domain.AuditEvent{Action: "email.refused", TargetID: rec.ID, Detail: detail(map[string]string{
			"from": env.From, "message_id": env.MessageID, "reason": rec.Note})})
		log.Info("message refused: unknown sender", "from", env.From)
		folder, err := m.save(ctx, rec)
		if err != nil {
			return folder, err
		}
		m.sendNow(ctx, rec, m.refusalText())
		return folder, nil
	}
	rec.UserID = u.ID

	content := env.content(m.d.MaxAttachmentBytes)
	for _, a := range content.Statements {
		f := domain.EmailFile{Filename: cleanFilename(a.Filename)}
		res, err := m.d.Jobs.Submit(ctx, SubmitInput{
			User: u, Source: domain.SourceEmail, Filename: a.Filename, ContentType: a.ContentType,
			EmailMessageID: env.MessageID, Body: bytes.NewReader(a.Data),
		})
		switch code := domain.ErrorCode(err); {
		case err == nil:
			f.JobID, f.Duplicate = res.Job.ID, res.Duplicate
		case code == domain.CodeUnavailable || code == domain.CodeInternal || errors.Is(err, context.Canceled):
			// Transient: keep the claim; after the lease the message is
			// tried again and Submit's duplicate detection finds the jobs
			// already made.
			return FolderNone, fmt.Errorf("submit %s: %w", a.Filename, err)
		default:
			f.Error = domain.ErrorMessage(err)
		}
		rec.Files = append(rec.Files, f)
	}
	rec.Files = append(rec.Files, content.Refused...)
	rec.Status = domain.EmailSubmitted
	rec.Failed = !hasJob(rec.Files)
	if content.Malformed {
		rec.Note = "malformed MIME"
	}
	log.Info("message ingested", "user", u.ID, "files", len(rec.Files), "jobs", countJobs(rec.Files))
	folder, err := m.save(ctx, rec)
	if err != nil {
		return folder, err
	}
	if err := m.replyWhenDone(ctx, rec); err != nil {
		log.Warn("reply not sent yet; retried later", "err", err)
	}
	return folder, nil
}

// route finds the user a message is for: a personal inbox address among
// its recipients, else a verified sender address. nil when none.
func (m *Mailbox) route(ctx context.Context, env *envelope) (*domain.User, error) {
	for _, addr := range env.Recipients {
		token := m.inboxToken(addr)
		if token == "" {
			continue
		}
		u, err := m.d.Inbox.GetUserByInboxToken(ctx, token)
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("user by inbox token: %w", err)
		}
		if u.Active {
			return u, nil
		}
	}
	if env.From == "" || m.d.Senders == nil {
		return nil, nil
	}
	u, err := m.d.Senders.UserBySender(ctx, env.From)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("user by sender: %w", err)
	}
	if !u.Active {
		return nil, nil
	}
	return u, nil
}

// inboxToken returns the +token of addr when addr is a personal address of
// the BankFlow inbox (any domain when no inbox address is configured).
func (m *Mailbox) inboxToken(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	local, dom := addr[:at], addr[at+1:]
	base, token, ok := strings.Cut(local, "+")
	if !ok || token == "" {
		return ""
	}
	if m.d.InboxAddress != "" && base+"@"+dom != m.d.InboxAddress {
		return ""
	}
	return token
}

// InboxAddress returns the personal inbox address of u (inbox+token@domain),
// generating and storing the user's token first when the account has none.
// "" when no inbox address is configured.
func (m *Mailbox) InboxAddress(ctx context.Context, u *domain.User) (string, error) {
	if m.d.InboxAddress == "" {
		return "", nil
	}
	if u.InboxToken == "" {
		tok, err := randomHex(8)
		if err != nil {
			return "", domain.Wrap(domain.CodeInternal, err, "Erro interno. Tente novamente em instantes.")
		}
		u.InboxToken = tok
		if err := m.d.Users.UpdateUser(ctx, u); err != nil {
			u.InboxToken = ""
			return "", unavailable(err)
		}
	}
	return PlusAddress(m.d.InboxAddress, u.InboxToken), nil
}

// PlusAddress builds local+token@domain from the inbox address.
func PlusAddress(inbox, token string) string {
	at := strings.LastIndexByte(inbox, '@')
	if at < 0 || token == "" {
		return ""
	}
	return inbox[:at] + "+" + token + inbox[at:]
}

func (m *Mailbox) save(ctx context.Context, rec *domain.InboundEmail) (Folder, error) {
	if err := m.d.Emails.SaveEmail(ctx, rec); err != nil {
		return FolderNone, fmt.Errorf("save message outcome: %w", err)
	}
	return folderOf(rec), nil
}

func (m *Mailbox) audit(ctx context.Context, e domain.AuditEvent) {
	if m.d.Audit == nil {
		return
	}
	e.At = m.d.Now().UTC()
	if err := m.d.Audit.Append(ctx, e); err != nil {
		m.d.Log.Error("audit", "action", e.Action, "err", err)
	}
}

func folderOf(rec *domain.InboundEmail) Folder {
	if rec.Failed {
		return FolderFailed
	}
	return FolderProcessed
}

// dedupKey identifies a message by its Message-ID and its bytes, so that a
// mailbox renumbered by the server (new UIDVALIDITY) is not processed again.
func dedupKey(messageID string, raw []byte) string {
	body := sha256.Sum256(raw)
	key := sha256.Sum256([]byte(messageID + "\x00" + hex.EncodeToString(body[:])))
	return hex.EncodeToString(key[:])
}

func hasJob(files []domain.EmailFile) bool { return countJobs(files) > 0 }

func countJobs(files []domain.EmailFile) int {
	n := 0
	for _, f := range files {
		if f.JobID != "" {
			n++
		}
	}
	return n
}
