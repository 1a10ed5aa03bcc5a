package application

import (
	"context"
	"errors"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// SenderVerifyPathPrefix starts every sender verification link; the page
// is GET /senders/verify/{token}.
const SenderVerifyPathPrefix = "/senders/verify/"

const (
	msgSenderLinkInvalid = "Este link de confirmação é inválido, já foi usado, expirou ou é de outra conta. Entre na conta que cadastrou o remetente ou cadastre-o de novo em Configurações para receber outro link."
	msgSenderNoMail      = "A confirmação de remetentes é feita por e-mail, e o envio de e-mails não está configurado neste servidor. Fale com o administrador."
)

// AddSender registers an address the user sends statements from and
// e-mails it a one-time link (valid for VerifyTTL) that verifies it: until
// then it routes nothing. Adding again an address still waiting for
// confirmation sends a fresh link. Errors: CodeInvalid for an implausible
// address, the BankFlow inbox itself or too many addresses; CodeConflict
// when the address is taken or already verified; CodeUnsupported when this
// server sends no e-mail; CodeUnavailable when the link could not be sent
// (nothing is kept then).
func (s *EmailSettings) AddSender(ctx context.Context, userID, email, ip string) (*domain.SenderAddress, error) {
	email = domain.NormalizeEmail(email)
	if err := domain.ValidateEmail(email); err != nil {
		return nil, domain.Errorf(domain.CodeInvalid, "Informe um endereço de e-mail válido, como cliente@empresa.com.br.")
	}
	if s.isInbox(email) {
		return nil, domain.Errorf(domain.CodeInvalid, "Este é o endereço de recebimento do BankFlow: cadastre o endereço de onde você envia os extratos.")
	}
	if !s.canVerify() {
		return nil, domain.Errorf(domain.CodeUnsupported, msgSenderNoMail)
	}
	u, err := s.activeUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	list, err := s.d.Senders.ListSenders(ctx, u.ID)
	if err != nil {
		return nil, unavailable(err)
	}
	resend := false
	for _, x := range list {
		if x.Email != email {
			continue
		}
		if x.VerifiedAt != nil {
			return nil, domain.Errorf(domain.CodeConflict, "O remetente %s já está confirmado.", email)
		}
		resend = true
	}
	if !resend && len(list) >= s.d.MaxSenders {
		return nil, domain.Errorf(domain.CodeInvalid, "Você pode cadastrar até %d remetentes. Remova um para adicionar outro.", s.d.MaxSenders)
	}
	secret, err := linkSecret()
	if err != nil {
		return nil, err
	}
	now := s.d.Now().UTC()
	a := domain.SenderAddress{UserID: u.ID, Email: email, CreatedAt: now,
		VerifyHash: tokenHash(secret), VerifyExpiresAt: now.Add(s.d.VerifyTTL)}
	if resend {
		// A fresh link replaces the pending one, which stops working.
		if err := s.d.Senders.RemoveSender(ctx, u.ID, email); err != nil && !errors.Is(err, domain.ErrNotFound) {
			return nil, unavailable(err)
		}
	}
	if err := s.d.Senders.AddSender(ctx, a); err != nil {
		return nil, unavailable(err)
	}
	link := strings.TrimRight(s.d.BaseURL, "/") + SenderVerifyPathPrefix + secret
	if err := s.d.Mailer.SendSenderVerification(ctx, u, email, link); err != nil {
		s.d.Log.Warn("e-mail sender verification; address not kept", "user", u.ID, "err", err)
		if rerr := s.d.Senders.RemoveSender(ctx, u.ID, email); rerr != nil {
			s.d.Log.Error("remove unverifiable sender", "user", u.ID, "err", rerr)
		}
		return nil, domain.Wrap(domain.CodeUnavailable, err,
			"Não foi possível enviar o e-mail de confirmação para "+email+". Tente novamente em instantes.")
	}
	s.record(ctx, domain.AuditEvent{ActorID: u.ID, Action: "email.sender_added", TargetID: u.ID, IP: ip,
		Detail: detail(map[string]any{"email": email, "resent": resend, "expires_at": a.VerifyExpiresAt})})
	return &a, nil
}

// VerifySender verifies the sender address of the signed-in user whose
// link carries secret; from then on mail from it routes to the user. The
// link works once. Errors: CodeNotFound for an unknown, used or expired
// link, or one of another account.
func (s *EmailSettings) VerifySender(ctx context.Context, userID, secret, ip string) (*domain.SenderAddress, error) {
	if secret == "" {
		return nil, domain.Errorf(domain.CodeNotFound, msgSenderLinkInvalid)
	}
	a, err := s.d.Senders.ConsumeSenderVerification(ctx, userID, tokenHash(secret), s.d.Now().UTC())
	if errors.Is(err, domain.ErrNotFound) {
		return nil, domain.Wrap(domain.CodeNotFound, err, msgSenderLinkInvalid)
	}
	if err != nil {
		return nil, unavailable(err)
	}
	s.record(ctx, domain.AuditEvent{ActorID: userID, Action: "email.sender_verified", TargetID: userID, IP: ip,
		Detail: detail(map[string]string{"email": a.Email})})
	return a, nil
}

// RemoveSender removes one of the user's sender addresses; mail from it
// stops routing to the user at once. Errors: CodeNotFound when the user
// has no such address.
func (s *EmailSettings) RemoveSender(ctx context.Context, userID, email, ip string) error {
	email = domain.NormalizeEmail(email)
	err := s.d.Senders.RemoveSender(ctx, userID, email)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Wrap(domain.CodeNotFound, err, "Remetente não encontrado.")
	}
	if err != nil {
		return unavailable(err)
	}
	s.record(ctx, domain.AuditEvent{ActorID: userID, Action: "email.sender_removed", TargetID: userID, IP: ip,
		Detail: detail(map[string]string{"email": email})})
	return nil
}

// isInbox reports whether email is the BankFlow inbox or one of its
// personal (plus) addresses: registering it would make a loop.
func (s *EmailSettings) isInbox(email string) bool {
	if s.d.InboxAddress == "" {
		return false
	}
	at := strings.LastIndexByte(email, '@')
	local, _, _ := strings.Cut(email[:at], "+")
	return local+email[at:] == s.d.InboxAddress
}
