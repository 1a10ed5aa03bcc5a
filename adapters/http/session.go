package web

import (
	"context"
	nethttp "net/http"
	"net/url"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// sessionCookie carries the session JWT of a signed-in browser.
const sessionCookie = "bf_session"

// ctxSession holds the session JWT of a page request (it keys the CSRF
// token).
const ctxSession ctxKey = 100

// sessionToken returns the session JWT of a page request, "" outside one.
func sessionToken(ctx context.Context) string {
	t, _ := ctx.Value(ctxSession).(string)
	return t
}

// secureRequest reports whether the browser talks to us over TLS, directly
// or through a proxy that says so.
func secureRequest(r *nethttp.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// setSession stores the session JWT in an HttpOnly, SameSite=Lax cookie
// that lives as long as a browser session (the JWT expires on its own).
func setSession(w nethttp.ResponseWriter, r *nethttp.Request, token string) {
	nethttp.SetCookie(w, &nethttp.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		HttpOnly: true, SameSite: nethttp.SameSiteLaxMode, Secure: secureRequest(r),
	})
}

// clearSession removes the session cookie.
func clearSession(w nethttp.ResponseWriter, r *nethttp.Request) {
	nethttp.SetCookie(w, &nethttp.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: nethttp.SameSiteLaxMode, Secure: secureRequest(r),
	})
}

// cookieSession returns the session JWT of the request's cookie. API token
// secrets are never accepted from a cookie.
func cookieSession(r *nethttp.Request) (string, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || strings.HasPrefix(c.Value, apiTokenPrefix) {
		return "", false
	}
	return c.Value, true
}

// requireSession guards a page: the session cookie is re-authenticated on
// every request through Accounts.Authenticate (a deactivated user is out at
// once), then the CSRF token is checked on state-changing methods. An
// anonymous visitor is sent to /login?next=<this page> (303); an HTMX
// request gets HX-Redirect so the whole page moves, not a fragment.
func (s *Server) requireSession(next nethttp.HandlerFunc) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		token, ok := cookieSession(r)
		var u *domain.User
		if ok {
			var err error
			u, err = s.accounts.Authenticate(r.Context(), token)
			if err != nil && domain.ErrorCode(err) != domain.CodeUnauthorized {
				s.renderError(w, r, err) // the store is down: say so, keep the cookie
				return
			}
			if err != nil {
				clearSession(w, r)
			}
		}
		if u == nil {
			s.toLogin(w, r)
			return
		}
		if rec, ok := r.Context().Value(ctxRecorder).(*recorder); ok {
			rec.user = u.ID
		}
		ctx := context.WithValue(r.Context(), ctxUser, u)
		ctx = context.WithValue(ctx, ctxSession, token)
		r = r.WithContext(ctx)
		if !safeMethod(r.Method) && !s.validCSRF(r, token) {
			s.fail(w, r, nethttp.StatusForbidden, domain.CodeForbidden, msgBadCSRF)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// toLogin sends an anonymous visitor to the sign-in page, remembering where
// they were going (GET only: a form post cannot be replayed).
func (s *Server) toLogin(w nethttp.ResponseWriter, r *nethttp.Request) {
	target := "/login"
	if r.Method == nethttp.MethodGet && r.URL.Path != "/" {
		back := r.URL.Path
		if r.URL.RawQuery != "" {
			back += "?" + r.URL.RawQuery
		}
		if isHTMX(r) {
			back = r.Header.Get("HX-Current-URL")
			if u, err := url.Parse(back); err == nil {
				back = u.RequestURI()
			}
		}
		if safeNext(back) != "/" {
			target += "?next=" + url.QueryEscape(back)
		}
	}
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(nethttp.StatusUnauthorized)
		return
	}
	nethttp.Redirect(w, r, target, nethttp.StatusSeeOther)
}

// safeNext keeps a post-login destination on this site: a local absolute
// path, never "//host" or a scheme; "/" otherwise.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n\t") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

func safeMethod(m string) bool {
	return m == nethttp.MethodGet || m == nethttp.MethodHead || m == nethttp.MethodOptions
}
