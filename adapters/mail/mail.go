// Package mail sends BankFlow's e-mail over SMTP (github.com/emersion/go-smtp):
// replies to e-mailed statements, built as MIME with go-message, and the
// opt-in "your file is ready" notifications.
package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/bankflow/bankflow/domain"
)

// Config is the SMTP server and the sender address.
type Config struct {
	// URL is smtp://user:pass@host:port (STARTTLS when the server offers
	// it), smtps://user:pass@host:port (implicit TLS) or
	// smtp://...?tls=none (never TLS, for a local relay).
	URL string
	// From is the sender, e.g. "BankFlow <extratos@bankflow.com.br>".
	From    string
	Timeout time.Duration // per message; 30 s when zero
	// TLS overrides the TLS settings (tests); nil verifies the server name.
	TLS *tls.Config
}

// Sender is the SMTP Mailer.
type Sender struct {
	addr     string
	implicit bool
	startTLS string // "auto" (when offered), "none"
	user     string
	pass     string
	from     string
	fromAddr string
	timeout  time.Duration
	tls      *tls.Config
	hostname string
}

var _ domain.Mailer = (*Sender)(nil)

// NewSender validates cfg and returns the sender; nothing is dialed yet.
func NewSender(cfg Config) (*Sender, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL: %w", err)
	}
	s := &Sender{startTLS: "auto", from: cfg.From, timeout: cfg.Timeout, tls: cfg.TLS}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "587"
		}
	case "smtps":
		s.implicit = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("SMTP_URL must be smtp:// or smtps://, got %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("SMTP_URL has no host")
	}
	if u.Query().Get("tls") == "none" {
		s.startTLS = "none"
	}
	s.addr = net.JoinHostPort(u.Hostname(), port)
	s.user = u.User.Username()
	s.pass, _ = u.User.Password()
	if s.timeout <= 0 {
		s.timeout = 30 * time.Second
	}
	if s.tls == nil {
		s.tls = &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	}
	if s.from == "" {
		return nil, errors.New("SMTP_FROM must be set with SMTP_URL")
	}
	addr, err := parseFrom(s.from)
	if err != nil {
		return nil, fmt.Errorf("SMTP_FROM: %w", err)
	}
	s.fromAddr = addr
	s.hostname = addr[strings.LastIndexByte(addr, '@')+1:]
	return s, nil
}

// Send builds m as MIME and hands it to the SMTP server.
func (s *Sender) Send(ctx context.Context, m *domain.OutgoingEmail) error {
	var buf bytes.Buffer
	if err := s.compose(&buf, m, time.Now()); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	c, err := s.dial(ctx, s.startTLS == "auto")
	if err != nil {
		return err
	}
	defer c.Close()
	if s.user != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.user, s.pass)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.SendMail(s.fromAddr, []string{m.To}, &buf); err != nil {
		return fmt.Errorf("smtp send: %w", err)
	}
	return c.Quit()
}

// dial connects and greets the server, upgrading with STARTTLS when wanted
// and offered (the probe costs a second connection only when it is).
func (s *Sender) dial(ctx context.Context, tryTLS bool) (*smtp.Client, error) {
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, fmt.Errorf("dial smtp %s: %w", s.addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if s.implicit {
		c := smtp.NewClient(tls.Client(conn, s.tls))
		if err := c.Hello(s.hostname); err != nil {
			_ = c.Close()
			return nil, fmt.Errorf("smtp hello: %w", err)
		}
		return c, nil
	}
	c := smtp.NewClient(conn)
	if err := c.Hello(s.hostname); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("smtp hello: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); !ok || !tryTLS {
		return c, nil
	}
	_ = c.Quit()
	conn, err = d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, fmt.Errorf("dial smtp %s: %w", s.addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	tc := s.tls.Clone()
	c, err = smtp.NewClientStartTLS(conn, tc)
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("smtp starttls: %w", err)
	}
	return c, nil
}
