package e2e

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

// registerAccount creates an account through the API (no sign-in) and
// returns its e-mail, made unique as apiClient.signUp does. On the embedded
// default the first account of a server is its admin.
func registerAccount(t testing.TB, srv *server, local, name string) string {
	t.Helper()
	email := local + "-" + randomID(t) + "@e2e.test"
	c := newClient(t, srv.URL)
	if st, b := c.postJSON("/api/v1/auth/register", map[string]string{"email": email, "password": apiPassword, "name": name}); st != http.StatusCreated {
		t.Fatalf("register %s: %d %s", email, st, b)
	}
	return email
}

// ofxVariant is the OFX sample with n trailing newlines: a distinct file
// (another SHA-256, so not a duplicate) with the same statement.
func ofxVariant(t testing.TB, n int) []byte {
	t.Helper()
	data, err := os.ReadFile(ofxSample.path(t))
	if err != nil {
		t.Fatal(err)
	}
	return append(data, bytes.Repeat([]byte("\n"), n)...)
}

// wantRefused checks a refusal on one channel: the status and a message
// that names the limit and the way up.
func wantRefused(t *testing.T, channel string, status, want int, message string, parts ...string) {
	t.Helper()
	if status != want {
		t.Errorf("%s: status %d, want %d; message %q", channel, status, want, message)
	}
	for _, p := range parts {
		if !strings.Contains(message, p) {
			t.Errorf("%s: message %q does not say %q", channel, message, p)
		}
	}
}

// apiMessage is the message of an API error body.
func apiMessage(t testing.TB, body []byte) string {
	t.Helper()
	var e apiError
	mustJSON(t, body, &e)
	return e.Error.Message
}

// TestTierLimitsOnUploadAndAPI runs the free plan down to 2 files a month
// of at most 1 MB and checks that the upload page and the API (with an API
// token) refuse the same way, naming the limit and the plan to move to;
// then an admin moves the user to the professional plan on the admin page
// and the very next uploads go through on both channels.
func TestTierLimitsOnUploadAndAPI(t *testing.T) {
	t.Parallel()
	srv := startServer(t, map[string]string{
		"BANKFLOW_TIER_FREE_FILES_PER_MONTH": "2",
		"BANKFLOW_TIER_FREE_MAX_FILE_MB":     "1",
	})
	adminEmail := registerAccount(t, srv, "tier-admin", "Admin do Plano")
	userEmail := registerAccount(t, srv, "tier-user", "Usuária do Plano")

	web := newPageClient(t, srv.URL)
	web.login(userEmail, apiPassword)
	api := newClient(t, srv.URL)
	api.token = web.createToken("integração do escritório")
	web.get("/upload")

	// A file over 1 MB, while the month's quota is still untouched.
	big := ofxVariant(t, 1<<20+100<<10-len(ofxVariant(t, 0)))
	a := web.upload("grande.ofx", big)
	wantRefused(t, "POST /upload, 1.1 MB", a.status, http.StatusRequestEntityTooLarge, pageText(a.body),
		"limite de 1 MB", "plano Gratuito", "plano Profissional")
	st, b := api.uploadRaw("grande.ofx", big)
	wantRefused(t, "POST /api/v1/statements, 1.1 MB", st, http.StatusRequestEntityTooLarge, apiMessage(t, b),
		"limite de 1 MB", "plano Gratuito", "plano Profissional")

	// The two files of the month, one on each channel.
	if a := web.upload("janeiro.ofx", ofxVariant(t, 1)); a.status != http.StatusAccepted {
		t.Fatalf("1st file on POST /upload: %d %s", a.status, truncate(pageText(a.body), 300))
	}
	if st, b := api.uploadRaw("fevereiro.ofx", ofxVariant(t, 2)); st != http.StatusAccepted {
		t.Fatalf("2nd file on the API: %d %s", st, b)
	}

	// The third is refused on both.
	third := ofxVariant(t, 3)
	a = web.upload("marco.ofx", third)
	wantRefused(t, "POST /upload, 3rd file", a.status, http.StatusTooManyRequests, pageText(a.body),
		"2 arquivos do mês", "plano Gratuito", "plano Profissional")
	st, b = api.uploadRaw("marco.ofx", third)
	wantRefused(t, "POST /api/v1/statements, 3rd file", st, http.StatusTooManyRequests, apiMessage(t, b),
		"2 arquivos do mês", "plano Gratuito", "plano Profissional")
	if t.Failed() {
		t.FailNow()
	}

	// The admin moves the user up on the user's admin page.
	admin := newPageClient(t, srv.URL)
	admin.login(adminEmail, apiPassword)
	id := admin.findUser(userEmail)
	admin.get("/admin/users/" + id)
	a = admin.postForm("/admin/users/"+id+"/tier", url.Values{"tier": {"professional"}})
	if a.status != http.StatusOK || !strings.Contains(a.body, `data-tier="professional"`) {
		t.Fatalf("tier change: %d at %s: %s", a.status, a.path, truncate(pageText(a.body), 300))
	}

	// At once: the third file and the big one go through.
	if a := web.upload("marco.ofx", third); a.status != http.StatusAccepted {
		t.Errorf("3rd file on POST /upload after the upgrade: %d %s", a.status, truncate(pageText(a.body), 300))
	}
	if st, b := api.uploadRaw("grande.ofx", big); st != http.StatusAccepted {
		t.Errorf("1.1 MB file on the API after the upgrade: %d %s", st, b)
	}
}
