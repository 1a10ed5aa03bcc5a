package application

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// settingsEnv is an EmailSettings over fakes, with e-mail received at
// extratos@bankflow.com.br and verification links sent.
type settingsEnv struct {
	users   *fakeUsers
	senders *fakeSenders
	audit   *fakeAudit
	mailer  *fakeSenderMailer
	clock   *fakeClock
	svc     *EmailSettings
	ana     *domain.User // professional
	bia     *domain.User // free
}

func newSettingsEnv(t *testing.T, edit func(*EmailSettingsDeps)) *settingsEnv {
	t.Helper()
	e := &settingsEnv{users: newFakeUsers(), audit: &fakeAudit{}, mailer: &fakeSenderMailer{}, clock: newClock()}
	e.senders = newFakeSenders(e.users)
	d := EmailSettingsDeps{Users: e.users, Senders: e.senders, Audit: e.audit, Mailer: e.mailer,
		InboxAddress: "extratos@bankflow.com.br", BaseURL: "https://app.bankflow.com.br/", Now: e.clock.Now}
	if edit != nil {
		edit(&d)
	}
	e.svc = NewEmailSettings(d)
	e.ana = e.addUser(t, "ana-id", "ana@escritorio.com.br", domain.TierProfessional)
	e.bia = e.addUser(t, "bia-id", "bia@escritorio.com.br", domain.TierFree)
	return e
}

