package application

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/bankflow/bankflow/domain"
)

func register(t *testing.T, e *testEnv, email, password string) *domain.User {
	t.Helper()
	u, err := e.accounts.Register(context.Background(), RegisterInput{Email: email, Password: password, Name: "Ana Contadora", IP: "203.0.113.7"})
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	return u
}

func TestRegisterThenLogin(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := register(t, e, "  Ana@Example.COM ", "segredo-forte")
	if u.Email != "ana@example.com" || u.Tier != domain.TierFree || u.Role != domain.RoleUser || !u.Active {
		t.Fatalf("registered user %+v", u)
	}
	if u.NotifyEmail {
		t.Error("upload notifications are on at registration; they must be opt-in")
	}
	if strings.Contains(u.PasswordHash, "segredo") || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Fatalf("password stored as %q", u.PasswordHash)
	}

	token, got, err := e.accounts.Login(ctx, LoginInput{Email: "ANA@example.com", Password: "segredo-forte", IP: "198.51.100.4"})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if got.ID != u.ID || got.LastLogin == nil {
		t.Fatalf("login user %+v", got)
	}
	stored, _ := e.users.GetUser(ctx, u.ID)
	if stored.LastLogin == nil {
		t.Error("last login not stored")
	}
	authed, err := e.accounts.Authenticate(ctx, "Bearer "+token)
	if err != nil || authed.ID != u.ID {
		t.Fatalf("authenticate session: %v %+v", err, authed)
	}
	ev := e.audit.find("auth.login")
	if len(ev) != 1 || ev[0].IP != "198.51.100.4" || ev[0].ActorID != u.ID {
		t.Fatalf("login audit %+v", ev)
	}
}

func TestRegisterRefusesBadInput(t *testing.T) {
	e := newTestEnv(t)
	register(t, e, "ana@example.com", "segredo-forte")
	tests := []struct {
		name string
		in   RegisterInput
		code domain.Code
	}{
		{"bad email", RegisterInput{Email: "ana-at-example", Password: "segredo-forte", Name: "Ana"}, domain.CodeInvalid},
		{"short password", RegisterInput{Email: "b@example.com", Password: "curta", Name: "Ana"}, domain.CodeInvalid},
		{"no name", RegisterInput{Email: "b@example.com", Password: "segredo-forte", Name: "  "}, domain.CodeInvalid},
		{"email taken in other case", RegisterInput{Email: "ANA@example.com", Password: "segredo-forte", Name: "Ana"}, domain.CodeConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.accounts.Register(context.Background(), tt.in)
			wantCode(t, err, tt.code)
		})
	}
}

func TestFirstAccountBecomesAdminWhenConfigured(t *testing.T) {
	e := newTestEnv(t)
	e.accounts.cfg.FirstUserAdmin = true
	first := register(t, e, "first@example.com", "segredo-forte")
	second := register(t, e, "second@example.com", "segredo-forte")
	if first.Role != domain.RoleAdmin || second.Role != domain.RoleUser {
		t.Fatalf("roles %s, %s", first.Role, second.Role)
	}
}

func TestLoginFailuresAreIndistinguishable(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	register(t, e, "ana@example.com", "segredo-forte")
	inactive := register(t, e, "ex@example.com", "segredo-forte")
	inactive.Active = false
	if err := e.users.UpdateUser(ctx, inactive); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, email, password string }{
		{"unknown email", "nobody@example.com", "segredo-forte"},
		{"wrong password", "ana@example.com", "segredo-errado"},
		{"deactivated", "ex@example.com", "segredo-forte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, _, err := e.accounts.Login(ctx, LoginInput{Email: tt.email, Password: tt.password, IP: "192.0.2.1"})
			wantCode(t, err, domain.CodeUnauthorized)
			if token != "" || domain.ErrorMessage(err) != "E-mail ou senha incorretos." {
				t.Fatalf("token %q, message %q", token, domain.ErrorMessage(err))
			}
		})
	}
	failed := e.audit.find("auth.login_failed")
	if len(failed) != len(tests) {
		t.Fatalf("%d failed logins audited, want %d", len(failed), len(tests))
	}
	for _, ev := range failed {
		if ev.IP != "192.0.2.1" {
			t.Errorf("failed login audited without IP: %+v", ev)
		}
	}
	if n := len(e.audit.find("auth.login")); n != 0 {
		t.Errorf("%d successful logins audited", n)
	}
}

