package application

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// login signs the user in and returns the session JWT.
func login(t *testing.T, e *testEnv, email, password string) string {
	t.Helper()
	token, _, err := e.accounts.Login(context.Background(), LoginInput{Email: email, Password: password})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return token
}

// wantSession asserts whether token authenticates now.
func wantSession(t *testing.T, e *testEnv, token string, valid bool) {
	t.Helper()
	u, err := e.accounts.Authenticate(context.Background(), token)
	switch {
	case valid && err != nil:
		t.Fatalf("session refused: %v", err)
	case !valid && domain.ErrorCode(err) != domain.CodeUnauthorized:
		t.Fatalf("session accepted or wrong error (user %v, err %v), want unauthorized", u, err)
	}
}

func TestLogoutEndsOnlyThatSession(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	register(t, e, "ana@example.com", "segredo-forte")
	laptop := login(t, e, "ana@example.com", "segredo-forte")
	phone := login(t, e, "ana@example.com", "segredo-forte")
	if laptop == phone {
		t.Fatal("two sign-ins gave the same token: a sign-out could not tell them apart")
	}

	if err := e.accounts.Logout(ctx, "Bearer "+laptop); err != nil {
		t.Fatalf("logout: %v", err)
	}
	wantSession(t, e, laptop, false)
	wantSession(t, e, phone, true)
	if err := e.accounts.Logout(ctx, laptop); err != nil {
		t.Fatalf("signing out twice: %v", err)
	}
	if err := e.accounts.Logout(ctx, "abc.def.ghi"); err != nil {
		t.Fatalf("signing out a token that is no session: %v", err)
	}
	if n := len(e.audit.find("auth.logout")); n != 2 {
		t.Errorf("%d sign-outs audited, want 2 (the garbage token is not one)", n)
	}
}

func TestLogoutRefusesAPITokenAndReportsOutage(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	register(t, e, "ana@example.com", "segredo-forte")
	session := login(t, e, "ana@example.com", "segredo-forte")
	wantCode(t, e.accounts.Logout(ctx, "bf_abcdefghijklmnop"), domain.CodeInvalid)

	e.tokens.err = errDown
	wantCode(t, e.accounts.Logout(ctx, session), domain.CodeUnavailable)
	_, err := e.accounts.Authenticate(ctx, session)
	wantCode(t, err, domain.CodeUnavailable) // never "signed in" when the revocation list is unreadable
	e.tokens.err = nil
	wantSession(t, e, session, true)
}

func TestLogoutPurgesExpiredRevocations(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	register(t, e, "ana@example.com", "segredo-forte")
	first := login(t, e, "ana@example.com", "segredo-forte")
	if err := e.accounts.Logout(ctx, first); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(2 * time.Hour) // past the first session's expiry (SessionTTL 1h) and the purge interval
	second := login(t, e, "ana@example.com", "segredo-forte")
	if err := e.accounts.Logout(ctx, second); err != nil {
		t.Fatal(err)
	}
	e.tokens.mu.Lock()
	n := len(e.tokens.revoked)
	e.tokens.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d revocations kept, want 1: the expired one should be purged", n)
	}
	wantSession(t, e, second, false)
	wantSession(t, e, first, false) // purged, but expired anyway
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := register(t, e, "ana@example.com", "segredo-forte")
	here := login(t, e, "ana@example.com", "segredo-forte")
	elsewhere := login(t, e, "ana@example.com", "segredo-forte")

	fresh, err := e.accounts.ChangePassword(ctx, u.ID, "segredo-forte", "nova-senha-boa")
	if err != nil {
		t.Fatal(err)
	}
	wantSession(t, e, elsewhere, false)
	wantSession(t, e, here, false) // replaced by fresh
	wantSession(t, e, fresh, true)
	// Within the same second as the change, a new sign-in still works.
	wantSession(t, e, login(t, e, "ana@example.com", "nova-senha-boa"), true)
}

func TestPasswordResetEndsEverySession(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	admin := e.addAdmin(t)
	u := register(t, e, "ana@example.com", "senha-esquecida")
	session := login(t, e, "ana@example.com", "senha-esquecida")
	a, _, _ := newTestAdmin(e, nil)
	link, _, err := a.IssuePasswordReset(ctx, admin, u.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	wantSession(t, e, session, true) // issuing a link changes nothing yet
	if err := a.CompletePasswordReset(ctx, link[strings.LastIndex(link, "/")+1:], "senha-nova-forte", ""); err != nil {
		t.Fatal(err)
	}
	wantSession(t, e, session, false)
	wantSession(t, e, login(t, e, "ana@example.com", "senha-nova-forte"), true)
}

func TestAPITokenUseIsRecordedAtMostOnceAMinute(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := register(t, e, "ana@example.com", "segredo-forte")
	u.Tier = domain.TierProfessional
	if err := e.users.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	secret, tok, err := e.accounts.CreateAPIToken(ctx, u.ID, "ERP")
	if err != nil {
		t.Fatal(err)
	}
	use := func() {
		t.Helper()
		if _, err := e.accounts.Authenticate(ctx, secret); err != nil {
			t.Fatal(err)
		}
	}
	lastUsed := func() *time.Time {
		t.Helper()
		ts, err := e.accounts.ListAPITokens(ctx, u.ID)
		if err != nil || len(ts) != 1 || ts[0].ID != tok.ID {
			t.Fatalf("tokens %+v, %v", ts, err)
		}
		return ts[0].LastUsedAt
	}
	if lastUsed() != nil {
		t.Fatal("a new token reads as used")
	}
	first := e.clock.Now()
	use()
	e.clock.Add(30 * time.Second)
	use()
	use()
	if got := lastUsed(); got == nil || !got.Equal(first) {
		t.Fatalf("last used %v, want %v", got, first)
	}
	if e.tokens.touches != 1 {
		t.Errorf("%d writes for 3 uses within a minute, want 1", e.tokens.touches)
	}
	e.clock.Add(31 * time.Second)
	use()
	if got := lastUsed(); got == nil || !got.Equal(e.clock.Now()) {
		t.Fatalf("last used %v after a minute, want %v", got, e.clock.Now())
	}
}

func TestLoginUpgradesWeakPasswordHash(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := register(t, e, "ana@example.com", "segredo-forte") // hashed at m=64,t=1,p=1
	e.accounts.argon = argonParams{Memory: 128, Time: 2, Threads: 1}
	login(t, e, "ana@example.com", "segredo-forte")
	got, err := e.users.GetUser(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.PasswordHash, "$argon2id$v=19$m=128,t=2,p=1$") {
		t.Fatalf("hash after sign-in %q, want the current parameters", got.PasswordHash)
	}
	login(t, e, "ana@example.com", "segredo-forte") // the new hash verifies

	strong, err := hashPassword("segredo-forte", argonParams{Memory: 256, Time: 3, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	got.PasswordHash = strong
	if err := e.users.UpdateUser(ctx, got); err != nil {
		t.Fatal(err)
	}
	login(t, e, "ana@example.com", "segredo-forte")
	if again, _ := e.users.GetUser(ctx, u.ID); again.PasswordHash != strong {
		t.Fatal("a stronger hash was replaced by a weaker one")
	}
}
