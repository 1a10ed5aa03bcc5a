package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// signIn fills the sign-in form; the caller waits for what should follow.
func (tb *tab) signIn(email, password string) {
	tb.t.Helper()
	tb.open("/login", "form#login-form")
	tb.do(
		chromedp.SendKeys(chromedp.CSS(`#login-email`), email),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), password),
		chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)),
	)
}

// auditEntry is one row of the admin's audit page.
type auditEntry struct {
	Action string `json:"action"`
	Actor  string `json:"actor"`
	Target string `json:"target"`
	IP     string `json:"ip"`
	Detail string `json:"detail"`
}

// auditRows reads the rows of the audit table whose target is target,
// newest first as the page lists them.
func (tb *tab) auditRows(target string) []auditEntry {
	tb.t.Helper()
	return eval[[]auditEntry](tb, fmt.Sprintf(`Array.from(document.querySelectorAll("table#audit tbody tr[data-action]"))
		.filter(r => r.dataset.target === %q)
		.map(r => ({action: r.dataset.action, actor: r.dataset.actor, target: r.dataset.target,
			ip: r.querySelector("td.audit-ip").textContent.trim(), detail: r.querySelector("td.audit-detail").textContent.trim()}))`, target))
}

// TestAdminLocksOutUser is an admin's day, in Chromium: the first account
// of a fresh install is the admin; a client signs in (their own browser)
// and creates an API token; the admin searches for the client's e-mail,
// opens their page, moves them from the free to the professional plan and
// deactivates them. The client's open session is sent to the sign-in page
// at their next click, their API token gets 401 and signing in again is
// refused. The audit page shows the sign-in, the plan change (before →
// after), the deactivation and the refused sign-in, in that order.
func TestAdminLocksOutUser(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)

	admin := newTab(t, srv, 1280, 900)
	admin.signUp("Admin Geral", "admin-"+randomID(t)+"@e2e.test", uiPassword)
	if !eval[bool](admin, `!!document.querySelector('#nav-menu a[href="/admin"]')`) {
		t.Fatal("the first account of a fresh install has no Administração link")
	}

	// The client: registered second (a regular user), signed in in their
	// own browser context, with an API token made on the settings page.
	userEmail := registerAccount(t, srv, "cliente", "Cliente Desligada")
	user := newTab(t, srv, 1280, 900)
	user.signIn(userEmail, apiPassword)
	user.waitJS("the client's dashboard", `location.pathname === "/" && !!document.querySelector("#usage")`, 15*time.Second)
	if eval[bool](user, `!!document.querySelector('#nav-menu a[href="/admin"]')`) {
		t.Error("a regular user sees the Administração link")
	}
	user.open("/settings", "form#token-form")
	user.do(
		chromedp.SendKeys(chromedp.CSS(`#token-name`), "integração"),
		chromedp.Click(chromedp.CSS(`#token-form button[type=submit]`)),
	)
	user.waitJS("the new token's secret", `!!document.querySelector("#new-token [data-secret]")`, 15*time.Second)
	api := newClient(t, srv.URL)
	api.token = strings.TrimSpace(eval[string](user, `document.querySelector("#new-token [data-secret]").textContent`))
	if st, b := api.do(http.MethodGet, "/api/v1/jobs", "", nil); st != http.StatusOK {
		t.Fatalf("the new API token: GET /api/v1/jobs %d %s", st, b)
	}

	// The admin finds the client with the search form (HTMX swaps the list
	// and pushes the URL).
	admin.do(chromedp.Click(chromedp.CSS(`#nav-menu a[href="/admin"]`)))
	admin.waitJS("the users list", `location.pathname === "/admin/users" && !!document.querySelector("form#user-search")`, 15*time.Second)
	if n := eval[int](admin, `document.querySelectorAll("table#users tbody tr[data-user-id]").length`); n != 2 {
		t.Errorf("users list: %d rows before the search, want 2", n)
	}
	admin.do(
		chromedp.SendKeys(chromedp.CSS(`#user-q`), userEmail),
		chromedp.Click(chromedp.CSS(`#user-search button[type=submit]`)),
	)
	admin.waitJS("one row for "+userEmail, fmt.Sprintf(
		`(() => { const rows = document.querySelectorAll("table#users tbody tr[data-user-id]"); return rows.length === 1 && rows[0].dataset.email === %q && location.search.includes("q="); })()`,
		userEmail), 15*time.Second)
	userID := eval[string](admin, `document.querySelector("table#users tbody tr[data-user-id]").dataset.userId`)
	admin.do(chromedp.Click(chromedp.CSS(`table#users a.user-link`)))
	admin.waitJS("the client's admin page", fmt.Sprintf(`location.pathname === %q && !!document.querySelector("form#tier-form")`, "/admin/users/"+userID), 15*time.Second)
	if got := eval[string](admin, `document.querySelector("#user-tier").dataset.tier`); got != "free" {
		t.Fatalf("the client starts on plan %q, want free", got)
	}

	// Free → professional, through the page's own form.
	admin.do(
		chromedp.SetValue(chromedp.CSS(`#tier-select`), "professional"),
		chromedp.Click(chromedp.CSS(`#tier-form button[type=submit]`)),
	)
	admin.waitJS("the plan shown as professional", `location.search.includes("ok=tier") && document.querySelector("#user-tier")?.dataset.tier === "professional"`, 15*time.Second)

	// Deactivate.
	admin.do(chromedp.Click(chromedp.CSS(`#active-form button#deactivate`)))
	admin.waitJS("the account shown as inactive", `location.search.includes("ok=deactivated") && document.querySelector("#user-status")?.dataset.active === "false" && !!document.querySelector("#active-form button#activate")`, 15*time.Second)

	// The client's open session is refused at the next click.
	user.do(chromedp.Click(chromedp.CSS(`#nav-menu a[href="/upload"]`)))
	user.waitJS("the sign-in page", `location.pathname === "/login" && !!document.querySelector("form#login-form")`, 15*time.Second)
	if eval[bool](user, `!!document.querySelector("#file-input") || !!document.querySelector("#nav-menu")`) {
		t.Error("after deactivation the client still sees a signed-in page")
	}
	if st, b := api.do(http.MethodGet, "/api/v1/jobs", "", nil); st != http.StatusUnauthorized {
		t.Errorf("the API token after deactivation: GET /api/v1/jobs %d %s, want 401", st, b)
	}
	if st, b := api.uploadRaw("extrato.ofx", ofxVariant(t, 1)); st != http.StatusUnauthorized {
		t.Errorf("the API token after deactivation: upload %d %s, want 401", st, b)
	}
	user.signIn(userEmail, apiPassword)
	user.waitJS("the sign-in refused", `location.pathname === "/login" && (document.querySelector("#form-error")?.textContent || "").trim() !== ""`, 15*time.Second)
	if msg := eval[string](user, `document.querySelector("#form-error").textContent.trim()`); msg != "E-mail ou senha incorretos." {
		t.Errorf("sign-in of a deactivated account says %q", msg)
	}

	// The audit page, newest first: the refused sign-in, the deactivation,
	// the plan change, the client's sign-in (and their registration).
	admin.do(chromedp.Click(chromedp.CSS(`nav[aria-label="Administração"] a[href="/admin/audit"]`)))
	admin.waitJS("the audit page", `location.pathname === "/admin/audit" && !!document.querySelector("table#audit")`, 15*time.Second)
	rows := admin.auditRows(userID)
	var actions []string
	for _, r := range rows {
		actions = append(actions, r.Action)
	}
	want := []string{"auth.login_failed", "admin.user.active", "admin.user.tier", "auth.login", "auth.register"}
	if strings.Join(actions, " ") != strings.Join(want, " ") {
		t.Fatalf("audit rows for the client, newest first: %v, want %v\n%+v", actions, want, rows)
	}
	failed, active, tier, login := rows[0], rows[1], rows[2], rows[3]
	if login.Actor != userID || login.IP == "" {
		t.Errorf("sign-in row: actor %q ip %q, want the client and an IP", login.Actor, login.IP)
	}
	for _, r := range []auditEntry{tier, active} {
		if r.Actor == "" || r.Actor == userID || r.IP == "" {
			t.Errorf("%s row: actor %q ip %q, want the admin and an IP", r.Action, r.Actor, r.IP)
		}
	}
	for _, c := range []struct {
		row  auditEntry
		want []string
	}{
		{tier, []string{`"before":{"tier":"free"}`, `"after":{"tier":"professional"}`, userEmail}},
		{active, []string{`"before":{"active":true}`, `"after":{"active":false}`, userEmail}},
		{failed, []string{`"reason":"inactive"`}},
	} {
		for _, w := range c.want {
			if !strings.Contains(c.row.Detail, w) {
				t.Errorf("%s row: detail %q lacks %q", c.row.Action, c.row.Detail, w)
			}
		}
	}

	// The filter keeps only admin actions: both steps are there.
	admin.do(
		chromedp.SetValue(chromedp.CSS(`#audit-action`), "admin."),
		chromedp.Click(chromedp.CSS(`#audit-filter button[type=submit]`)),
	)
	admin.waitJS("the admin actions", `location.search.includes("action=admin.") && Array.from(document.querySelectorAll("table#audit tbody tr[data-action]")).every(r => r.dataset.action.startsWith("admin."))`, 15*time.Second)
	rows = admin.auditRows(userID)
	if len(rows) != 2 || rows[0].Action != "admin.user.active" || rows[1].Action != "admin.user.tier" {
		t.Errorf("audit filtered to admin actions, rows for the client: %+v", rows)
	}
}
