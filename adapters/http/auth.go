package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	nethttp "net/http"
	"strconv"
	"time"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// userJSON is a user as the API shows it. It deliberately has no password
// hash, inbox token or other secret: add fields here, never serialize
// domain.User directly.
type userJSON struct {
	ID        string     `json:"id"`
	Email     string     `json:"email"`
	Name      string     `json:"name"`
	Company   string     `json:"company,omitempty"`
	Tier      string     `json:"tier"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"created_at"`
	LastLogin *time.Time `json:"last_login"`
}

func newUserJSON(u *domain.User) userJSON {
	return userJSON{
		ID:        u.ID,
		Email:     u.Email,
		Name:      u.Name,
		Company:   u.Company,
		Tier:      string(u.Tier),
		Role:      string(u.Role),
		CreatedAt: u.CreatedAt.UTC(),
		LastLogin: utcPtr(u.LastLogin),
	}
}

type registerRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
	Company  string `json:"company"`
}

// handleRegister creates an account: 201 {"user": {...}}; 400 for an invalid
// e-mail, password or name; 409 when the e-mail is taken.
func (s *Server) handleRegister(w nethttp.ResponseWriter, r *nethttp.Request) {
	var req registerRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	u, err := s.accounts.Register(r.Context(), application.RegisterInput{
		Email:    req.Email,
		Password: req.Password,
		Name:     req.Name,
		Company:  req.Company,
		IP:       s.clientIP(r),
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	writeJSON(w, nethttp.StatusCreated, map[string]any{"user": newUserJSON(u)})
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// handleLogin exchanges e-mail and password for a session token:
// 200 {"token": "...", "user": {...}}; 401 with one message for every
// failure (no account enumeration); 429 past the login rate limit.
func (s *Server) handleLogin(w nethttp.ResponseWriter, r *nethttp.Request) {
	var req loginRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	ip := s.clientIP(r)
	key := ip + "|" + domain.NormalizeEmail(req.Email)
	if !s.allowLogin(w, r, key) {
		return
	}
	token, u, err := s.accounts.Login(r.Context(), application.LoginInput{
		Email:    req.Email,
		Password: req.Password,
		IP:       ip,
	})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.loginSucceeded(r, key)
	writeJSON(w, nethttp.StatusOK, map[string]any{
		"token":      token,
		"token_type": "Bearer",
		"user":       newUserJSON(u),
	})
}

// handleAPILogout ends the session of the Bearer session token at once, on
// every server: POST /api/v1/auth/logout → 204. The token is refused from
// then on; 400 for an API token (revoke those in the settings).
func (s *Server) handleAPILogout(w nethttp.ResponseWriter, r *nethttp.Request) {
	token, _ := bearerToken(r)
	if err := s.accounts.Logout(r.Context(), token); err != nil {
		s.renderError(w, r, err)
		return
	}
	w.WriteHeader(nethttp.StatusNoContent)
}

// allowLogin applies the login limiter, answering 429 when the key is over
// its limit.
func (s *Server) allowLogin(w nethttp.ResponseWriter, r *nethttp.Request, key string) bool {
	if s.loginAllowed(w, r, key) {
		return true
	}
	writeError(w, r, nethttp.StatusTooManyRequests, domain.CodeQuota, msgTooManyLogins)
	return false
}

// loginSucceeded clears the key's attempts, so only failures count.
func (s *Server) loginSucceeded(r *nethttp.Request, key string) {
	if s.limiter == nil {
		return
	}
	if err := s.limiter.Reset(r.Context(), key); err != nil {
		s.log.WarnContext(r.Context(), "login limiter reset failed",
			slog.String("request_id", RequestID(r.Context())), slog.Any("error", err))
	}
}

// loginAllowed records a sign-in attempt with the limiter and reports
// whether it may go ahead; when not, it sets Retry-After. A limiter that
// fails (Redis down) lets the attempt through: the password check still
// stands, and locking everyone out would be worse.
func (s *Server) loginAllowed(w nethttp.ResponseWriter, r *nethttp.Request, key string) bool {
	if s.limiter == nil {
		return true
	}
	ok, retryAfter, err := s.limiter.Allow(r.Context(), key)
	if err != nil {
		s.log.WarnContext(r.Context(), "login limiter failed; allowing attempt",
			slog.String("request_id", RequestID(r.Context())), slog.Any("error", err))
		return true
	}
	if ok {
		return true
	}
	if retryAfter > 0 {
		secs := int((retryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	return false
}

// decodeJSON reads a bounded JSON body into dst, answering the error itself
// (415 for another media type, 413 past the cap, 400 for broken JSON) and
// returning false when it did.
func (s *Server) decodeJSON(w nethttp.ResponseWriter, r *nethttp.Request, dst any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			writeError(w, r, nethttp.StatusUnsupportedMediaType, domain.CodeUnsupported, msgJSONType)
			return false
		}
	}
	dec := json.NewDecoder(nethttp.MaxBytesReader(w, r.Body, s.maxJSON))
	err := dec.Decode(dst)
	if err == nil {
		// Exactly one JSON value: trailing garbage is an error too.
		if err = dec.Decode(&struct{}{}); errors.Is(err, io.EOF) {
			return true
		}
		if err == nil {
			err = errors.New("more than one JSON value")
		}
	}
	if isBodyTooLarge(err) {
		writeError(w, r, nethttp.StatusRequestEntityTooLarge, domain.CodeInvalid, msgBodyTooLarge)
		return false
	}
	writeError(w, r, nethttp.StatusBadRequest, domain.CodeInvalid, msgBadJSON)
	return false
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
