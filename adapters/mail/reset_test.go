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

func TestSenderEmailsThePasswordResetLink(t *testing.T) {
	box, addr := startSink(t)
	snd, err := NewSender(Config{URL: "smtp://" + addr, From: "BankFlow <extratos@bankflow.com.br>"})
	if err != nil {
		t.Fatal(err)
	}
	u := &domain.User{Email: "ana@escritorio.com.br", Name: "Ana Souza"}
	link := "https://app.bankflow.com.br/reset/Zm9vYmFyLXNlY3JldC10b2tlbg"
	if err := snd.SendPasswordReset(context.Background(), u, link); err != nil {
		t.Fatal(err)
	}
	got := box.messages()
	if len(got) != 1 || len(got[0].to) != 1 || got[0].to[0] != "ana@escritorio.com.br" {
		t.Fatalf("received %+v", got)
	}
	e, err := message.Read(bytes.NewReader(got[0].data))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(e.Body)
	for _, want := range []string{"Olá, Ana!", link, "uma única vez", "ignore-o"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("reset e-mail lacks %q:\n%s", want, body)
		}
	}
	if e.Header.Get("Auto-Submitted") != "auto-replied" {
		t.Errorf("reset e-mail not marked automatic: %q", e.Header.Get("Auto-Submitted"))
	}

	// A relative link (no public URL configured) is refused, so that the
	// admin is shown the link instead; the secret is not in the error.
	err = snd.SendPasswordReset(context.Background(), u, "/reset/Zm9vYmFyLXNlY3JldC10b2tlbg")
	if err == nil || strings.Contains(err.Error(), "Zm9vYmFy") {
		t.Errorf("relative link: err = %v", err)
	}
	if n := len(box.messages()); n != 1 {
		t.Errorf("%d messages after a refused link, want 1", n)
	}
}
