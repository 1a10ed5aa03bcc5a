// Package imap is the inbound e-mail adapter: it watches the BankFlow inbox
// over IMAP (github.com/emersion/go-imap/v2), with IDLE when the server
// offers it and polling otherwise, hands each new message to the
// application's Mailbox and files it under BankFlow/Processed or
// BankFlow/Failed.
package imap

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// The TLS modes.
const (
	TLSImplicit = "tls"
	TLSStart    = "starttls"
	TLSNone     = "none"
)

// Config is the IMAP account watched.
type Config struct {
	Addr     string // host:port
	TLS      string // tls, starttls or none
	User     string
	Password string
	Mailbox  string // INBOX by default
	// Folders receive handled messages; "/" is replaced by the server's
	// hierarchy separator.
	ProcessedFolder string
	FailedFolder    string
	PollInterval    time.Duration // without IDLE; 30 s by default
	IdleRefresh     time.Duration // IDLE is restarted this often (and pending replies swept); 5 min by default
	MaxMessageBytes int64         // larger messages go to Failed unread; 120 MiB by default
	TLSConfig       *tls.Config   // nil verifies the server name
}

// ParseURL reads imap://user:pass@host:port/MAILBOX (STARTTLS unless
// ?tls=none) or imaps://... (implicit TLS).
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("IMAP_URL: %w", err)
	}
	c := Config{Mailbox: strings.TrimPrefix(u.Path, "/")}
	port := u.Port()
	switch u.Scheme {
	case "imap":
		c.TLS = TLSStart
		if port == "" {
			port = "143"
		}
	case "imaps":
		c.TLS = TLSImplicit
		if port == "" {
			port = "993"
		}
	default:
		return Config{}, fmt.Errorf("IMAP_URL must be imap:// or imaps://, got %q", u.Scheme)
	}
	if t := u.Query().Get("tls"); t != "" {
		c.TLS = t
	}
	if u.Hostname() == "" {
		return Config{}, errors.New("IMAP_URL has no host")
	}
	c.Addr = net.JoinHostPort(u.Hostname(), port)
	c.User = u.User.Username()
	c.Password, _ = u.User.Password()
	return c, c.withDefaults().Validate()
}

// Validate reports a setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("IMAP address %q: %w", c.Addr, err))
	}
	switch c.TLS {
	case TLSImplicit, TLSStart, TLSNone:
	default:
		errs = append(errs, fmt.Errorf("IMAP TLS must be tls, starttls or none, got %q", c.TLS))
	}
	if c.User == "" {
		errs = append(errs, errors.New("IMAP user is empty"))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.Mailbox == "" {
		c.Mailbox = "INBOX"
	}
	if c.ProcessedFolder == "" {
		c.ProcessedFolder = "BankFlow/Processed"
	}
	if c.FailedFolder == "" {
		c.FailedFolder = "BankFlow/Failed"
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 30 * time.Second
	}
	if c.IdleRefresh <= 0 {
		c.IdleRefresh = 5 * time.Minute
	}
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = 120 << 20
	}
	if c.TLSConfig == nil {
		host, _, _ := net.SplitHostPort(c.Addr)
		c.TLSConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	return c
}
