package mail

import (
	"context"
	"fmt"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// SendSenderVerification e-mails address the one-time link that confirms
// it as a sender of statements for u (application.SenderMailer). The
// message goes to the address being verified, not to the account; the
// link only works in u's signed-in session, so a stranger who receives it
// cannot route mail anywhere. The link is never logged.
func (s *Sender) SendSenderVerification(ctx context.Context, u *domain.User, address, link string) error {
	if u == nil || address == "" {
		return fmt.Errorf("sender verification: no user or address")
	}
	if !strings.HasPrefix(link, "https://") && !strings.HasPrefix(link, "http://") {
		return fmt.Errorf("sender verification: link %q is not absolute (set BANKFLOW_PUBLIC_URL)", redactLink(link))
	}
	who := u.Email
	if name := strings.TrimSpace(u.Name); name != "" {
		who = name + " (" + u.Email + ")"
	}
	var b strings.Builder
	b.WriteString("Olá!\n\n")
	b.WriteString("A conta BankFlow de " + who + " pediu para cadastrar este endereço (" + address + ") como remetente de extratos: ")
	b.WriteString("os extratos que você enviar daqui para o BankFlow serão processados nessa conta, e a resposta com a planilha virá para cá.\n\n")
	b.WriteString("Para confirmar, entre na conta BankFlow de " + u.Email + " e abra o link abaixo:\n\n")
	b.WriteString(link + "\n\n")
	b.WriteString("O link vale por 24 horas e funciona uma única vez.\n\n")
	b.WriteString("Se você não reconhece este pedido, ignore este e-mail: sem a confirmação, nada do que você enviar será encaminhado a essa conta. Nunca compartilhe este link.\n\n")
	b.WriteString("—\nBankFlow · extratos bancários verificados\nEsta mensagem foi enviada automaticamente; não é preciso respondê-la.\n")
	return s.Send(ctx, &domain.OutgoingEmail{To: address, Subject: "Confirme seu endereço de envio de extratos no BankFlow", Text: b.String()})
}
