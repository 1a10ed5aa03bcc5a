package domain

import (
	"context"
	"io"
)

// Input is one statement file as it arrived.
type Input struct {
	Name string // the user's file name; a hint only, never trusted
	Data []byte // the whole file, already bounded by the caller's size limit
	Bank string // optional bank slug forced by the user (--bank); "" to detect
}

// StatementReader detects the format of a file and reads every statement in it
// (one per account). Errors are *Error with CodeUnsupported (unknown or
// unreadable format, message saying what was recognised and what is supported)
// or CodeInvalid (recognised but broken beyond recovery).
type StatementReader interface {
	Read(ctx context.Context, in Input) ([]Statement, error)
}

// ExportFormat names an output format.
type ExportFormat string

// The output formats.
const (
	ExportXLSX ExportFormat = "xlsx"
	ExportCSV  ExportFormat = "csv"
	ExportOFX  ExportFormat = "ofx"
	ExportJSON ExportFormat = "json"
)

// Exporter writes statements in one output format.
type Exporter interface {
	Format() ExportFormat
	ContentType() string
	// Export writes stmts to w. Errors are I/O errors of w.
	Export(w io.Writer, stmts []Statement) error
}
