package application

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// Statements is the statement engine as every channel sees it: read a file
// into verified statements, and write statements in an output format. The
// web upload, the e-mail inbox, the API and `bankflow convert` all go
// through it.
type Statements struct {
	reader    domain.StatementReader
	exporters map[domain.ExportFormat]domain.Exporter
}

// NewStatements returns the engine over a reader (format detection and
// parsers) and the exporters it offers; a later exporter of the same format
// replaces an earlier one.
func NewStatements(r domain.StatementReader, ex ...domain.Exporter) *Statements {
	s := &Statements{reader: r, exporters: make(map[domain.ExportFormat]domain.Exporter, len(ex))}
	for _, e := range ex {
		s.exporters[e.Format()] = e
	}
	return s
}

// Read detects and parses in, then completes and proves each statement:
// the period from the transactions when the file gave none, opening and
// closing balances from printed running or daily balances, and the
// reconciliation. Errors are the reader's *domain.Error: CodeUnsupported for
// a file no parser recognises, CodeInvalid for a recognised but unreadable
// one.
func (s *Statements) Read(ctx context.Context, in domain.Input) ([]domain.Statement, error) {
	stmts, err := s.reader.Read(ctx, in)
	if err != nil {
		return nil, err
	}
	for i := range stmts {
		st := &stmts[i]
		st.FillPeriod()
		domain.DeriveBalances(st)
		domain.Reconcile(st)
	}
	return stmts, nil
}

// Formats lists the output formats offered, sorted.
func (s *Statements) Formats() []domain.ExportFormat {
	out := make([]domain.ExportFormat, 0, len(s.exporters))
	for f := range s.exporters {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// Exporter returns the exporter of format, or CodeInvalid when none is
// offered (so callers can set a content type before writing).
func (s *Statements) Exporter(format domain.ExportFormat) (domain.Exporter, error) {
	e, ok := s.exporters[format]
	if !ok {
		names := make([]string, 0, len(s.exporters))
		for _, f := range s.Formats() {
			names = append(names, string(f))
		}
		return nil, domain.Errorf(domain.CodeInvalid, "Formato de saída %q não suportado. Use um destes: %s.",
			string(format), strings.Join(names, ", "))
	}
	return e, nil
}

// Export writes stmts to w in format. Errors: CodeInvalid for a format not
// offered; otherwise the writer's error, wrapped.
func (s *Statements) Export(ctx context.Context, w io.Writer, format domain.ExportFormat, stmts []domain.Statement) error {
	e, err := s.Exporter(format)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := e.Export(w, stmts); err != nil {
		return fmt.Errorf("export %s: %w", format, err)
	}
	return nil
}
