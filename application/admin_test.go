package application

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

func TestAdminRefusesNonAdmins(t *testing.T) {
	e := newTestEnv(t)
	a, _, _ := newTestAdmin(e, nil)
	ctx := context.Background()
	user := e.addUser(t, domain.TierBusiness)
	target := e.addUser(t, domain.TierFree)
	inactiveAdmin := e.addAdmin(t)
	inactiveAdmin.Active = false
	calls := map[string]func(actor *domain.User) error{
		"users": func(u *domain.User) error { _, err := a.Users(ctx, u, domain.UserFilter{}); return err },
		"user":  func(u *domain.User) error { _, err := a.User(ctx, u, target.ID, domain.JobFilter{}); return err },
		"tier": func(u *domain.User) error {
			_, err := a.SetTier(ctx, u, target.ID, domain.TierBusiness, "")
			return err
		},
		"role":   func(u *domain.User) error { _, err := a.SetRole(ctx, u, target.ID, domain.RoleAdmin, ""); return err },
		"active": func(u *domain.User) error { _, err := a.SetActive(ctx, u, target.ID, false, ""); return err },
		"jobs":   func(u *domain.User) error { _, _, err := a.Jobs(ctx, u, domain.JobFilter{}); return err },
		"retry":  func(u *domain.User) error { _, err := a.RetryJob(ctx, u, "x", ""); return err },
		"system": func(u *domain.User) error { _, err := a.System(ctx, u); return err },
		"audit":  func(u *domain.User) error { _, err := a.Audit(ctx, u, domain.AuditFilter{}); return err },
		"reset":  func(u *domain.User) error { _, _, err := a.IssuePasswordReset(ctx, u, target.ID, ""); return err },
	}
	for name, call := range calls {
		if err := call(user); domain.ErrorCode(err) != domain.CodeForbidden {
			t.Errorf("%s by a user: %v, want forbidden", name, err)
		}
		if err := call(inactiveAdmin); domain.ErrorCode(err) != domain.CodeForbidden {
			t.Errorf("%s by a deactivated admin: %v, want forbidden", name, err)
		}
		if err := call(nil); domain.ErrorCode(err) != domain.CodeUnauthorized {
			t.Errorf("%s anonymously: %v, want unauthorized", name, err)
		}
	}
	if got, _ := e.users.GetUser(ctx, target.ID); got.Tier != domain.TierFree || !got.Active || got.Role != domain.RoleUser {
		t.Errorf("a refused call changed the user: %+v", got)
	}
}

func TestAdminChangesAreAuditedBeforeAfter(t *testing.T) {
	e := newTestEnv(t)
	a, _, _ := newTestAdmin(e, nil)
	ctx := context.Background()
	admin := e.addAdmin(t)
	u := e.addUser(t, domain.TierFree)
	if _, err := a.SetTier(ctx, admin, u.ID, domain.TierBusiness, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetRole(ctx, admin, u.ID, domain.RoleAdmin, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	ev := e.audit.find("admin.user.tier")
	if len(ev) != 1 || ev[0].ActorID != admin.ID || ev[0].TargetID != u.ID || ev[0].IP != "10.0.0.1" ||
		!strings.Contains(ev[0].Detail, `"before":{"tier":"free"}`) || !strings.Contains(ev[0].Detail, `"after":{"tier":"business"}`) {
		t.Errorf("tier audit = %+v", ev)
	}
	if ev := e.audit.find("admin.user.role"); len(ev) != 1 || !strings.Contains(ev[0].Detail, `"after":{"role":"admin"}`) {
		t.Errorf("role audit = %+v", ev)
	}
	if _, err := a.SetTier(ctx, admin, u.ID, "platinum", ""); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Errorf("unknown tier: %v", err)
	}
	if _, err := a.SetActive(ctx, admin, admin.ID, false, ""); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Errorf("an admin deactivating themself: %v, want invalid", err)
	}
	if _, err := a.SetRole(ctx, admin, admin.ID, domain.RoleUser, ""); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Errorf("an admin demoting themself: %v, want invalid", err)
	}
	if _, err := a.SetTier(ctx, admin, "00000000-0000-4000-8000-00000000dead", domain.TierFree, ""); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Errorf("unknown user: %v", err)
	}
}