func TestAuthenticateRefusesForgedOrExpiredSessions(t *testing.T) {
	e := newTestEnv(t)
	u := register(t, e, "ana@example.com", "segredo-forte")
	now := e.clock.Now()
	claims := func(exp time.Time) jwt.RegisteredClaims {
		return jwt.RegisteredClaims{Issuer: jwtIssuer, Subject: u.ID, ID: "jti-1", IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp)}
	}
	valid := claims(now.Add(time.Hour))

	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, valid).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := jwt.NewWithClaims(jwt.SigningMethodRS256, valid).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, valid).SignedString([]byte("another-secret-another-secret-0123456789"))
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, valid).SignedString(testSecret)
	expired, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(now.Add(-time.Second))).SignedString(testSecret)
	noExp, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{Issuer: jwtIssuer, Subject: u.ID}).SignedString(testSecret)
	noID := valid
	noID.ID = "" // issued before sessions could be signed out: cannot be revoked
	noJTI, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, noID).SignedString(testSecret)
	good, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, valid).SignedString(testSecret)

	if _, err := e.accounts.Authenticate(context.Background(), good); err != nil {
		t.Fatalf("control token refused: %v", err)
	}
	tests := map[string]string{
		"alg none": none, "RS256": rs, "another secret": other, "HS512": hs512,
		"expired": expired, "no expiry": noExp, "no jti": noJTI, "garbage": "abc.def.ghi", "empty": "",
	}
	for name, tok := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := e.accounts.Authenticate(context.Background(), tok)
			wantCode(t, err, domain.CodeUnauthorized)
			if got != nil {
				t.Fatal("user returned with an error")
			}
		})
	}
}

