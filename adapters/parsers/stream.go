package parsers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

var _ domain.StreamReader = (*Engine)(nil)

// Stream implements domain.StreamReader: it detects the format like Read,
// then hands each statement to sink as the parser reads it, completed (bank
// from --bank, currency, period from the transactions) and proved by an
// incremental domain.Reconciler. Parsers that implement source.Streamer
// hand transactions on one by one; the others (spreadsheets, CNAB) build
// their statements first and replay them.
//
// in.Data is shared, not copied: the caller must not modify it while the
// statements handed to sink, or any text in them, are in use. Errors are
// Read's, or the sink's own error as it returned it.
func (e *Engine) Stream(ctx context.Context, in domain.Input, sink domain.StatementSink) error {
	if in.Bank != "" && !e.knownBank(in.Bank) {
		return domain.Errorf(domain.CodeInvalid, "Banco %q desconhecido. Use um destes: %s.", in.Bank, strings.Join(bankSlugs, ", "))
	}
	s := source.NewSharedSample(in.Name, in.Bank, in.Data)
	p, _ := e.pick(s, func(p source.Parser) int { return e.detect(p, s) })
	if p == nil {
		s.DecodeText()
		return unsupported(s)
	}
	if u, ok := p.(source.UndecodedReader); !ok || !u.ReadsUndecoded() {
		s.DecodeText()
	}
	f := &finisher{sink: sink, forced: in.Bank, parser: p.Name()}
	if err := e.stream(ctx, p, s, f); err != nil {
		return err
	}
	if f.statements == 0 {
		return domain.Errorf(domain.CodeInvalid, "O arquivo foi reconhecido (%s), mas não contém nenhum extrato.", p.Name())
	}
	return nil
}

// stream runs one parser into f, with parse's treatment of panics and
// foreign errors; the sink's errors pass through untouched.
func (e *Engine) stream(ctx context.Context, p source.Parser, s *source.Sample, f *finisher) (err error) {
	if !e.noRecover {
		defer func() {
			if r := recover(); r != nil {
				err = domain.Wrap(domain.CodeInvalid, fmt.Errorf("parser %s panicked: %v", p.Name(), r),
					"O arquivo foi reconhecido, mas está malformado de um jeito que não conseguimos ler. Exporte o extrato de novo no banco ou envie em outro formato (OFX, CSV ou XLSX).")
			}
		}()
	}
	if sp, ok := p.(source.Streamer); ok {
		err = sp.Stream(ctx, s, f)
	} else {
		var stmts []domain.Statement
		stmts, err = p.Parse(ctx, s)
		if err == nil {
			err = domain.Replay(ctx, stmts, f)
		}
	}
	if err == nil || (f.err != nil && errors.Is(err, f.err)) {
		return err
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return domain.Wrap(domain.CodeUnavailable, err, "A leitura do arquivo foi interrompida. Tente novamente.")
	}
	return domain.Wrap(domain.CodeInvalid, fmt.Errorf("parse %s: %w", p.Name(), err),
		"Não foi possível ler o arquivo: o conteúdo não corresponde ao formato reconhecido.")
}

// finisher sits between a parser and the caller's sink: it completes each
// statement as Read does and proves it with a Reconciler fed transaction by
// transaction.
type finisher struct {
	sink       domain.StatementSink
	forced     string
	parser     string
	rec        domain.Reconciler
	statements int
	err        error // the sink's first error
}

func (f *finisher) Begin(ctx context.Context, st *domain.Statement) error {
	f.statements++
	f.rec = domain.Reconciler{}
	f.complete(st)
	return f.keep(f.sink.Begin(ctx, st))
}

func (f *finisher) Add(t domain.Transaction) error {
	f.rec.Add(t)
	return f.keep(f.sink.Add(t))
}

func (f *finisher) End(st *domain.Statement) error {
	f.complete(st)
	f.rec.Finish(st)
	return f.keep(f.sink.End(st))
}

func (f *finisher) keep(err error) error {
	if err != nil && f.err == nil {
		f.err = err
	}
	return err
}

// complete fills what the parser left unknown, as Read does.
func (f *finisher) complete(st *domain.Statement) {
	if f.forced != "" && (st.Bank == "" || st.Bank == domain.BankUnknown) {
		st.Bank = f.forced
	}
	if st.Bank == "" {
		st.Bank = domain.BankUnknown
	}
	if st.Account.BankCode == "" && st.Bank != domain.BankUnknown {
		st.Account.BankCode = source.CodeOfSlug(st.Bank)
	}
	if st.Parser == "" {
		st.Parser = f.parser
	}
	if st.Account.Currency == "" {
		st.Account.Currency = "BRL"
	}
}
