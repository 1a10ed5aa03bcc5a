package mail

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-message"

	"github.com/bankflow/bankflow/domain"
)

func TestSenderEmailsTheVerificationLinkToTheNewAddress(t *testing.T) {
	box, addr := startSink(t)
	snd, err := NewSender(Config{URL: "smtp://" + addr, From: "BankFlow <extratos@bankflow.com.br>"})
	if err != nil {
		t.Fatal(err)
	}
	u := &domain.User{Email: "ana@escritorio.com.br", Name: "Ana Souza"}
	link := "https://app.bankflow.com.br/senders/verify/c2VjcmV0LXZlcmlmeS10b2tlbg"
	if err := snd.SendSenderVerification(context.Background(), u, "cliente@empresa.com.br", link); err != nil {
		t.Fatal(err)
	}
	got := box.messages()
	if len(got) != 1 || len(got[0].to) != 1 || got[0].to[0] != "cliente@empresa.com.br" {
		t.Fatalf("received %+v", got)
	}
	e, err := message.Read(bytes.NewReader(got[0].data))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(e.Body)
	for _, want := range []string{link, "Ana Souza (ana@escritorio.com.br)", "24 horas", "uma única vez", "ignore este e-mail"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("verification e-mail lacks %q:\n%s", want, body)
		}
	}
	if e.Header.Get("Auto-Submitted") != "auto-replied" {
		t.Errorf("verification e-mail not marked automatic: %q", e.Header.Get("Auto-Submitted"))
	}

	err = snd.SendSenderVerification(context.Background(), u, "cliente@empresa.com.br", "/senders/verify/c2VjcmV0LXZlcmlmeS10b2tlbg")
	if err == nil || strings.Contains(err.Error(), "c2VjcmV0") {
		t.Errorf("relative link: err = %v", err)
	}
	if n := len(box.messages()); n != 1 {
		t.Errorf("%d messages after a refused link, want 1", n)
	}
}
