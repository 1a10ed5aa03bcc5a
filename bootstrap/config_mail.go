package bootstrap

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/bankflow/bankflow/adapters/imap"
	"github.com/bankflow/bankflow/domain"
)

// MailConfig is e-mail ingestion (IMAP) and sending (SMTP); each is off
// when unset.
type MailConfig struct {
	IMAPURL  string // IMAP_URL, or built from IMAP_HOST/PORT/USER/PASSWORD/TLS
	IMAPPoll time.Duration
	// ClaimLease is how long a message claimed by an instance that then
	// died (BANKFLOW_EMAIL_CLAIM_LEASE, default 10m) waits before another
	// instance, or this one restarted, takes it over.
	ClaimLease   time.Duration
	SMTPURL      string
	SMTPFrom     string
	InboxAddress string // BANKFLOW_INBOX_ADDRESS, e.g. extratos@bankflow.com.br
	PublicURL    string // BANKFLOW_PUBLIC_URL, for links in notifications
}

// IMAPEnabled reports whether the inbox is watched.
func (m MailConfig) IMAPEnabled() bool { return m.IMAPURL != "" }

// SMTPEnabled reports whether e-mail is sent.
func (m MailConfig) SMTPEnabled() bool { return m.SMTPURL != "" }

// loadMailConfig reads IMAP_URL (or IMAP_HOST, IMAP_PORT, IMAP_USER,
// IMAP_PASSWORD, IMAP_TLS=starttls|tls|none), IMAP_POLL_INTERVAL,
// BANKFLOW_EMAIL_CLAIM_LEASE,
// SMTP_URL, SMTP_FROM, BANKFLOW_INBOX_ADDRESS and BANKFLOW_PUBLIC_URL.
func loadMailConfig(m *MailConfig, get func(string, string) string) error {
	var errs []error
	m.IMAPURL = get("IMAP_URL", "")
	if m.IMAPURL == "" && get("IMAP_HOST", "") != "" {
		scheme, q := "imap", ""
		switch t := get("IMAP_TLS", "starttls"); t {
		case "tls":
			scheme = "imaps"
		case "none":
			q = "?tls=none"
		case "starttls":
		default:
			errs = append(errs, fmt.Errorf("IMAP_TLS must be starttls, tls or none, got %q", t))
		}
		port := get("IMAP_PORT", map[string]string{"imap": "143", "imaps": "993"}[scheme])
		u := url.URL{Scheme: scheme, User: url.UserPassword(get("IMAP_USER", ""), get("IMAP_PASSWORD", "")),
			Host: net.JoinHostPort(get("IMAP_HOST", ""), port), Path: "/" + get("IMAP_MAILBOX", "INBOX")}
		m.IMAPURL = u.String() + q
	}
	if m.IMAPURL != "" {
		if _, err := imap.ParseURL(m.IMAPURL); err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	if m.IMAPPoll, err = durationEnv(get("IMAP_POLL_INTERVAL", "30s")); err != nil {
		errs = append(errs, fmt.Errorf("IMAP_POLL_INTERVAL: %w", err))
	}
	if m.ClaimLease, err = durationEnv(get("BANKFLOW_EMAIL_CLAIM_LEASE", "10m")); err != nil || m.ClaimLease < time.Second {
		errs = append(errs, fmt.Errorf("BANKFLOW_EMAIL_CLAIM_LEASE: want a duration of at least 1s (%v)", err))
	}
	m.SMTPURL, m.SMTPFrom = get("SMTP_URL", ""), get("SMTP_FROM", "")
	if m.SMTPURL != "" {
		if !strings.HasPrefix(m.SMTPURL, "smtp://") && !strings.HasPrefix(m.SMTPURL, "smtps://") {
			errs = append(errs, errors.New("SMTP_URL must be smtp://… or smtps://…"))
		}
		if m.SMTPFrom == "" {
			errs = append(errs, errors.New("SMTP_FROM must be set with SMTP_URL"))
		}
	}
	m.InboxAddress = domain.NormalizeEmail(get("BANKFLOW_INBOX_ADDRESS", ""))
	if m.InboxAddress != "" {
		if err := domain.ValidateEmail(m.InboxAddress); err != nil || strings.Contains(m.InboxAddress, "+") {
			errs = append(errs, fmt.Errorf("BANKFLOW_INBOX_ADDRESS %q must be a plain address like extratos@bankflow.com.br", m.InboxAddress))
		}
	}
	m.PublicURL = get("BANKFLOW_PUBLIC_URL", "")
	return errors.Join(errs...)
}
