package mail

import (
	"context"
	"fmt"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// Notifier sends the opt-in "your file is ready" e-mail. The application
// decides whether a user gets one; Notifier only writes and sends it.
type Notifier struct {
	mailer  domain.Mailer
	baseURL string // public URL of BankFlow, for the link; may be ""
}

var _ domain.Notifier = (*Notifier)(nil)

// NewNotifier returns a notifier sending through mailer.
func NewNotifier(mailer domain.Mailer, baseURL string) *Notifier {
	return &Notifier{mailer: mailer, baseURL: strings.TrimRight(baseURL, "/")}
}

// JobFinished tells u that j reached a final status.
func (n *Notifier) JobFinished(ctx context.Context, u *domain.User, j *domain.Job) error {
	var b strings.Builder
	first := "Olá!"
	if f := strings.Fields(u.Name); len(f) > 0 {
		first = "Olá, " + f[0] + "!"
	}
	b.WriteString(first + "\n\n")
	subject := ""
	switch j.Status {
	case domain.JobCompleted:
		subject = "Extrato processado: " + j.OriginalFilename
		fmt.Fprintf(&b, "O arquivo %s foi processado: %d transações.\n", j.OriginalFilename, j.TransactionCount)
		switch j.Reconciliation {
		case domain.ReconBalanced:
			b.WriteString("Saldo conferido.\n")
		case domain.ReconMismatch:
			fmt.Fprintf(&b, "Saldo divergente: diferença de R$ %s.\n", j.Difference.BR())
		}
	case domain.JobFailed:
		subject = "Não foi possível processar: " + j.OriginalFilename
		fmt.Fprintf(&b, "Não conseguimos processar o arquivo %s.\n%s\n", j.OriginalFilename, j.ErrorMessage)
	default:
		return nil
	}
	if n.baseURL != "" {
		fmt.Fprintf(&b, "\nVeja o resultado em %s/jobs/%s\n", n.baseURL, j.ID)
	}
	b.WriteString("\n—\nBankFlow\nVocê recebe este aviso porque ativou as notificações por e-mail nas configurações.\n")
	return n.mailer.Send(ctx, &domain.OutgoingEmail{To: u.Email, Subject: subject, Text: b.String()})
}
