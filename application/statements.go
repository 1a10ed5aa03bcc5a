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

// Converted is a statement as Convert wrote it: everything but its
// transactions, and how many there were.
type Converted struct {
	domain.Statement
	Count int
}

// Convert reads in and writes it to w in format. When the reader streams
// and the exporter writes as it receives (XLSX, CSV, OFX), each transaction
// goes from the parser to the output as it is read and no statement is ever
// held whole; otherwise (JSON) the statements are read, then exported. It
// returns what was converted, for a report. in.Data must not change while
// Convert runs. On error w may hold a partial output, which the caller
// discards. Errors are Read's and Export's.
func (s *Statements) Convert(ctx context.Context, in domain.Input, w io.Writer, format domain.ExportFormat) ([]Converted, error) {
	e, err := s.Exporter(format)
	if err != nil {
		return nil, err
	}
	se, canWrite := e.(domain.StreamExporter)
	sr, canRead := s.reader.(domain.StreamReader)
	if !canWrite || !canRead {
		stmts, err := s.Read(ctx, in)
		if err != nil {
			return nil, err
		}
		if err := s.Export(ctx, w, format, stmts); err != nil {
			return nil, err
		}
		out := make([]Converted, len(stmts))
		for i := range stmts {
			out[i] = Converted{Statement: stmts[i], Count: len(stmts[i].Transactions)}
			out[i].Transactions = nil
		}
		return out, nil
	}
	sink, err := se.Sink(w)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", format, err)
	}
	t := &tally{sink: sink}
	err = sr.Stream(ctx, in, t)
	if cerr := sink.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("export %s: %w", format, cerr)
	}
	if err != nil {
		return nil, err
	}
	return t.done, nil
}

// tally passes a stream on and keeps what a report needs.
type tally struct {
	sink domain.StatementSink
	n    int
	done []Converted
}

func (t *tally) Begin(ctx context.Context, st *domain.Statement) error {
	t.n = 0
	return t.sink.Begin(ctx, st)
}

func (t *tally) Add(tx domain.Transaction) error {
	t.n++
	return t.sink.Add(tx)
}

func (t *tally) End(st *domain.Statement) error {
	c := Converted{Statement: *st, Count: t.n}
	c.Transactions = nil
	t.done = append(t.done, c)
	return t.sink.End(st)
}
