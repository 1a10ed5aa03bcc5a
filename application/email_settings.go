package application

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// SenderMailer e-mails the one-time link that verifies a sender address
// (the SMTP adapter, when configured).
type SenderMailer interface {
	SendSenderVerification(ctx context.Context, u *domain.User, address, link string) error
}

// EmailSettingsDeps are the ports and settings of a user's e-mail settings.
type EmailSettingsDeps struct {
	Users   domain.UserRepository
	Senders domain.SenderRepository
	Audit   domain.AuditLog
	// Mailer sends sender verification links; nil (no SMTP) means senders
	// cannot be verified, so none can be added.
	Mailer SenderMailer
	// InboxAddress is the BankFlow inbox (extratos@bankflow.com.br) when
	// e-mail ingestion runs on this server; "" when it does not.
	InboxAddress string
	// BaseURL starts the verification links (BANKFLOW_PUBLIC_URL).
	BaseURL string
	// VerifyTTL is how long a verification link works (24 h when zero).
	VerifyTTL time.Duration
	// MaxSenders caps the addresses of one user (10 when zero).
	MaxSenders int
	// Limits are the tier limits (e-mail ingestion); the defaults when nil.
	Limits map[domain.Tier]domain.Limits
	Now    func() time.Time
	Log    *slog.Logger
}

// EmailSettings manages what a user configures for e-mail: the personal
// inbox address, the verified sender addresses and the opt-in e-mail when
// a job finishes. It works whether or not this server receives or sends
// e-mail, and says which.
type EmailSettings struct {
	d EmailSettingsDeps
}

// NewEmailSettings returns the e-mail settings service.
func NewEmailSettings(d EmailSettingsDeps) *EmailSettings {
	if d.VerifyTTL <= 0 {
		d.VerifyTTL = 24 * time.Hour
	}
	if d.MaxSenders <= 0 {
		d.MaxSenders = 10
	}
	if d.Limits == nil {
		d.Limits = domain.DefaultLimits()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	d.InboxAddress = domain.NormalizeEmail(d.InboxAddress)
	return &EmailSettings{d: d}
}

// EmailOverview is what the settings page shows about e-mail.
type EmailOverview struct {
	// InboxAddress is the user's personal address; "" when this server
	// does not receive e-mail.
	InboxAddress string
	// Allowed reports whether the user's plan includes e-mail ingestion;
	// UpgradeTier is then "" or else the cheapest plan that does.
	Allowed     bool
	UpgradeTier domain.Tier
	Senders     []domain.SenderAddress
	// CanVerify reports whether sender addresses can be verified (e-mail
	// is sent); MaxSenders caps them.
	CanVerify   bool
	MaxSenders  int
	NotifyEmail bool
	// At is when the overview was made: a pending sender whose
	// VerifyExpiresAt is not after At needs a new link.
	At time.Time
}

// Overview returns the e-mail settings of the user, creating their
// personal inbox token on first use. Errors: CodeUnauthorized for a
// missing or deactivated user.
func (s *EmailSettings) Overview(ctx context.Context, userID string) (*EmailOverview, error) {
	u, err := s.activeUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	o := &EmailOverview{CanVerify: s.canVerify(), MaxSenders: s.d.MaxSenders, NotifyEmail: u.NotifyEmail, At: s.d.Now().UTC()}
	o.Allowed = limitsFor(s.d.Limits, u.Tier).EmailIngestion
	if !o.Allowed {
		o.UpgradeTier = s.tierWithEmail(u.Tier)
	}
	if s.d.InboxAddress != "" {
		if u.InboxToken == "" {
			if err := s.setInboxToken(ctx, u); err != nil {
				return nil, err
			}
		}
		o.InboxAddress = PlusAddress(s.d.InboxAddress, u.InboxToken)
	}
	if o.Senders, err = s.d.Senders.ListSenders(ctx, u.ID); err != nil {
		return nil, unavailable(err)
	}
	return o, nil
}

// RotateInboxAddress gives the user a new personal inbox address; the old
// one stops working at once. Errors: CodeUnsupported when this server
// does not receive e-mail; CodeUnauthorized for a missing or deactivated user.
func (s *EmailSettings) RotateInboxAddress(ctx context.Context, userID, ip string) (string, error) {
	if s.d.InboxAddress == "" {
		return "", domain.Errorf(domain.CodeUnsupported, msgInboxOff)
	}
	u, err := s.activeUser(ctx, userID)
	if err != nil {
		return "", err
	}
	if err := s.setInboxToken(ctx, u); err != nil {
		return "", err
	}
	s.record(ctx, domain.AuditEvent{ActorID: u.ID, Action: "email.inbox_rotated", TargetID: u.ID, IP: ip})
	return PlusAddress(s.d.InboxAddress, u.InboxToken), nil
}

// SetNotifyEmail turns the e-mail sent when an uploaded job finishes on or
// off. Errors: CodeUnauthorized for a missing or deactivated user.
func (s *EmailSettings) SetNotifyEmail(ctx context.Context, userID string, on bool) error {
	u, err := s.activeUser(ctx, userID)
	if err != nil {
		return err
	}
	if u.NotifyEmail == on {
		return nil
	}
	u.NotifyEmail = on
	if err := s.d.Users.UpdateUser(ctx, u); err != nil {
		return unavailable(err)
	}
	s.record(ctx, domain.AuditEvent{ActorID: u.ID, Action: "user.notify_email", TargetID: u.ID,
		Detail: detail(map[string]bool{"notify_email": on})})
	return nil
}

const msgInboxOff = "Recebimento por e-mail não está configurado neste servidor."

// setInboxToken stores a fresh random token as the user's inbox token.
func (s *EmailSettings) setInboxToken(ctx context.Context, u *domain.User) error {
	tok, err := randomHex(8)
	if err != nil {
		return domain.Wrap(domain.CodeInternal, err, msgInternalErr)
	}
	old := u.InboxToken
	u.InboxToken = tok
	if err := s.d.Users.UpdateUser(ctx, u); err != nil {
		u.InboxToken = old
		return unavailable(err)
	}
	return nil
}

// canVerify reports whether verification links can be e-mailed: SMTP is
// configured and links are absolute.
func (s *EmailSettings) canVerify() bool {
	return s.d.Mailer != nil && absoluteURL(s.d.BaseURL)
}

// tierWithEmail is the cheapest tier above current that includes e-mail
// ingestion; "" when none does.
func (s *EmailSettings) tierWithEmail(current domain.Tier) domain.Tier {
	if !current.Valid() {
		current = domain.TierFree // limitsFor treats an unknown tier as free
	}
	above := false
	for _, t := range domain.Tiers {
		if t == current {
			above = true
			continue
		}
		if above && limitsFor(s.d.Limits, t).EmailIngestion {
			return t
		}
	}
	return ""
}

func (s *EmailSettings) activeUser(ctx context.Context, id string) (*domain.User, error) {
	u, err := s.d.Users.GetUser(ctx, id)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	if err != nil {
		return nil, unavailable(err)
	}
	if !u.Active {
		return nil, domain.Errorf(domain.CodeUnauthorized, "Esta conta está desativada.")
	}
	return u, nil
}

func (s *EmailSettings) record(ctx context.Context, e domain.AuditEvent) {
	if s.d.Audit == nil {
		return
	}
	if e.At.IsZero() {
		e.At = s.d.Now().UTC()
	}
	if err := s.d.Audit.Append(ctx, e); err != nil {
		s.d.Log.Error("audit append", "action", e.Action, "err", err)
	}
}