func TestSessionExpiresWithTheClock(t *testing.T) {
	e := newTestEnv(t)
	register(t, e, "ana@example.com", "segredo-forte")
	token, _, err := e.accounts.Login(context.Background(), LoginInput{Email: "ana@example.com", Password: "segredo-forte"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(61 * time.Minute) // SessionTTL is one hour
	_, err = e.accounts.Authenticate(context.Background(), token)
	wantCode(t, err, domain.CodeUnauthorized)
}

func TestDeactivatedUserLosesAccessAtOnce(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := register(t, e, "ana@example.com", "segredo-forte")
	u.Tier = domain.TierProfessional
	if err := e.users.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	session, _, err := e.accounts.Login(ctx, LoginInput{Email: "ana@example.com", Password: "segredo-forte"})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := e.accounts.CreateAPIToken(ctx, u.ID, "planilha")
	if err != nil {
		t.Fatal(err)
	}
	for _, cred := range []string{session, secret} {
		if _, err := e.accounts.Authenticate(ctx, cred); err != nil {
			t.Fatalf("before deactivation: %v", err)
		}
	}
	stored, _ := e.users.GetUser(ctx, u.ID)
	stored.Active = false
	if err := e.users.UpdateUser(ctx, stored); err != nil {
		t.Fatal(err)
	}
	for _, cred := range []string{session, secret} {
		_, err := e.accounts.Authenticate(ctx, cred)
		wantCode(t, err, domain.CodeUnauthorized)
	}
}

func TestAPITokens(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := register(t, e, "ana@example.com", "segredo-forte")

	_, _, err := e.accounts.CreateAPIToken(ctx, u.ID, "planilha")
	wantCode(t, err, domain.CodeForbidden)

	u.Tier = domain.TierProfessional
	_ = e.users.UpdateUser(ctx, u)
	secret, tok, err := e.accounts.CreateAPIToken(ctx, u.ID, "planilha")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "bf_") || len(secret) != 3+43 || !strings.HasPrefix(secret, tok.Prefix) {
		t.Fatalf("secret %q prefix %q", secret, tok.Prefix)
	}
	list, _ := e.accounts.ListAPITokens(ctx, u.ID)
	if len(list) != 1 || strings.Contains(list[0].Hash, secret) || list[0].Hash == secret {
		t.Fatalf("listed tokens %+v", list)
	}
	if got, err := e.accounts.Authenticate(ctx, secret); err != nil || got.ID != u.ID {
		t.Fatalf("authenticate token: %v", err)
	}

	t.Run("plan without API", func(t *testing.T) {
		u.Tier = domain.TierFree
		_ = e.users.UpdateUser(ctx, u)
		defer func() { u.Tier = domain.TierProfessional; _ = e.users.UpdateUser(ctx, u) }()
		_, err := e.accounts.Authenticate(ctx, secret)
		wantCode(t, err, domain.CodeForbidden)
		if !strings.Contains(domain.ErrorMessage(err), "Gratuito") {
			t.Fatalf("message does not name the plan: %q", domain.ErrorMessage(err))
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		_, err := e.accounts.Authenticate(ctx, secret+"x")
		wantCode(t, err, domain.CodeUnauthorized)
	})
	t.Run("revoked", func(t *testing.T) {
		if err := e.accounts.RevokeAPIToken(ctx, u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err := e.accounts.Authenticate(ctx, secret)
		wantCode(t, err, domain.CodeUnauthorized)
	})
}

func TestChangePassword(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := register(t, e, "ana@example.com", "segredo-forte")
	_, err := e.accounts.ChangePassword(ctx, u.ID, "errada-errada", "nova-senha-boa")
	wantCode(t, err, domain.CodeInvalid)
	_, err = e.accounts.ChangePassword(ctx, u.ID, "segredo-forte", "curta")
	wantCode(t, err, domain.CodeInvalid)
	if _, err := e.accounts.ChangePassword(ctx, u.ID, "segredo-forte", "nova-senha-boa"); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.accounts.Login(ctx, LoginInput{Email: "ana@example.com", Password: "segredo-forte"})
	wantCode(t, err, domain.CodeUnauthorized)
	if _, _, err := e.accounts.Login(ctx, LoginInput{Email: "ana@example.com", Password: "nova-senha-boa"}); err != nil {
		t.Fatal(err)
	}
}

func TestShortJWTSecretRefusesToSign(t *testing.T) {
	e := newTestEnv(t)
	register(t, e, "ana@example.com", "segredo-forte")
	e.accounts.cfg.JWTSecret = []byte("short")
	_, _, err := e.accounts.Login(context.Background(), LoginInput{Email: "ana@example.com", Password: "segredo-forte"})
	wantCode(t, err, domain.CodeInternal)
}

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := hashPassword("segredo-forte", defaultArgon)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=2,p=2$") {
		t.Fatalf("hash %q does not record the production parameters", h)
	}
	if ok, err := verifyPassword("segredo-forte", h); !ok || err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if ok, _ := verifyPassword("segredo-forte ", h); ok {
		t.Fatal("wrong password accepted")
	}
	if h2, _ := hashPassword("segredo-forte", defaultArgon); h2 == h {
		t.Fatal("two hashes of one password are equal: salt not random")
	}

	// Parameters are read back from the string, not assumed.
	cheap, _ := hashPassword("segredo-forte", argonParams{Memory: 1024, Time: 3, Threads: 1})
	if !strings.Contains(cheap, "$m=1024,t=3,p=1$") {
		t.Fatalf("hash %q", cheap)
	}
	if ok, _ := verifyPassword("segredo-forte", cheap); !ok {
		t.Fatal("hash with other parameters not verifiable")
	}
	tampered := strings.Replace(cheap, "t=3", "t=4", 1)
	if ok, _ := verifyPassword("segredo-forte", tampered); ok {
		t.Fatal("hash verified with altered parameters")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1024,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		strings.Replace(cheap, "m=1024", "m=99999999", 1)} {
		if ok, err := verifyPassword("segredo-forte", bad); ok || err == nil {
			t.Errorf("malformed hash %q: ok=%v err=%v", bad, ok, err)
		}
	}
}
