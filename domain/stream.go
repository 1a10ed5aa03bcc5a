package domain

import (
	"context"
	"io"
)

// StatementSink receives statements as a parser reads them, so neither the
// parser nor the exporter has to hold every transaction: for each statement
// of a file, Begin once, Add for each transaction in the order of the file,
// then End once. Statements follow one another; they never interleave.
type StatementSink interface {
	// Begin announces a statement with what is known before its first
	// transaction: bank, format, parser, account, period as the file
	// declares it. Transactions is empty.
	Begin(ctx context.Context, st *Statement) error
	// Add hands on one transaction. The sink must not keep t's address.
	Add(t Transaction) error
	// End closes the statement with everything known at its end: the
	// account, period, balances, row summary, warnings and reconciliation.
	// Its Transactions are empty: they were handed to Add.
	End(st *Statement) error
}

// StreamReader detects the format of a file and streams every statement in
// it into a sink, completed and reconciled as StatementReader.Read would
// return them. Its errors are those of Read, or the sink's own (returned as
// they are). A failure may come after some statements or transactions were
// handed on: the sink's owner must then discard what it received.
type StreamReader interface {
	Stream(ctx context.Context, in Input, sink StatementSink) error
}

// Collect is a StatementSink that builds the statements in memory, for the
// callers of the slice-based API.
type Collect struct {
	Statements []Statement
	txs        []Transaction
	open       bool
}

var _ StatementSink = (*Collect)(nil)

// Begin implements StatementSink.
func (c *Collect) Begin(_ context.Context, st *Statement) error {
	c.txs = st.Transactions[:0:0]
	c.open = true
	return nil
}

// Add implements StatementSink.
func (c *Collect) Add(t Transaction) error {
	c.txs = append(c.txs, t)
	return nil
}

// End implements StatementSink.
func (c *Collect) End(st *Statement) error {
	s := *st
	s.Transactions = c.txs
	c.txs, c.open = nil, false
	c.Statements = append(c.Statements, s)
	return nil
}

// Replay hands already-built statements to a sink, for parsers that cannot
// read incrementally. End receives each statement without its transactions.
func Replay(ctx context.Context, stmts []Statement, sink StatementSink) error {
	for i := range stmts {
		head := stmts[i]
		head.Transactions = nil
		if err := sink.Begin(ctx, &head); err != nil {
			return err
		}
		for _, t := range stmts[i].Transactions {
			if err := sink.Add(t); err != nil {
				return err
			}
		}
		tail := stmts[i]
		tail.Transactions = nil
		if err := sink.End(&tail); err != nil {
			return err
		}
	}
	return nil
}

// ExportSink is a StatementSink that writes one export as the statements
// arrive. Close completes the output (the parts written last: a summary, a
// trailer, the end of an archive); after a failed Add or End the output is
// incomplete and must be discarded.
type ExportSink interface {
	StatementSink
	// Close completes the output. Errors are I/O errors of the writer.
	Close() error
}

// StreamExporter is an Exporter that can write statements as they arrive,
// without holding their transactions.
type StreamExporter interface {
	Exporter
	// Sink returns a sink writing to w.
	Sink(w io.Writer) (ExportSink, error)
}

// ExportAll writes stmts through a streaming exporter's sink: the
// slice-based Export of a StreamExporter, on the same path as a stream.
func ExportAll(ctx context.Context, e StreamExporter, w io.Writer, stmts []Statement) error {
	sink, err := e.Sink(w)
	if err != nil {
		return err
	}
	if err := Replay(ctx, stmts, sink); err != nil {
		sink.Close()
		return err
	}
	return sink.Close()
}
