package export

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// An OFX document needs the whole picture before its first transaction: the
// server date is the latest statement end, the signon names the bank every
// statement shares, bank statements precede card statements, and a made-up
// FITID must not collide with a bank FITID further down. So the OFX sink
// spools the transactions to a temporary file in a compact binary form as
// they arrive, and writes the document at Close from the spool: memory
// holds the statement headers (and one statement's FITIDs while it is
// written), not the transactions.

// Sink implements domain.StreamExporter.
func (OFX) Sink(w io.Writer) (domain.ExportSink, error) {
	f, err := os.CreateTemp("", "bankflow-ofx-*.spool")
	if err != nil {
		return nil, fmt.Errorf("write ofx: spool: %w", err)
	}
	return &ofxSink{w: w, file: f, spool: bufio.NewWriterSize(f, 64<<10)}, nil
}

// ofxSink spools the statements until Close.
type ofxSink struct {
	w      io.Writer
	file   *os.File
	spool  *bufio.Writer
	off    int64
	stmts  []domain.Statement
	ranges []spoolRange
	cur    spoolRange
	buf    []byte
	closed bool
}

// spoolRange is where a statement's transactions lie in the spool.
type spoolRange struct {
	from, to int64
	n        int
}

func (o *ofxSink) Begin(context.Context, *domain.Statement) error {
	o.cur = spoolRange{from: o.off, to: o.off}
	return nil
}

func (o *ofxSink) Add(t domain.Transaction) error {
	b := o.buf[:0]
	b = binary.AppendUvarint(b, uint64(t.Date.Year))
	b = append(b, byte(t.Date.Month), byte(t.Date.Day))
	b = binary.AppendVarint(b, int64(t.Amount))
	if t.Balance.Valid {
		b = append(b, 1)
		b = binary.AppendVarint(b, int64(t.Balance.Value))
	} else {
		b = append(b, 0)
	}
	b = binary.AppendVarint(b, int64(t.Line))
	for _, s := range [...]string{t.Description, t.Document, t.FITID} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	o.buf = b
	n, err := o.spool.Write(b)
	o.off += int64(n)
	o.cur.to, o.cur.n = o.off, o.cur.n+1
	if err != nil {
		return fmt.Errorf("write ofx: spool: %w", err)
	}
	return nil
}

func (o *ofxSink) End(st *domain.Statement) error {
	s := *st
	s.Transactions = nil
	o.stmts = append(o.stmts, s)
	o.ranges = append(o.ranges, o.cur)
	return nil
}

// Close writes the document from the spool and removes it.
func (o *ofxSink) Close() error {
	if o.closed {
		return nil
	}
	o.closed = true
	defer os.Remove(o.file.Name())
	defer o.file.Close()
	if err := o.spool.Flush(); err != nil {
		return fmt.Errorf("write ofx: spool: %w", err)
	}
	var readErr error
	txs := func(i int) iter.Seq[domain.Transaction] {
		return func(yield func(domain.Transaction) bool) {
			r := o.ranges[i]
			br := bufio.NewReaderSize(io.NewSectionReader(o.file, r.from, r.to-r.from), 64<<10)
			for range r.n {
				t, err := readSpooled(br)
				if err != nil {
					if readErr == nil {
						readErr = err
					}
					return
				}
				if !yield(t) {
					return
				}
			}
		}
	}
	if err := writeOFX(o.w, o.stmts, txs); err != nil {
		return err
	}
	if readErr != nil {
		return fmt.Errorf("write ofx: spool: %w", readErr)
	}
	return nil
}

// readSpooled decodes one transaction written by Add.
func readSpooled(r *bufio.Reader) (domain.Transaction, error) {
	var t domain.Transaction
	year, err := binary.ReadUvarint(r)
	if err != nil {
		return t, err
	}
	var md [2]byte
	if _, err := io.ReadFull(r, md[:]); err != nil {
		return t, err
	}
	t.Date = domain.Date{Year: int(year), Month: time.Month(md[0]), Day: int(md[1])}
	amount, err := binary.ReadVarint(r)
	if err != nil {
		return t, err
	}
	t.Amount = domain.Money(amount)
	valid, err := r.ReadByte()
	if err != nil {
		return t, err
	}
	if valid == 1 {
		v, err := binary.ReadVarint(r)
		if err != nil {
			return t, err
		}
		t.Balance = domain.Known(domain.Money(v))
	}
	line, err := binary.ReadVarint(r)
	if err != nil {
		return t, err
	}
	t.Line = int(line)
	for _, dst := range [...]*string{&t.Description, &t.Document, &t.FITID} {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return t, err
		}
		if n > 1<<24 {
			return t, errors.New("corrupt spool")
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			return t, err
		}
		*dst = string(b)
	}
	return t, nil
}
