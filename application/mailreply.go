package application

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// maxReplyAttachments bounds the workbooks attached to one reply; past it
// the reply points to the site.
const maxReplyAttachments = 25 << 20

// JobFinished is the job notifier: when the job belongs to an e-mail whose
// jobs are now all final, the e-mail is answered; a user who opted in is
// told that an uploaded file is ready. It only reads a few rows unless a
// reply is due.
func (m *Mailbox) JobFinished(ctx context.Context, u *domain.User, j *domain.Job) error {
	pending, err := m.d.Emails.EmailsAwaitingReply(ctx, j.ID, 10)
	if err != nil {
		return fmt.Errorf("emails awaiting job %s: %w", j.ID, err)
	}
	var errs []error
	for i := range pending {
		errs = append(errs, m.replyWhenDone(ctx, &pending[i]))
	}
	if j.Source != domain.SourceEmail && u != nil && u.NotifyEmail && u.Active && m.d.Notifier != nil {
		errs = append(errs, m.d.Notifier.JobFinished(ctx, u, j))
	}
	return errors.Join(errs...)
}

// SendPending answers the e-mails whose jobs are all final but whose reply
// was not sent (a crash, an SMTP outage, a job shared with an upload). The
// poller calls it now and then.
func (m *Mailbox) SendPending(ctx context.Context) error {
	pending, err := m.d.Emails.EmailsAwaitingReply(ctx, "", 50)
	if err != nil {
		return fmt.Errorf("emails awaiting reply: %w", err)
	}
	var errs []error
	for i := range pending {
		errs = append(errs, m.replyWhenDone(ctx, &pending[i]))
	}
	return errors.Join(errs...)
}

// replyWhenDone sends the one reply of rec once every job of it is final.
// The reply is claimed in the database first, so that of two callers only
// one sends it; a failed send releases the claim for a later try.
func (m *Mailbox) replyWhenDone(ctx context.Context, rec *domain.InboundEmail) error {
	jobs := make(map[string]*domain.Job)
	for _, f := range rec.Files {
		if f.JobID == "" {
			continue
		}
		j, err := m.d.JobRepo.GetJob(ctx, f.JobID)
		if errors.Is(err, domain.ErrNotFound) {
			continue // deleted by the user meanwhile
		}
		if err != nil {
			return fmt.Errorf("load job %s: %w", f.JobID, err)
		}
		if !j.Status.Final() {
			return nil
		}
		jobs[j.ID] = j
	}
	var u *domain.User
	if rec.UserID != "" {
		var err error
		if u, err = m.d.Users.GetUser(ctx, rec.UserID); err != nil && !errors.Is(err, domain.ErrNotFound) {
			return fmt.Errorf("load user: %w", err)
		}
	}
	if err := m.d.Emails.ClaimReply(ctx, rec.ID, m.d.Now().UTC()); err != nil {
		if domain.ErrorCode(err) == domain.CodeConflict {
			return nil
		}
		return fmt.Errorf("claim reply: %w", err)
	}
	out := m.resultReply(ctx, rec, u, jobs)
	if err := m.send(ctx, out); err != nil {
		if rerr := m.d.Emails.ReleaseReply(context.WithoutCancel(ctx), rec.ID); rerr != nil {
			m.d.Log.Error("release reply claim", "email", rec.ID, "err", rerr)
		}
		return err
	}
	m.d.Log.Info("reply sent", "email", rec.ID, "to", rec.ReplyTo, "attachments", len(out.Attachments))
	return nil
}

// sendNow sends a reply that needs no job (a refusal) once; the message
// claim already guarantees it is composed only once.
func (m *Mailbox) sendNow(ctx context.Context, rec *domain.InboundEmail, text string) {
	if rec.ReplyTo == "" {
		return
	}
	if err := m.send(ctx, m.threaded(rec, text)); err != nil {
		m.d.Log.Warn("refusal reply not sent", "email", rec.ID, "err", err)
	}
}

func (m *Mailbox) send(ctx context.Context, out *domain.OutgoingEmail) error {
	if out.To == "" {
		return nil
	}
	if m.d.Mailer == nil {
		m.d.Log.Info("no SMTP configured: reply dropped", "to", out.To, "subject", out.Subject)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 60*time.Second)
	defer cancel()
	if err := m.d.Mailer.Send(ctx, out); err != nil {
		return fmt.Errorf("send reply to %s: %w", out.To, err)
	}
	return nil
}

