package mail

import (
	"context"
	"fmt"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// SendPasswordReset e-mails u the one-time link an administrator issued to
// choose a new password (application.ResetMailer). The link is the only
// secret in the message; it is never logged.
func (s *Sender) SendPasswordReset(ctx context.Context, u *domain.User, link string) error {
	if u == nil || u.Email == "" {
		return fmt.Errorf("password reset: user without e-mail")
	}
	if !strings.HasPrefix(link, "https://") && !strings.HasPrefix(link, "http://") {
		// A relative link (no BANKFLOW_PUBLIC_URL) means nothing in a
		// mailbox: let the admin pass it on instead.
		return fmt.Errorf("password reset: link %q is not absolute (set BANKFLOW_PUBLIC_URL)", redactLink(link))
	}
	first := "Olá!"
	if f := strings.Fields(u.Name); len(f) > 0 {
		first = "Olá, " + f[0] + "!"
	}
	var b strings.Builder
	b.WriteString(first + "\n\n")
	b.WriteString("Um administrador do BankFlow pediu a redefinição da senha da sua conta (" + u.Email + ").\n\n")
	b.WriteString("Para escolher uma nova senha, abra o link abaixo:\n\n")
	b.WriteString(link + "\n\n")
	b.WriteString("O link vale por tempo limitado e funciona uma única vez. Depois de usado, peça um novo ao administrador se precisar.\n\n")
	b.WriteString("Se você não esperava este e-mail, ignore-o: sua senha atual continua valendo enquanto o link não for usado. Nunca compartilhe este link.\n\n")
	b.WriteString("—\nBankFlow · extratos bancários verificados\nEsta mensagem foi enviada automaticamente; não é preciso respondê-la.\n")
	return s.Send(ctx, &domain.OutgoingEmail{To: u.Email, Subject: "Redefinição de senha do BankFlow", Text: b.String()})
}

// redactLink keeps the path prefix of a reset link and hides its secret.
func redactLink(link string) string {
	if i := strings.LastIndexByte(link, '/'); i >= 0 && i < len(link)-1 {
		return link[:i+1] + "…"
	}
	return link
}