// TestDeactivationLocksOutAtOnce: a signed-in user with an API token is
// deactivated by an admin; the very next request with either credential is
// refused, and reactivation restores both.
func TestDeactivationLocksOutAtOnce(t *testing.T) {
	e := newTestEnv(t)
	a, _, _ := newTestAdmin(e, nil)
	ctx := context.Background()
	admin := e.addAdmin(t)
	u := register(t, e, "ana@example.com", "segredo-forte")
	if _, err := a.SetTier(ctx, admin, u.ID, domain.TierProfessional, ""); err != nil {
		t.Fatal(err)
	}
	session, _, err := e.accounts.Login(ctx, LoginInput{Email: u.Email, Password: "segredo-forte"})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := e.accounts.CreateAPIToken(ctx, u.ID, "ERP")
	if err != nil {
		t.Fatal(err)
	}
	for _, cred := range []string{session, secret} {
		if _, err := e.accounts.Authenticate(ctx, cred); err != nil {
			t.Fatalf("before deactivation: %v", err)
		}
	}
	if _, err := a.SetActive(ctx, admin, u.ID, false, ""); err != nil {
		t.Fatal(err)
	}
	for name, cred := range map[string]string{"session": session, "api token": secret} {
		if _, err := e.accounts.Authenticate(ctx, cred); domain.ErrorCode(err) != domain.CodeUnauthorized {
			t.Errorf("%s after deactivation: %v, want unauthorized", name, err)
		}
	}
	if _, _, err := e.accounts.Login(ctx, LoginInput{Email: u.Email, Password: "segredo-forte"}); err == nil {
		t.Error("a deactivated user signed in")
	}
	if _, err := a.SetActive(ctx, admin, u.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.accounts.Authenticate(ctx, session); err != nil {
		t.Errorf("session after reactivation: %v", err)
	}
}

func TestPasswordResetLink(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	admin := e.addAdmin(t)
	u := register(t, e, "ana@example.com", "senha-esquecida")

	t.Run("without SMTP the admin gets the link once", func(t *testing.T) {
		a, _, _ := newTestAdmin(e, nil)
		link, emailed, err := a.IssuePasswordReset(ctx, admin, u.ID, "10.0.0.1")
		if err != nil || emailed || !strings.HasPrefix(link, "https://bankflow.test/reset/") {
			t.Fatalf("issue = %q, %v, %v", link, emailed, err)
		}
		secret := strings.TrimPrefix(link, "https://bankflow.test/reset/")
		if got, err := a.CheckPasswordReset(ctx, secret); err != nil || got.ID != u.ID {
			t.Fatalf("check = %v, %v", got, err)
		}
		if err := a.CompletePasswordReset(ctx, secret, "curta", ""); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Errorf("weak password: %v", err)
		}
		if err := a.CompletePasswordReset(ctx, secret, "senha-nova-forte", "10.0.0.2"); err != nil {
			t.Fatalf("complete: %v", err)
		}
		if err := a.CompletePasswordReset(ctx, secret, "outra-senha-forte", ""); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Errorf("second use of the link: %v, want not found", err)
		}
		if _, _, err := e.accounts.Login(ctx, LoginInput{Email: u.Email, Password: "senha-nova-forte"}); err != nil {
			t.Errorf("sign in with the new password: %v", err)
		}
		if _, _, err := e.accounts.Login(ctx, LoginInput{Email: u.Email, Password: "senha-esquecida"}); err == nil {
			t.Error("the old password still works")
		}
		if len(e.audit.find("admin.user.password_reset")) != 1 || len(e.audit.find("auth.password_reset")) != 1 {
			t.Error("reset not audited")
		}
	})
	t.Run("the link expires", func(t *testing.T) {
		a, _, _ := newTestAdmin(e, nil)
		link, _, err := a.IssuePasswordReset(ctx, admin, u.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Add(25 * time.Hour)
		secret := link[strings.LastIndexByte(link, '/')+1:]
		if err := a.CompletePasswordReset(ctx, secret, "senha-nova-forte", ""); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Errorf("expired link: %v, want not found", err)
		}
	})
	t.Run("with SMTP the link is e-mailed, not shown", func(t *testing.T) {
		m := &fakeResetMailer{}
		a, _, _ := newTestAdmin(e, m)
		link, emailed, err := a.IssuePasswordReset(ctx, admin, u.ID, "")
		if err != nil || !emailed || link != "" || len(m.sent) != 1 || !strings.Contains(m.sent[0], "/reset/") {
			t.Errorf("issue = %q, %v, %v; sent %v", link, emailed, err, m.sent)
		}
	})
}

