package bootstrap

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"go.uber.org/fx"

	"github.com/bankflow/bankflow/adapters/mail"
	"github.com/bankflow/bankflow/adapters/postgres"
	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// mailModule provides the Mailbox (e-mail replies, opt-in notifications)
// as the job notifier, sending through SMTP when SMTP_URL is set (without
// it replies are logged and dropped).
var mailModule = fx.Module("mail",
	fx.Provide(newNotifierRelay, newMailbox),
	fx.Invoke(func(r *notifierRelay, m *application.Mailbox) { r.target.Store(m) }),
)

// resetMailModule e-mails admin-issued password reset links (Admin takes
// an optional application.ResetMailer). It is added whenever SMTP_URL is
// set, on every role: the admin pages run on web nodes.
var resetMailModule = fx.Module("reset-mail",
	fx.Provide(newResetMailer, newSenderMailer),
)

func newSenderMailer(cfg Config) (application.SenderMailer, error) {
	s, err := mail.NewSender(mail.Config{URL: cfg.Mail.SMTPURL, From: cfg.Mail.SMTPFrom})
	if err != nil {
		return nil, err
	}
	return s, nil
}

type emailSettingsParams struct {
	fx.In
	Cfg    Config
	DB     *postgres.DB
	Mailer application.SenderMailer `optional:"true"` // the SMTP adapter, when configured
	Log    *slog.Logger
}

// newEmailSettings serves the e-mail section of the settings page on every
// web node: the personal address is shown when the inbox is watched
// (IMAP_URL and BANKFLOW_INBOX_ADDRESS), senders can be added when
// verification links can be sent (SMTP_URL and BANKFLOW_PUBLIC_URL).
func newEmailSettings(p emailSettingsParams) *application.EmailSettings {
	inbox := ""
	if p.Cfg.Mail.IMAPEnabled() {
		inbox = p.Cfg.Mail.InboxAddress
	}
	return application.NewEmailSettings(application.EmailSettingsDeps{
		Users: p.DB, Senders: p.DB, Audit: p.DB, Mailer: p.Mailer, InboxAddress: inbox,
		BaseURL: p.Cfg.PublicURL, Limits: p.Cfg.Limits, Now: time.Now, Log: p.Log,
	})
}

func newResetMailer(cfg Config) (application.ResetMailer, error) {
	s, err := mail.NewSender(mail.Config{URL: cfg.Mail.SMTPURL, From: cfg.Mail.SMTPFrom})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// notifierRelay breaks the cycle Jobs → Notifier → Mailbox → Jobs: Jobs
// gets the relay, the relay gets the Mailbox once both exist.
type notifierRelay struct {
	target atomic.Pointer[application.Mailbox]
}

func (r *notifierRelay) JobFinished(ctx context.Context, u *domain.User, j *domain.Job) error {
	if m := r.target.Load(); m != nil {
		return m.JobFinished(ctx, u, j)
	}
	return nil
}

type relayResult struct {
	fx.Out
	Relay    *notifierRelay
	Notifier domain.Notifier
}

func newNotifierRelay() relayResult {
	r := &notifierRelay{}
	return relayResult{Relay: r, Notifier: r}
}

func newMailbox(cfg Config, jobs *application.Jobs, db *postgres.DB, files domain.FileStore, log *slog.Logger) (*application.Mailbox, error) {
	var mailer domain.Mailer
	var notifier domain.Notifier
	if cfg.Mail.SMTPEnabled() {
		s, err := mail.NewSender(mail.Config{URL: cfg.Mail.SMTPURL, From: cfg.Mail.SMTPFrom})
		if err != nil {
			return nil, err
		}
		mailer, notifier = s, mail.NewNotifier(s, cfg.Mail.PublicURL)
	}
	return application.NewMailbox(application.MailboxDeps{
		Jobs: jobs, JobRepo: db, Users: db, Inbox: db, Senders: db, Emails: db, Files: files, Audit: db,
		Mailer: mailer, Notifier: notifier, InboxAddress: cfg.Mail.InboxAddress,
		MaxAttachmentBytes: cfg.MaxUploadBytes, ClaimLease: cfg.Mail.ClaimLease, Now: time.Now, Log: log,
	}), nil
}