// threaded addresses text as a reply to rec: same thread, "Re:" subject.
func (m *Mailbox) threaded(rec *domain.InboundEmail, text string) *domain.OutgoingEmail {
	subject := strings.TrimSpace(rec.Subject)
	switch {
	case subject == "":
		subject = "Re: seu e-mail para o BankFlow"
	case !strings.HasPrefix(strings.ToLower(subject), "re:"):
		subject = "Re: " + subject
	}
	return &domain.OutgoingEmail{To: rec.ReplyTo, Subject: subject, InReplyTo: rec.MessageID, References: rec.References, Text: text}
}

func (m *Mailbox) refusalText() string {
	var b strings.Builder
	b.WriteString("Olá!\n\n")
	b.WriteString("Recebemos seu e-mail, mas não encontramos uma conta do BankFlow para ele, por isso nenhum arquivo foi processado.\n\n")
	b.WriteString("Para enviar extratos por e-mail:\n")
	b.WriteString("- use o seu endereço pessoal de envio, que aparece em Configurações no BankFlow")
	if m.d.InboxAddress != "" {
		fmt.Fprintf(&b, " (no formato %s)", PlusAddress(m.d.InboxAddress, "seu-código"))
	}
	b.WriteString(";\n- ou envie a partir de um endereço de remetente cadastrado e confirmado na sua conta.\n\n")
	b.WriteString(signature)
	return b.String()
}

const signature = "—\nBankFlow · extratos bancários verificados\nEsta é uma resposta automática ao seu e-mail.\n"

// resultReply composes the answer to an e-mail whose jobs are final.
func (m *Mailbox) resultReply(ctx context.Context, rec *domain.InboundEmail, u *domain.User, jobs map[string]*domain.Job) *domain.OutgoingEmail {
	var b strings.Builder
	name := "Olá!"
	if u != nil && strings.TrimSpace(u.Name) != "" {
		name = "Olá, " + strings.Fields(u.Name)[0] + "!"
	}
	b.WriteString(name + "\n\n")
	if len(rec.Files) == 0 {
		b.WriteString("Recebemos seu e-mail, mas ele não tem nenhum extrato anexado.\n\n")
		b.WriteString("Anexe o arquivo exportado pelo internet banking (OFX, CSV, TXT, XLSX, XLS ou CNAB 240; um ZIP com esses arquivos também serve) e envie de novo. Imagens e PDFs não são lidos.\n\n")
		b.WriteString(signature)
		return m.threaded(rec, b.String())
	}
	done, failed := 0, 0
	for _, f := range rec.Files {
		if j := jobs[f.JobID]; j != nil && j.Status == domain.JobCompleted {
			done++
		} else {
			failed++
		}
	}
	switch {
	case failed == 0:
		fmt.Fprintf(&b, "Processamos %s do seu e-mail. As planilhas estão anexadas.\n\n", plural(done, "o arquivo", "os %d arquivos"))
	case done == 0:
		fmt.Fprintf(&b, "Não conseguimos processar %s do seu e-mail. Veja abaixo o motivo e o que fazer.\n\n", plural(failed, "o arquivo", "os %d arquivos"))
	default:
		fmt.Fprintf(&b, "Processamos %d de %d arquivos do seu e-mail. As planilhas dos concluídos estão anexadas; veja abaixo o que fazer com os demais.\n\n", done, done+failed)
	}

	out := m.threaded(rec, "")
	var attached int
	for i, f := range rec.Files {
		j := jobs[f.JobID]
		fmt.Fprintf(&b, "%d. %s\n", i+1, f.Filename)
		switch {
		case f.JobID == "":
			fmt.Fprintf(&b, "   Não processado: %s\n", f.Error)
		case j == nil:
			b.WriteString("   Este processamento foi excluído antes da resposta.\n")
		case j.Status == domain.JobCompleted:
			if f.Duplicate {
				b.WriteString("   Este arquivo já tinha sido enviado antes; segue o resultado daquele envio.\n")
			}
			writeJobSummary(&b, j)
			if a, ok := m.workbook(ctx, j, attached); ok {
				out.Attachments = append(out.Attachments, a)
				attached += len(a.Data)
				fmt.Fprintf(&b, "   Planilha anexada: %s\n", a.Filename)
			} else {
				b.WriteString("   A planilha não coube neste e-mail ou não está mais disponível: baixe-a no BankFlow, em Processamentos.\n")
			}
		case j.Status == domain.JobCancelled:
			b.WriteString("   O processamento foi cancelado.\n")
		default:
			msg := j.ErrorMessage
			if msg == "" {
				msg = "Não foi possível processar este arquivo. " + msgTryAgain
			}
			fmt.Fprintf(&b, "   Não processado: %s\n", msg)
		}
		b.WriteString("\n")
	}
	b.WriteString(signature)
	out.Text = b.String()
	return out
}