func TestRetryFailedJob(t *testing.T) {
	e := newTestEnv(t)
	a, _, _ := newTestAdmin(e, nil)
	ctx := context.Background()
	admin := e.addAdmin(t)
	u := e.addUser(t, domain.TierFree)
	ok := e.submit(t, u, "ok")
	bad := e.submit(t, u, "bad")
	<-e.queue.ch
	<-e.queue.ch
	if err := e.repo.FailJob(ctx, bad.ID, "Formato não reconhecido.", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	js, n, err := a.Jobs(ctx, admin, domain.JobFilter{})
	if err != nil || n != 2 || js[0].ID != bad.ID || js[0].ErrorMessage == "" {
		t.Fatalf("jobs = %+v, %d, %v; want the failed one first with its error", js, n, err)
	}
	j, err := a.RetryJob(ctx, admin, bad.ID, "")
	if err != nil || j.Status != domain.JobQueued {
		t.Fatalf("retry = %+v, %v", j, err)
	}
	if d, _ := e.queue.Depth(ctx); d != 1 {
		t.Errorf("queue depth after retry = %d, want 1", d)
	}
	if _, err := a.RetryJob(ctx, admin, ok.ID, ""); domain.ErrorCode(err) != domain.CodeConflict {
		t.Errorf("retrying a queued job: %v, want conflict", err)
	}
	st, err := a.System(ctx, admin)
	if err != nil || st.QueueDepth != 1 || st.Workers != 3 || st.JobsByStatus[domain.JobQueued] != 2 {
		t.Errorf("system = %+v, %v", st, err)
	}
}

func TestAuditPrunerKeepsTheRetentionPeriod(t *testing.T) {
	e := newTestEnv(t)
	_, st, _ := newTestAdmin(e, nil)
	p := NewAuditPruner(st, 90*24*time.Hour, time.Hour, e.clock.Now, e.log)
	if _, err := p.PruneOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().UTC().Add(-90 * 24 * time.Hour); !st.pruned.Equal(want) {
		t.Errorf("pruned before %v, want %v", st.pruned, want)
	}
}

func TestDeleteAccount(t *testing.T) {
	e := newTestEnv(t)
	_, _, priv := newTestAdmin(e, nil)
	ctx := context.Background()
	u := register(t, e, "ana@example.com", "segredo-forte")
	j := e.completed(t, u, "STMT extrato")
	if !e.files.has(j.InputFileID) {
		t.Fatal("no input file stored")
	}
	if err := priv.DeleteAccount(ctx, u, "errada-errada", ""); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("wrong password: %v", err)
	}
	if err := priv.DeleteAccount(ctx, u, "segredo-forte", "10.0.0.1"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if e.files.count() != 0 {
		t.Errorf("%d stored files left", e.files.count())
	}
	if _, err := e.users.GetUser(ctx, u.ID); err == nil {
		t.Error("user row left")
	}
	if _, err := e.repo.GetJob(ctx, j.ID); err == nil {
		t.Error("job left")
	}
	pseudo := priv.Pseudonym(u.ID)
	for _, ev := range e.audit.events {
		if ev.ActorID == u.ID || ev.TargetID == u.ID || strings.Contains(ev.Detail, u.Email) {
			t.Errorf("audit event %s still names the user", ev.Action)
		}
	}
	if del := e.audit.find("privacy.delete"); len(del) != 1 || del[0].ActorID != pseudo {
		t.Errorf("deletion audit = %+v", del)
	}
	if priv.Pseudonym(u.ID) == NewPrivacy(e.jobs, nil, []byte("another-key-another-key")).Pseudonym(u.ID) {
		t.Error("the pseudonym does not depend on the key")
	}
}

func TestExportArchive(t *testing.T) {
	e := newTestEnv(t)
	_, _, priv := newTestAdmin(e, nil)
	u := e.addUser(t, domain.TierFree)
	j := e.completed(t, u, "STMT conteudo")
	var buf bytes.Buffer
	if err := priv.ExportArchive(context.Background(), u, &buf); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range z.File {
		names[f.Name] = true
	}
	for _, want := range []string{"dados.json", "planilhas/" + j.ID + ".xlsx", "arquivos/" + j.ID + "-extrato.ofx"} {
		if !names[want] {
			t.Errorf("archive lacks %s (has %v)", want, names)
		}
	}
}
