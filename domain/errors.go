package domain

import (
	"errors"
	"fmt"
)

// Code classifies an error for the edges: each adapter maps it once
// (HTTP status, CLI exit code, e-mail reply).
type Code string

// The error codes.
const (
	CodeInvalid      Code = "invalid"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeUnauthorized Code = "unauthorized"
	CodeForbidden    Code = "forbidden"
	CodeQuota        Code = "quota"
	CodeUnsupported  Code = "unsupported"
	CodeUnavailable  Code = "unavailable"
	CodeInternal     Code = "internal"
)

// Error is the one error type the domain and application return to the
// edges. Message is for the user, in Brazilian Portuguese; Err is the cause,
// for logs.
type Error struct {
	Code    Code
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted user message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with a user message and a cause.
func Wrap(code Code, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode returns the code of err, CodeInternal for a foreign error and ""
// for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user message of err, or a generic one for
// internal errors whose text must not reach users.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Erro interno. Tente novamente em instantes."
}

// Sentinels callers branch on.
var (
	ErrNotFound = &Error{Code: CodeNotFound, Message: "Não encontrado."}
	ErrConflict = &Error{Code: CodeConflict, Message: "Conflito com o estado atual."}
)

// Is lets errors.Is match any *Error of the same code against the sentinels.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && (t == ErrNotFound || t == ErrConflict) && t.Code == e.Code
}