// writeJobSummary writes bank, account, period, count and balance proof of
// each statement of a completed job.
func writeJobSummary(b *strings.Builder, j *domain.Job) {
	var sums []statementSummary
	if len(j.Summary) > 0 && json.Unmarshal(j.Summary, &sums) == nil && len(sums) > 0 {
		for i, s := range sums {
			if len(sums) > 1 {
				fmt.Fprintf(b, "   Conta %d de %d:\n", i+1, len(sums))
			}
			fmt.Fprintf(b, "   Banco: %s\n", bankName(s.Bank, s.Account.BankCode))
			if acc := accountLine(s.Account); acc != "" {
				fmt.Fprintf(b, "   Conta: %s\n", acc)
			}
			if s.Period.Start != nil && s.Period.End != nil {
				fmt.Fprintf(b, "   Período: %s a %s\n", brDate(*s.Period.Start), brDate(*s.Period.End))
			}
			fmt.Fprintf(b, "   Transações: %d\n", s.TransactionCount)
			if s.OpeningBalance != nil && s.ClosingBalance != nil {
				fmt.Fprintf(b, "   Saldo inicial: R$ %s · Saldo final: R$ %s\n", brMoney(*s.OpeningBalance), brMoney(*s.ClosingBalance))
			}
			fmt.Fprintf(b, "   Conferência do saldo: %s\n", proofLabel(s.Reconciliation.Status, s.Reconciliation.Difference))
		}
		return
	}
	fmt.Fprintf(b, "   Banco: %s\n   Transações: %d\n   Conferência do saldo: %s\n",
		bankName(j.DetectedBank, ""), j.TransactionCount, proofLabel(string(j.Reconciliation), j.Difference.String()))
}

// workbook loads the job's XLSX for attachment, unless it is gone or the
// reply would grow past its bound.
func (m *Mailbox) workbook(ctx context.Context, j *domain.Job, attached int) (domain.EmailAttachment, bool) {
	if j.OutputFileID == "" {
		return domain.EmailAttachment{}, false
	}
	rc, err := m.d.Files.Open(ctx, j.OutputFileID)
	if err != nil {
		m.d.Log.Warn("open workbook for reply", "job", j.ID, "err", err)
		return domain.EmailAttachment{}, false
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, int64(maxReplyAttachments-attached)+1))
	if err != nil || attached+len(data) > maxReplyAttachments {
		return domain.EmailAttachment{}, false
	}
	base := strings.TrimSuffix(j.OriginalFilename, path.Ext(j.OriginalFilename))
	if base == "" {
		base = "extrato"
	}
	return domain.EmailAttachment{
		Filename:    base + ".xlsx",
		ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		Data:        data,
	}, true
}

func proofLabel(status, diff string) string {
	switch domain.ReconStatus(status) {
	case domain.ReconBalanced:
		return "Saldo conferido (saldo inicial + movimentações = saldo final)"
	case domain.ReconMismatch:
		return fmt.Sprintf("Saldo divergente: diferença de R$ %s. Confira se o extrato está completo (todas as páginas e o período inteiro).", brMoney(diff))
	}
	return "Saldo não conferido (o arquivo não traz saldo inicial e final)"
}

var bankNames = map[string]string{
	domain.BankItau: "Itaú", domain.BankBradesco: "Bradesco", domain.BankBB: "Banco do Brasil", domain.BankCaixa: "Caixa",
	domain.BankSantander: "Santander", domain.BankNubank: "Nubank", domain.BankInter: "Inter", domain.BankC6: "C6 Bank",
	domain.BankSicoob: "Sicoob", domain.BankSicredi: "Sicredi", domain.BankBTG: "BTG Pactual",
}

func bankName(slug, code string) string {
	name, ok := bankNames[slug]
	if !ok {
		name = "não identificado"
	}
	if code != "" {
		name += " (" + code + ")"
	}
	return name
}

func accountLine(a summaryAccount) string {
	var parts []string
	if a.Branch != "" {
		parts = append(parts, "agência "+a.Branch)
	}
	if a.Number != "" {
		parts = append(parts, "conta "+a.Number)
	}
	return strings.Join(parts, ", ")
}

func brDate(iso string) string {
	d, err := domain.ParseISODate(iso)
	if err != nil {
		return iso
	}
	return d.BR()
}

func brMoney(dot string) string {
	v, err := domain.ParseMoney(dot, domain.StyleDot)
	if err != nil {
		return dot
	}
	return v.BR()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}
