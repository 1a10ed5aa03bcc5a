package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	nethttp "net/http"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// errorBody is the JSON shape of every error response:
//
//	{"error": {"code": "not_found", "message": "Não encontrado.", "request_id": "..."}}
//
// code is the stable domain.Code; message is for people, in Brazilian
// Portuguese.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      domain.Code `json:"code"`
	Message   string      `json:"message"`
	RequestID string      `json:"request_id,omitempty"`
}

// statusOf maps a domain error code to an HTTP status. It is the only place
// where that mapping lives.
//
// Choices worth knowing:
//   - invalid → 400: the request (or the file in it) is wrong; the message
//     says what to fix. Files and bodies over a size limit are answered 413
//     by the handlers that detect them (statement.go, decodeJSON), with the
//     code and message of the error.
//   - quota → 429: the plan's monthly files or concurrent jobs are used up.
//     Clients treat it as "limit reached: wait or upgrade"; the message names
//     the plan. Login rate limiting also answers 429.
//   - unsupported → 415: the media type or file format is not one we read.
//   - unavailable → 503: a dependency (database, queue, file store) is down;
//     nothing was half-written and the client may retry.
func statusOf(code domain.Code) int {
	switch code {
	case domain.CodeInvalid:
		return nethttp.StatusBadRequest
	case domain.CodeUnauthorized:
		return nethttp.StatusUnauthorized
	case domain.CodeForbidden:
		return nethttp.StatusForbidden
	case domain.CodeNotFound:
		return nethttp.StatusNotFound
	case domain.CodeConflict:
		return nethttp.StatusConflict
	case domain.CodeQuota:
		return nethttp.StatusTooManyRequests
	case domain.CodeUnsupported:
		return nethttp.StatusUnsupportedMediaType
	case domain.CodeUnavailable:
		return nethttp.StatusServiceUnavailable
	default:
		return nethttp.StatusInternalServerError
	}
}

// statusError is an error the adapter itself detects, with its own status
// (413 for a body past the cap): renderError answers it as it is.
type statusError struct {
	status  int
	code    domain.Code
	message string
}

func (e *statusError) Error() string { return e.message }

// renderError answers err with the status of its code: JSON for the API, an
// HTML page (or fragment, for HTMX) for the pages. Internal errors are logged
// here, once, with the request id, and their text never reaches the client;
// unavailable errors are logged as warnings.
func (s *Server) renderError(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	var se *statusError
	if errors.As(err, &se) {
		s.fail(w, r, se.status, se.code, se.message)
		return
	}
	code := domain.ErrorCode(err)
	status := statusOf(code)
	switch {
	case status >= 500 && code != domain.CodeUnavailable:
		s.log.ErrorContext(r.Context(), "request failed",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Any("error", err))
		code = domain.CodeInternal
	case code == domain.CodeUnavailable:
		s.log.WarnContext(r.Context(), "dependency unavailable",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	s.fail(w, r, status, code, domain.ErrorMessage(err))
}

// fail answers an error with an explicit status: JSON on the API and the
// probes, the pt-BR error page everywhere else.
func (s *Server) fail(w nethttp.ResponseWriter, r *nethttp.Request, status int, code domain.Code, message string) {
	if isAPIPath(r.URL.Path) || s.views == nil {
		writeError(w, r, status, code, message)
		return
	}
	s.renderErrorPage(w, r, status, code, message)
}

// isAPIPath tells machine endpoints (JSON errors) from pages (HTML errors).
func isAPIPath(p string) bool {
	return p == apiPrefix || strings.HasPrefix(p, apiPrefix+"/") ||
		p == "/health" || p == "/ready" || p == "/metrics" || strings.HasPrefix(p, staticPrefix)
}

// writeError writes the error JSON with an explicit status, for errors that
// arise in the adapter itself (413, 405, rate limits).
func writeError(w nethttp.ResponseWriter, r *nethttp.Request, status int, code domain.Code, message string) {
	if status == nethttp.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="bankflow"`)
	}
	writeJSON(w, status, errorBody{Error: errorDetail{
		Code:      code,
		Message:   message,
		RequestID: RequestID(r.Context()),
	}})
}

// writeJSON writes v as the JSON body with status.
func writeJSON(w nethttp.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing left to tell it
}

// Adapter-level messages, in one place so tests and pages share them.
const (
	msgNotFound         = "Endereço não encontrado."
	msgMethodNotAllowed = "Método não permitido para este endereço."
	msgBadJSON          = "Corpo da requisição inválido: envie um JSON válido."
	msgJSONType         = "Envie o corpo como application/json."
	msgBodyTooLarge     = "O corpo da requisição é grande demais."
	msgLoginRequired    = "Faça login para continuar: envie o cabeçalho Authorization: Bearer <token>."
	msgTooManyLogins    = "Muitas tentativas de login. Aguarde alguns minutos e tente de novo."
	msgInternal         = "Erro interno. Tente novamente em instantes."
	msgBadCSRF          = "Não foi possível confirmar que este envio veio desta página (token de segurança ausente ou inválido). Recarregue a página e tente de novo."
)

// isBodyTooLarge reports whether err comes from a body cut by
// http.MaxBytesReader.
func isBodyTooLarge(err error) bool {
	var mbe *nethttp.MaxBytesError
	return errors.As(err, &mbe)
}
