package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	nethttp "net/http"
)

// CSRF protection. A signed-in page's token is an HMAC keyed by the session
// JWT: only a page rendered for that session knows it (the JWT cookie is
// HttpOnly), it needs no server-side state and holds on every node. Before
// sign-in (the login and sign-up forms) the key is a random value in the
// bf_csrf cookie instead. Forms send the token in the hidden field
// csrf_token; htmx and app.js send it in the X-CSRF-Token header.
const (
	csrfCookie = "bf_csrf"
	csrfField  = "csrf_token"
	csrfHeader = "X-CSRF-Token"
	// maxFormBytes caps url-encoded page forms.
	maxFormBytes = 64 << 10
)

// csrfToken derives the token of a key (a session JWT or the bf_csrf value).
func csrfToken(key string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte("bankflow csrf v1"))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// validCSRF checks the token a state-changing request carries, in the
// header or, for a url-encoded form, in the csrf_token field. Multipart
// bodies (uploads) are never parsed for it: they must use the header.
func (s *Server) validCSRF(r *nethttp.Request, key string) bool {
	if key == "" {
		return false
	}
	got := r.Header.Get(csrfHeader)
	if got == "" && isURLEncodedForm(r) {
		r.Body = nethttp.MaxBytesReader(nil, r.Body, maxFormBytes)
		if err := r.ParseForm(); err == nil {
			got = r.PostForm.Get(csrfField)
		}
	}
	want := csrfToken(key)
	return got != "" && hmac.Equal([]byte(got), []byte(want))
}

func isURLEncodedForm(r *nethttp.Request) bool {
	ct := r.Header.Get("Content-Type")
	return len(ct) >= 33 && ct[:33] == "application/x-www-form-urlencoded"
}

// anonymousCSRF returns the CSRF token of a visitor who is not signed in,
// setting the bf_csrf cookie it derives from when there is none.
func anonymousCSRF(w nethttp.ResponseWriter, r *nethttp.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 20 {
		return csrfToken(c.Value)
	}
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	v := base64.RawURLEncoding.EncodeToString(b[:])
	nethttp.SetCookie(w, &nethttp.Cookie{
		Name: csrfCookie, Value: v, Path: "/",
		HttpOnly: true, SameSite: nethttp.SameSiteLaxMode, Secure: secureRequest(r),
	})
	return csrfToken(v)
}

// anonymousCSRFValid checks the token of a sign-in or sign-up form against
// the bf_csrf cookie.
func (s *Server) anonymousCSRFValid(r *nethttp.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 20 {
		return false
	}
	return s.validCSRF(r, c.Value)
}
