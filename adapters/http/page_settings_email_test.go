package web

import (
	"context"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// memSenders is a SenderRepository in memory: addresses unique across
// users, a link consumed once by its owner before it expires.
type memSenders struct {
	mu    sync.Mutex
	users *memStore
	m     map[string]domain.SenderAddress
}

func (f *memSenders) AddSender(_ context.Context, s domain.SenderAddress) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.m[s.Email]; ok {
		return domain.ErrConflict
	}
	f.m[s.Email] = s
	return nil
}

func (f *memSenders) VerifySender(context.Context, string, string, time.Time) error {
	return domain.ErrNotFound
}

func (f *memSenders) ListSenders(_ context.Context, userID string) ([]domain.SenderAddress, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []domain.SenderAddress
	for _, s := range f.m {
		if s.UserID == userID {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *memSenders) UserBySender(ctx context.Context, email string) (*domain.User, error) {
	f.mu.Lock()
	s, ok := f.m[email]
	f.mu.Unlock()
	if !ok || s.VerifiedAt == nil {
		return nil, domain.ErrNotFound
	}
	return f.users.GetUser(ctx, s.UserID)
}

func (f *memSenders) ConsumeSenderVerification(_ context.Context, userID, hash string, now time.Time) (*domain.SenderAddress, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, s := range f.m {
		if s.UserID == userID && s.VerifyHash == hash && s.VerifiedAt == nil && s.VerifyExpiresAt.After(now) {
			s.VerifiedAt, s.VerifyHash = &now, ""
			f.m[k] = s
			return &s, nil
		}
	}
	return nil, domain.ErrNotFound
}

func (f *memSenders) RemoveSender(_ context.Context, userID, email string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.m[email]; !ok || s.UserID != userID {
		return domain.ErrNotFound
	}
	delete(f.m, email)
	return nil
}

// linkMailer keeps the last verification link sent to each address.
type linkMailer struct {
	mu    sync.Mutex
	links map[string]string
}

func (m *linkMailer) SendSenderVerification(_ context.Context, _ *domain.User, address, link string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.links[address] = link
	return nil
}

// path is the local part of the last link sent to address.
func (m *linkMailer) path(tb testing.TB, address string) string {
	tb.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	link, ok := m.links[address]
	if !ok {
		tb.Fatalf("no link sent to %s", address)
	}
	return strings.TrimPrefix(link, "https://app.bankflow.com.br")
}

// mailWorld is the e-mail side of a test env; its clock can be moved.
type mailWorld struct {
	senders *memSenders
	mailer  *linkMailer
	mu      sync.Mutex
	now     time.Time
}

func (w *mailWorld) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *mailWorld) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

// withEmail wires EmailSettings into an env's server; configured says
// whether this server receives (IMAP) and sends (SMTP) e-mail.
func withEmail(e *testEnv, w *mailWorld, configured bool) envOption {
	return func(d *Deps) {
		deps := application.EmailSettingsDeps{Users: e.store, Senders: w.senders, Audit: e.store,
			BaseURL: "https://app.bankflow.com.br", Now: w.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if configured {
			deps.InboxAddress, deps.Mailer = "extratos@bankflow.com.br", w.mailer
		}
		d.EmailSettings = application.NewEmailSettings(deps)
	}
}

func newMailWorld(e *testEnv) *mailWorld {
	return &mailWorld{senders: &memSenders{users: e.store, m: map[string]domain.SenderAddress{}},
		mailer: &linkMailer{links: map[string]string{}}, now: time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)}
}

func newMailEnv(t *testing.T, configured bool) (*testEnv, *mailWorld) {
	t.Helper()
	e := newTestEnv(t)
	w := newMailWorld(e)
	deps := Deps{Accounts: e.accounts, Jobs: e.jobs, Metrics: e.metrics, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	withEmail(e, w, configured)(&deps)
	e.handler = NewServer(deps).Handler()
	return e, w
}

func TestSettingsEmailSectionWithoutMail(t *testing.T) {
	e, _ := newMailEnv(t, false)
	b, u := e.signedIn("sem-email@example.com")
	rec := b.get("/settings")
	wantPage(t, rec, 200, `id="email"`, "Recebimento por e-mail não está configurado neste servidor", `id="senders-off"`,
		"envio de e-mails não está configurado", `id="notify-form"`, "Avisar por e-mail quando um processamento terminar",
		"não está incluído no seu plano Gratuito: ele faz parte do plano Profissional")
	for _, absent := range []string{"extratos+", "extratos&#43;", `id="sender-form"`, `id="rotate-form"`, " checked"} {
		if strings.Contains(rec.Body.String(), absent) {
			t.Errorf("settings without e-mail shows %q", absent)
		}
	}
	// Adding a sender is refused, never auto-verified.
	wantPage(t, b.post("/settings/senders", url.Values{"email": {"cliente@empresa.com.br"}}, true),
		nethttp.StatusUnsupportedMediaType, `id="sender-error"`, "não está configurado")
	if strings.Contains(b.get("/settings").Body.String(), "cliente@empresa.com.br") {
		t.Error("an unverifiable sender was kept")
	}
	// The opt-in still works.
	wantRedirect(t, b.post("/settings/email/notify", url.Values{"notify": {"on"}}, true), "/settings?ok=notify#email")
	wantPage(t, b.get("/settings?ok=notify"), 200, "Preferência de aviso por e-mail salva.", `name="notify" value="on" checked`)
	if got, _ := e.store.GetUser(context.Background(), u.ID); !got.NotifyEmail {
		t.Error("opt-in not stored")
	}
	wantRedirect(t, b.post("/settings/email/notify", url.Values{}, true), "/settings?ok=notify#email")
	if got, _ := e.store.GetUser(context.Background(), u.ID); got.NotifyEmail {
		t.Error("opt-out not stored")
	}
}

// inboxRe finds the personal address (html/template writes + as &#43;).
var inboxRe = regexp.MustCompile(`data-secret>(extratos(?:\+|&#43;)[0-9a-f]{16}@bankflow\.com\.br)<`)

func TestSettingsEmailSectionWithMail(t *testing.T) {
	e, w := newMailEnv(t, true)
	b, u := e.signedIn("com-email@example.com")
	e.setTier(u.ID, domain.TierProfessional)
	rec := b.get("/settings")
	wantPage(t, rec, 200, `x-data="copyToken"`, `id="rotate-form"`, "Gerar novo endereço", `id="sender-form"`,
		"Seu plano Profissional inclui o envio de extratos por e-mail", "Nenhum remetente cadastrado")
	addr := inboxRe.FindStringSubmatch(rec.Body.String())
	if addr == nil {
		t.Fatalf("no personal address shown:\n%s", clip(rec.Body.String()))
	}
	if again := inboxRe.FindStringSubmatch(b.get("/settings").Body.String()); again == nil || again[1] != addr[1] {
		t.Errorf("address changed between visits: %v → %v", addr, again)
	}

	// Rotation: CSRF required, then a new address.
	wantPage(t, b.post("/settings/email/rotate", url.Values{}, false), nethttp.StatusForbidden)
	wantRedirect(t, b.post("/settings/email/rotate", url.Values{}, true), "/settings?ok=rotated#email")
	rec = b.get("/settings?ok=rotated")
	wantPage(t, rec, 200, "o anterior deixou de funcionar")
	if got := inboxRe.FindStringSubmatch(rec.Body.String()); got == nil || got[1] == addr[1] {
		t.Errorf("rotation kept the address %v", got)
	}

	// Senders: CSRF refusal, validation, add.
	wantPage(t, b.post("/settings/senders", url.Values{"email": {"cliente@empresa.com.br"}}, false), nethttp.StatusForbidden)
	if len(w.mailer.links) != 0 {
		t.Fatal("a refused request sent a link")
	}
	wantPage(t, b.post("/settings/senders", url.Values{"email": {"nao-e-email"}}, true), nethttp.StatusBadRequest,
		`id="sender-error"`, "endereço de e-mail válido", `value="nao-e-email"`)
	wantRedirect(t, b.post("/settings/senders", url.Values{"email": {"Cliente@Empresa.com.br"}}, true), "/settings?ok=sender_added#senders")
	wantPage(t, b.get("/settings?ok=sender_added"), 200, "Enviamos um link de confirmação", `data-sender="cliente@empresa.com.br"`, "Aguardando confirmação")
	link := w.mailer.path(t, "cliente@empresa.com.br")
	if !strings.HasPrefix(link, "/senders/verify/") {
		t.Fatalf("link %q", link)
	}

	// Another account's session: not found, and the link survives.
	other, _ := e.signedIn("outra@example.com")
	wantPage(t, other.get(link), nethttp.StatusNotFound, "outra conta")
	// Anonymous: sign in first, then come back.
	wantRedirect(t, e.browser().get(link), "/login?next="+url.QueryEscape(link))
	// The owner: verified once.
	wantRedirect(t, b.get(link), "/settings?ok=sender_verified#senders")
	wantPage(t, b.get("/settings?ok=sender_verified"), 200, "Remetente confirmado", "Confirmado</span>")
	if got, err := w.senders.UserBySender(context.Background(), "cliente@empresa.com.br"); err != nil || got.ID != u.ID {
		t.Errorf("verified sender routes to %+v %v", got, err)
	}
	wantPage(t, b.get(link), nethttp.StatusNotFound, "já foi usado")

	// An expired link does nothing and the list says so.
	wantRedirect(t, b.post("/settings/senders", url.Values{"email": {"tarde@empresa.com.br"}}, true), "/settings?ok=sender_added#senders")
	late := w.mailer.path(t, "tarde@empresa.com.br")
	w.advance(24 * time.Hour)
	wantPage(t, b.get(late), nethttp.StatusNotFound, "expirou")
	wantPage(t, b.get("/settings"), 200, "Link expirado")
	if _, err := w.senders.UserBySender(context.Background(), "tarde@empresa.com.br"); err == nil {
		t.Error("an expired link verified the sender")
	}

	// Removal: CSRF, another user's (404), then the owner's.
	wantPage(t, b.post("/settings/senders/remove", url.Values{"email": {"cliente@empresa.com.br"}}, false), nethttp.StatusForbidden)
	wantPage(t, other.post("/settings/senders/remove", url.Values{"email": {"cliente@empresa.com.br"}}, true), nethttp.StatusNotFound)
	wantRedirect(t, b.post("/settings/senders/remove", url.Values{"email": {"cliente@empresa.com.br"}}, true), "/settings?ok=sender_removed#senders")
	if _, err := w.senders.UserBySender(context.Background(), "cliente@empresa.com.br"); err == nil {
		t.Error("a removed sender still routes")
	}
	for _, action := range []string{"email.sender_added", "email.sender_verified", "email.sender_removed", "email.inbox_rotated"} {
		if !e.store.audited(action) {
			t.Errorf("no %s in the audit log", action)
		}
	}
}

// audited reports whether the audit log holds action.
func (m *memStore) audited(action string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.audit {
		if e.Action == action {
			return true
		}
	}
	return false
}
