package bootstrap

import (
	"testing"

	"go.uber.org/fx"

	"github.com/bankflow/bankflow/application"
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
		{"BANKFLOW_EMAIL_CLAIM_LEASE": "0s"},
	} {
		vars["DATA_DIR"] = t.TempDir()
		if _, err := LoadConfig(env(vars)); err == nil {
			t.Errorf("LoadConfig(%v) accepted", vars)
		}
	}
}

func TestResetMailerWiredOnEveryRoleWithSMTP(t *testing.T) {
	for _, role := range []string{RoleWeb, RoleAll} {
		cfg, err := LoadConfig(env(map[string]string{
			"DATA_DIR": t.TempDir(), "REDIS_URL": "redis://127.0.0.1:6379/0",
			"SMTP_URL": "smtp://127.0.0.1:2525", "SMTP_FROM": "BankFlow <extratos@bankflow.com.br>",
		}))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Role = role
		opts, err := appOptions(cfg)
		if err != nil {
			t.Fatal(err)
		}
		// The invoke fails validation when nothing provides the mailer.
		opts = append(opts, fx.Invoke(func(application.ResetMailer) {}))
		if err := fx.ValidateApp(opts...); err != nil {
			t.Errorf("role %s: %v", role, err)
		}
	}
	var m application.ResetMailer
	app := fx.New(fx.NopLogger, fx.Supply(Config{Mail: MailConfig{SMTPURL: "smtp://127.0.0.1:2525", SMTPFrom: "extratos@bankflow.com.br"}}),
		resetMailModule, fx.Populate(&m))
	if err := app.Err(); err != nil || m == nil {
		t.Fatalf("reset mailer: %v %v", m, err)
	}
}
