package bootstrap

import (
	"testing"

	"go.uber.org/fx"
)

func TestMailWiringResolves(t *testing.T) {
	cfg, err := LoadConfig(env(map[string]string{
		"DATA_DIR": t.TempDir(), "IMAP_HOST": "127.0.0.1", "IMAP_PORT": "10143", "IMAP_USER": "acct", "IMAP_PASSWORD": "secret",
		"IMAP_TLS": "none", "SMTP_URL": "smtp://127.0.0.1:2525", "SMTP_FROM": "BankFlow <extratos@bankflow.com.br>",
		"BANKFLOW_INBOX_ADDRESS": "extratos@bankflow.com.br",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Mail.IMAPURL != "imap://acct:secret@127.0.0.1:10143/INBOX?tls=none" {
		t.Errorf("IMAP URL built as %q", cfg.Mail.IMAPURL)
	}
	opts, err := appOptions(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.ValidateApp(opts...); err != nil {
		t.Fatalf("fx graph with e-mail: %v", err)
	}
}

func TestMailConfigRefusesNonsense(t *testing.T) {
	for _, vars := range []map[string]string{
		{"IMAP_URL": "http://x"},
		{"IMAP_HOST": "h", "IMAP_USER": "u", "IMAP_TLS": "maybe"},
		{"SMTP_URL": "smtp://h:25"},
		{"BANKFLOW_INBOX_ADDRESS": "extratos+x@bankflow.com.br"},
	} {
		vars["DATA_DIR"] = t.TempDir()
		if _, err := LoadConfig(env(vars)); err == nil {
			t.Errorf("LoadConfig(%v) accepted", vars)
		}
	}
}
