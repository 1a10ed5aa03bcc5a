package e2e

import (
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// pageClient drives the HTML pages over plain HTTP as a browser would: a
// cookie jar for the session, the CSRF token read from the pages (the
// hidden csrf_token field of forms, data-csrf on the body for scripts).
type pageClient struct {
	t    testing.TB
	base string
	http *http.Client
	csrf string // of the last signed-in page read
}

func newPageClient(t testing.TB, base string) *pageClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &pageClient{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// pageAnswer is a page's status, final path (after redirects) and body.
type pageAnswer struct {
	status int
	path   string
	body   string
}

var (
	csrfFieldRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	csrfBodyRe  = regexp.MustCompile(`data-csrf="([^"]+)"`)
)

func (c *pageClient) send(req *http.Request) pageAnswer {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	a := pageAnswer{status: resp.StatusCode, path: resp.Request.URL.RequestURI(), body: string(b)}
	if m := csrfBodyRe.FindStringSubmatch(a.body); m != nil {
		c.csrf = html.UnescapeString(m[1])
	}
	return a
}

// get reads a page, following redirects.
func (c *pageClient) get(path string) pageAnswer {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.send(req)
}

// postForm submits a url-encoded form with the CSRF token of the last page
// read, following the redirect that answers it.
func (c *pageClient) postForm(path string, form url.Values) pageAnswer {
	c.t.Helper()
	if c.csrf == "" {
		c.t.Fatalf("POST %s: no CSRF token read yet", path)
	}
	form.Set("csrf_token", c.csrf)
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.send(req)
}

// login signs in through the sign-in form and expects the dashboard.
func (c *pageClient) login(email, password string) {
	c.t.Helper()
	page := c.get("/login")
	m := csrfFieldRe.FindStringSubmatch(page.body)
	if m == nil {
		c.t.Fatalf("GET /login: no csrf_token field (status %d)", page.status)
	}
	c.csrf = html.UnescapeString(m[1])
	a := c.postForm("/login", url.Values{"email": {email}, "password": {password}, "next": {""}})
	if a.status != http.StatusOK || a.path != "/" {
		c.t.Fatalf("sign-in of %s: %d at %s, want the dashboard; page: %s", email, a.status, a.path, truncate(pageText(a.body), 300))
	}
}

// upload sends one file to POST /upload as the upload page's script does
// (multipart field "file", CSRF in the header, HX-Request).
func (c *pageClient) upload(name string, data []byte) pageAnswer {
	c.t.Helper()
	if c.csrf == "" {
		c.get("/upload")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.base+"/upload", &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.csrf)
	req.Header.Set("HX-Request", "true")
	return c.send(req)
}

// createToken creates an API token on the settings page and returns the
// secret shown once.
func (c *pageClient) createToken(name string) string {
	c.t.Helper()
	c.get("/settings")
	a := c.postForm("/settings/tokens", url.Values{"name": {name}})
	m := regexp.MustCompile(`data-secret>([^<]+)<`).FindStringSubmatch(a.body)
	if a.status != http.StatusCreated || m == nil {
		c.t.Fatalf("create token: %d, no secret on the page: %s", a.status, truncate(pageText(a.body), 300))
	}
	return strings.TrimSpace(html.UnescapeString(m[1]))
}

// findUser searches the admin's user list for email and returns the id of
// the one row found.
func (c *pageClient) findUser(email string) string {
	c.t.Helper()
	a := c.get("/admin/users?q=" + url.QueryEscape(email))
	re := regexp.MustCompile(`data-user-id="([^"]+)" data-email="` + regexp.QuoteMeta(html.EscapeString(email)) + `"`)
	m := re.FindAllStringSubmatch(a.body, -1)
	if a.status != http.StatusOK || len(m) != 1 {
		c.t.Fatalf("admin search for %s: %d, %d rows: %s", email, a.status, len(m), truncate(pageText(a.body), 300))
	}
	return m[0][1]
}

var (
	tagRe   = regexp.MustCompile(`(?s)<script.*?</script>|<[^>]+>`)
	spaceRe = regexp.MustCompile(`\s+`)
)

// pageText is the visible text of an HTML answer, for messages and
// assertions on what a person reads.
func pageText(body string) string {
	return strings.TrimSpace(spaceRe.ReplaceAllString(html.UnescapeString(tagRe.ReplaceAllString(body, " ")), " "))
}