func (e *settingsEnv) addUser(t *testing.T, id, email string, tier domain.Tier) *domain.User {
	t.Helper()
	u := &domain.User{ID: id, Email: email, Name: "Nome " + id, Tier: tier, Role: domain.RoleUser, Active: true}
	if err := e.users.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// routesTo returns the id of the user mail from address goes to, "" for none.
func (e *settingsEnv) routesTo(t *testing.T, address string) string {
	t.Helper()
	u, err := e.senders.UserBySender(context.Background(), address)
	if errors.Is(err, domain.ErrNotFound) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestEmailOverviewShowsPersonalAddressAndPlan(t *testing.T) {
	e := newSettingsEnv(t, nil)
	ctx := context.Background()
	o, err := e.svc.Overview(ctx, e.ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := e.users.GetUser(ctx, e.ana.ID)
	if stored.InboxToken == "" || o.InboxAddress != "extratos+"+stored.InboxToken+"@bankflow.com.br" {
		t.Fatalf("address %q, stored token %q", o.InboxAddress, stored.InboxToken)
	}
	if !o.Allowed || o.UpgradeTier != "" || !o.CanVerify || o.MaxSenders != 10 || o.NotifyEmail {
		t.Errorf("professional overview: %+v", o)
	}
	again, err := e.svc.Overview(ctx, e.ana.ID)
	if err != nil || again.InboxAddress != o.InboxAddress {
		t.Errorf("the address changed between two visits: %q → %q (%v)", o.InboxAddress, again.InboxAddress, err)
	}
	free, err := e.svc.Overview(ctx, e.bia.ID)
	if err != nil || free.Allowed || free.UpgradeTier != domain.TierProfessional {
		t.Errorf("free overview: %+v %v", free, err)
	}
}

func TestEmailOverviewWithoutMail(t *testing.T) {
	e := newSettingsEnv(t, func(d *EmailSettingsDeps) { d.InboxAddress, d.Mailer = "", nil })
	ctx := context.Background()
	o, err := e.svc.Overview(ctx, e.ana.ID)
	if err != nil || o.InboxAddress != "" || o.CanVerify {
		t.Fatalf("overview without mail: %+v %v", o, err)
	}
	if _, err := e.svc.RotateInboxAddress(ctx, e.ana.ID, ""); domain.ErrorCode(err) != domain.CodeUnsupported {
		t.Errorf("rotate without inbox: %v", err)
	}
	_, err = e.svc.AddSender(ctx, e.ana.ID, "cliente@empresa.com.br", "")
	if domain.ErrorCode(err) != domain.CodeUnsupported || !strings.Contains(domain.ErrorMessage(err), "não está configurado") {
		t.Errorf("add sender without SMTP: %v", err)
	}
	if list, _ := e.senders.ListSenders(ctx, e.ana.ID); len(list) != 0 {
		t.Errorf("an unverifiable sender was kept: %+v", list)
	}
	// Without an absolute public URL the link would mean nothing in a mailbox.
	rel := newSettingsEnv(t, func(d *EmailSettingsDeps) { d.BaseURL = "" })
	if _, err := rel.svc.AddSender(ctx, rel.ana.ID, "cliente@empresa.com.br", ""); domain.ErrorCode(err) != domain.CodeUnsupported {
		t.Errorf("add sender without public URL: %v", err)
	}
}

func TestRotateInboxAddressRetiresTheOldOne(t *testing.T) {
	e := newSettingsEnv(t, nil)
	ctx := context.Background()
	inbox := fakeInbox{e.users}
	o, err := e.svc.Overview(ctx, e.ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	oldTok, _ := e.users.GetUser(ctx, e.ana.ID)
	addr, err := e.svc.RotateInboxAddress(ctx, e.ana.ID, "10.0.0.1")
	if err != nil || addr == o.InboxAddress || !strings.HasPrefix(addr, "extratos+") {
		t.Fatalf("rotated to %q (was %q): %v", addr, o.InboxAddress, err)
	}
	if _, err := inbox.GetUserByInboxToken(ctx, oldTok.InboxToken); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("the old address still finds the user: %v", err)
	}
	newTok := strings.TrimSuffix(strings.TrimPrefix(addr, "extratos+"), "@bankflow.com.br")
	if u, err := inbox.GetUserByInboxToken(ctx, newTok); err != nil || u.ID != e.ana.ID {
		t.Errorf("the new address does not find the user: %+v %v", u, err)
	}
	if got, _ := e.svc.Overview(ctx, e.ana.ID); got.InboxAddress != addr {
		t.Errorf("overview after rotation shows %q, want %q", got.InboxAddress, addr)
	}
	if ev := e.audit.find("email.inbox_rotated"); len(ev) != 1 || ev[0].ActorID != e.ana.ID {
		t.Errorf("rotation audit: %+v", ev)
	}
}

func TestSenderVerifiedOnceByItsOwner(t *testing.T) {
	e := newSettingsEnv(t, nil)
	ctx := context.Background()
	a, err := e.svc.AddSender(ctx, e.ana.ID, " Cliente@Empresa.com.br ", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if a.Email != "cliente@empresa.com.br" || a.VerifiedAt != nil || !a.VerifyExpiresAt.Equal(e.clock.Now().Add(24*time.Hour)) {
		t.Errorf("added %+v", a)
	}
	if len(e.mailer.sent) != 1 || e.mailer.sent[0].To != "cliente@empresa.com.br" ||
		!strings.HasPrefix(e.mailer.sent[0].Link, "https://app.bankflow.com.br/senders/verify/") {
		t.Fatalf("verification e-mail: %+v", e.mailer.sent)
	}
	if ev := e.audit.find("email.sender_added"); len(ev) != 1 || !strings.Contains(ev[0].Detail, "cliente@empresa.com.br") {
		t.Errorf("added audit: %+v", ev)
	}
	if got := e.routesTo(t, "cliente@empresa.com.br"); got != "" {
		t.Errorf("an unverified sender routes to %q", got)
	}
	secret := e.mailer.secret(t, "cliente@empresa.com.br")
	if list, _ := e.senders.ListSenders(ctx, e.ana.ID); len(list) != 1 || list[0].VerifyHash == secret || list[0].VerifyHash == "" {
		t.Errorf("the secret must be stored hashed: %+v", list)
	}

	// Another account's session cannot use the link, nor can it spoil it.
	if _, err := e.svc.VerifySender(ctx, e.bia.ID, secret, ""); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Errorf("another user's link: %v", err)
	}
	e.clock.Add(23 * time.Hour)
	v, err := e.svc.VerifySender(ctx, e.ana.ID, secret, "10.0.0.1")
	if err != nil || v.Email != "cliente@empresa.com.br" {
		t.Fatalf("verify: %+v %v", v, err)
	}
	if got := e.routesTo(t, "cliente@empresa.com.br"); got != e.ana.ID {
		t.Errorf("verified sender routes to %q", got)
	}
	if ev := e.audit.find("email.sender_verified"); len(ev) != 1 || !strings.Contains(ev[0].Detail, "cliente@empresa.com.br") {
		t.Errorf("verified audit: %+v", ev)
	}
	_, err = e.svc.VerifySender(ctx, e.ana.ID, secret, "")
	if domain.ErrorCode(err) != domain.CodeNotFound || !strings.Contains(domain.ErrorMessage(err), "já foi usado") {
		t.Errorf("reused link: %v", err)
	}
	if _, err := e.svc.AddSender(ctx, e.ana.ID, "cliente@empresa.com.br", ""); domain.ErrorCode(err) != domain.CodeConflict {
		t.Errorf("adding a verified sender again: %v", err)
	}
}

func TestSenderLinkExpiresAfterADay(t *testing.T) {
	e := newSettingsEnv(t, nil)
	ctx := context.Background()
	if _, err := e.svc.AddSender(ctx, e.ana.ID, "cliente@empresa.com.br", ""); err != nil {
		t.Fatal(err)
	}
	first := e.mailer.secret(t, "cliente@empresa.com.br")
	e.clock.Add(24 * time.Hour)
	if _, err := e.svc.VerifySender(ctx, e.ana.ID, first, ""); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Fatalf("expired link: %v", err)
	}
	if got := e.routesTo(t, "cliente@empresa.com.br"); got != "" {
		t.Errorf("expired link verified the sender for %q", got)
	}
	// Adding the pending address again sends a fresh link; the old stays dead.
	if _, err := e.svc.AddSender(ctx, e.ana.ID, "cliente@empresa.com.br", ""); err != nil {
		t.Fatal(err)
	}
	fresh := e.mailer.secret(t, "cliente@empresa.com.br")
	if fresh == first {
		t.Fatal("the same link was sent again")
	}
	if _, err := e.svc.VerifySender(ctx, e.ana.ID, first, ""); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Errorf("old link after a new one: %v", err)
	}
	if _, err := e.svc.VerifySender(ctx, e.ana.ID, fresh, ""); err != nil {
		t.Errorf("fresh link: %v", err)
	}
}

func TestAddSenderRefusals(t *testing.T) {
	e := newSettingsEnv(t, func(d *EmailSettingsDeps) { d.MaxSenders = 3 })
	ctx := context.Background()
	for _, bad := range []string{"", "sem-arroba", "a@b", "extratos@bankflow.com.br", "Extratos+abc@bankflow.com.br"} {
		if _, err := e.svc.AddSender(ctx, e.ana.ID, bad, ""); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Errorf("AddSender(%q) = %v, want invalid", bad, err)
		}
	}
	if _, err := e.svc.AddSender(ctx, e.bia.ID, "compartilhado@empresa.com.br", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddSender(ctx, e.ana.ID, "compartilhado@empresa.com.br", ""); domain.ErrorCode(err) != domain.CodeConflict {
		t.Errorf("another user's address: %v", err)
	}
	for _, ok := range []string{"a@empresa.com.br", "b@empresa.com.br", "c@empresa.com.br"} {
		if _, err := e.svc.AddSender(ctx, e.ana.ID, ok, ""); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.svc.AddSender(ctx, e.ana.ID, "d@empresa.com.br", "")
	if domain.ErrorCode(err) != domain.CodeInvalid || !strings.Contains(domain.ErrorMessage(err), "até 3 remetentes") {
		t.Errorf("over the cap: %v", err)
	}
	// A link that cannot be sent leaves nothing behind.
	e.mailer.fail = errors.New("smtp down")
	if _, err := e.svc.AddSender(ctx, e.bia.ID, "outro@empresa.com.br", ""); domain.ErrorCode(err) != domain.CodeUnavailable {
		t.Errorf("send failure: %v", err)
	}
	if list, _ := e.senders.ListSenders(ctx, e.bia.ID); len(list) != 1 {
		t.Errorf("after a failed send: %+v", list)
	}
}

func TestRemoveSenderStopsRouting(t *testing.T) {
	e := newSettingsEnv(t, nil)
	ctx := context.Background()
	if _, err := e.svc.AddSender(ctx, e.ana.ID, "cliente@empresa.com.br", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifySender(ctx, e.ana.ID, e.mailer.secret(t, "cliente@empresa.com.br"), ""); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RemoveSender(ctx, e.bia.ID, "cliente@empresa.com.br", ""); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Errorf("another user removes: %v", err)
	}
	if err := e.svc.RemoveSender(ctx, e.ana.ID, "CLIENTE@empresa.com.br", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if got := e.routesTo(t, "cliente@empresa.com.br"); got != "" {
		t.Errorf("removed sender routes to %q", got)
	}
	if ev := e.audit.find("email.sender_removed"); len(ev) != 1 || ev[0].IP != "10.0.0.1" {
		t.Errorf("removed audit: %+v", ev)
	}
	if err := e.svc.RemoveSender(ctx, e.ana.ID, "cliente@empresa.com.br", ""); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Errorf("removing twice: %v", err)
	}
}

func TestSetNotifyEmail(t *testing.T) {
	e := newSettingsEnv(t, nil)
	ctx := context.Background()
	if o, _ := e.svc.Overview(ctx, e.ana.ID); o.NotifyEmail {
		t.Fatal("opt-in must default to off")
	}
	if err := e.svc.SetNotifyEmail(ctx, e.ana.ID, true); err != nil {
		t.Fatal(err)
	}
	if u, _ := e.users.GetUser(ctx, e.ana.ID); !u.NotifyEmail {
		t.Error("opt-in not stored")
	}
	if err := e.svc.SetNotifyEmail(ctx, e.ana.ID, false); err != nil {
		t.Fatal(err)
	}
	if u, _ := e.users.GetUser(ctx, e.ana.ID); u.NotifyEmail {
		t.Error("opt-out not stored")
	}
	if ev := e.audit.find("user.notify_email"); len(ev) != 2 {
		t.Errorf("opt-in audit: %+v", ev)
	}
}
