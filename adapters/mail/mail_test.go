package mail

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/bankflow/bankflow/domain"
)

// sink is an in-process SMTP server that keeps what it receives.
type sink struct {
	mu    sync.Mutex
	msgs  []received
	users map[string]string
}

type received struct {
	from string
	to   []string
	data []byte
	auth string
}

type session struct {
	s   *sink
	cur received
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if ss.s.users[user] != pass {
			return errors.New("bad credentials")
		}
		ss.cur.auth = user
		return nil
	}), nil
}
func (ss *session) Mail(from string, _ *smtp.MailOptions) error { ss.cur.from = from; return nil }
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.cur.to = append(ss.cur.to, to)
	return nil
}
func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.cur.data = b
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, ss.cur)
	ss.s.mu.Unlock()
	return nil
}
func (ss *session) Reset()        { ss.cur = received{auth: ss.cur.auth} }
func (ss *session) Logout() error { return nil }

func startSink(t *testing.T) (*sink, string) {
	t.Helper()
	s := &sink{users: map[string]string{"bankflow": "s3cret"}}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s, ln.Addr().String()
}

func (s *sink) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

func TestSenderDeliversAThreadedReplyWithWorkbooks(t *testing.T) {
	box, addr := startSink(t)
	snd, err := NewSender(Config{URL: "smtp://bankflow:s3cret@" + addr, From: "BankFlow <extratos@bankflow.com.br>"})
	if err != nil {
		t.Fatal(err)
	}
	reply := &domain.OutgoingEmail{
		To: "ana@escritorio.com.br", Subject: "Re: Extratos de março", InReplyTo: "<fwd-1@mail.gmail.com>",
		References: "<a@b> <fwd-1@mail.gmail.com>", Text: "Olá, Ana!\n\nSaldo conferido.\n",
		Attachments: []domain.EmailAttachment{
			{Filename: "extrato_março.xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: []byte("PK\x03\x04one")},
			{Filename: "nubank.xlsx", Data: []byte("PK\x03\x04two")},
		},
	}
	if err := snd.Send(context.Background(), reply); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := box.messages()
	if len(got) != 1 || got[0].auth != "bankflow" || got[0].from != "extratos@bankflow.com.br" || len(got[0].to) != 1 || got[0].to[0] != "ana@escritorio.com.br" {
		t.Fatalf("received %+v", got)
	}
	mr, err := gomail.CreateReader(bytes.NewReader(got[0].data))
	if err != nil {
		t.Fatal(err)
	}
	h := mr.Header
	subject, _ := h.Subject()
	inReply, _ := h.MsgIDList("In-Reply-To")
	refs, _ := h.MsgIDList("References")
	if subject != "Re: Extratos de março" || len(inReply) != 1 || inReply[0] != "fwd-1@mail.gmail.com" || len(refs) != 2 || h.Get("Auto-Submitted") != "auto-replied" {
		t.Errorf("headers: subject %q in-reply-to %v references %v auto %q", subject, inReply, refs, h.Get("Auto-Submitted"))
	}
	var names []string
	var text string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p.Body)
		switch ph := p.Header.(type) {
		case *gomail.AttachmentHeader:
			name, _ := ph.Filename()
			names = append(names, name)
			if !bytes.HasPrefix(b, []byte("PK")) {
				t.Errorf("attachment %s corrupted: %q", name, b)
			}
		case *gomail.InlineHeader:
			text = string(b)
		}
	}
	if strings.Join(names, ",") != "extrato_março.xlsx,nubank.xlsx" || !strings.Contains(text, "Saldo conferido") {
		t.Errorf("attachments %q text %q", names, text)
	}
}

func TestSenderRejectsBadSettingsAndReportsFailures(t *testing.T) {
	for _, cfg := range []Config{
		{URL: "http://x", From: "a@b.com"},
		{URL: "smtp://host:25"},
		{URL: "smtp://", From: "a@b.com"},
	} {
		if _, err := NewSender(cfg); err == nil {
			t.Errorf("NewSender(%+v) accepted", cfg)
		}
	}
	_, addr := startSink(t)
	snd, err := NewSender(Config{URL: "smtp://bankflow:wrong@" + addr, From: "extratos@bankflow.com.br", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := snd.Send(context.Background(), &domain.OutgoingEmail{To: "a@b.com", Subject: "x", Text: "y"}); err == nil {
		t.Error("send with wrong password succeeded")
	}
}

func TestNotifierWritesPlainPortuguese(t *testing.T) {
	box, addr := startSink(t)
	snd, err := NewSender(Config{URL: "smtp://" + addr, From: "extratos@bankflow.com.br"})
	if err != nil {
		t.Fatal(err)
	}
	n := NewNotifier(snd, "https://app.bankflow.com.br/")
	u := &domain.User{Email: "ana@escritorio.com.br", Name: "Ana Souza"}
	j := &domain.Job{ID: "j1", OriginalFilename: "itau.ofx", Status: domain.JobCompleted, TransactionCount: 12, Reconciliation: domain.ReconBalanced}
	if err := n.JobFinished(context.Background(), u, j); err != nil {
		t.Fatal(err)
	}
	got := box.messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	e, err := message.Read(bytes.NewReader(got[0].data))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(e.Body)
	for _, want := range []string{"Olá, Ana!", "12 transações", "Saldo conferido", "https://app.bankflow.com.br/jobs/j1"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("notification lacks %q:\n%s", want, body)
		}
	}
}
