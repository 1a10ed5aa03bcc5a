// Package parsers is the statement engine: it sniffs a file once, asks every
// registered parser how sure it is, and lets the most confident one read it.
package parsers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// Engine detects the format of a statement file and reads it with the most
// confident parser. It implements domain.StatementReader.
type Engine struct {
	parsers []source.Parser
	// noRecover lets tests and fuzz targets see a parser's panic instead of
	// the CodeInvalid error users get.
	noRecover bool
}

var _ domain.StatementReader = (*Engine)(nil)

// NewEngine returns an engine over ps; on equal confidence the parser
// registered first wins.
func NewEngine(ps ...source.Parser) *Engine {
	return &Engine{parsers: append([]source.Parser(nil), ps...)}
}

// Parsers returns the names of the registered parsers, in order.
func (e *Engine) Parsers() []string {
	names := make([]string, len(e.parsers))
	for i, p := range e.parsers {
		names[i] = p.Name()
	}
	return names
}

// Detect returns the parser that would read in and its confidence, or ("",
// 0) when none recognises it. It is for diagnostics and does not recover
// from a parser's panic.
func (e *Engine) Detect(in domain.Input) (parserName string, confidence int) {
	s := source.NewSample(in.Name, in.Bank, in.Data)
	p, c := e.pick(s, func(p source.Parser) int { return p.Detect(s) })
	if p == nil {
		return "", 0
	}
	return p.Name(), c
}

// Read implements domain.StatementReader: it detects the format, parses
// every statement in the file, fills what the parser left unknown (bank from
// --bank, period from the transactions) and computes the balance proof.
// Errors are *domain.Error: CodeUnsupported for a file no parser
// recognises, CodeInvalid for a recognised file that cannot be read.
func (e *Engine) Read(ctx context.Context, in domain.Input) ([]domain.Statement, error) {
	if in.Bank != "" && !e.knownBank(in.Bank) {
		return nil, domain.Errorf(domain.CodeInvalid, "Banco %q desconhecido. Use um destes: %s.", in.Bank, strings.Join(bankSlugs, ", "))
	}
	s := source.NewSample(in.Name, in.Bank, in.Data)
	p, _ := e.pick(s, func(p source.Parser) int { return e.detect(p, s) })
	if p == nil {
		return nil, unsupported(s)
	}
	stmts, err := e.parse(ctx, p, s)
	if err != nil {
		return nil, err
	}
	if len(stmts) == 0 {
		return nil, domain.Errorf(domain.CodeInvalid, "O arquivo foi reconhecido (%s), mas não contém nenhum extrato.", p.Name())
	}
	for i := range stmts {
		st := &stmts[i]
		if in.Bank != "" && (st.Bank == "" || st.Bank == domain.BankUnknown) {
			st.Bank = in.Bank
		}
		if st.Bank == "" {
			st.Bank = domain.BankUnknown
		}
		if st.Account.BankCode == "" && st.Bank != domain.BankUnknown {
			st.Account.BankCode = source.CodeOfSlug(st.Bank)
		}
		if st.Parser == "" {
			st.Parser = p.Name()
		}
		if st.Account.Currency == "" {
			st.Account.Currency = "BRL"
		}
		st.FillPeriod()
		domain.DeriveBalances(st)
		domain.Reconcile(st)
	}
	return stmts, nil
}

// pick returns the parser with the highest confidence (first registered on
// ties). A forced bank prefers a recognising parser named after that bank.
func (e *Engine) pick(s *source.Sample, detect func(source.Parser) int) (source.Parser, int) {
	var best, forced source.Parser
	bestC, forcedC := 0, 0
	for _, p := range e.parsers {
		c := detect(p)
		if c <= 0 {
			continue
		}
		if c > bestC {
			best, bestC = p, c
		}
		if s.Bank != "" && bankParser(p.Name(), s.Bank) && c > forcedC {
			forced, forcedC = p, c
		}
	}
	if forced != nil {
		return forced, forcedC
	}
	return best, bestC
}

// bankParser reports whether a parser name belongs to a bank slug
// ("bradesco-csv" to "bradesco").
func bankParser(name, slug string) bool {
	return name == slug || strings.HasPrefix(name, slug+"-")
}

// detect asks one parser, turning its panic into "not mine".
func (e *Engine) detect(p source.Parser, s *source.Sample) (c int) {
	if !e.noRecover {
		defer func() {
			if r := recover(); r != nil {
				c = 0
			}
		}()
	}
	return p.Detect(s)
}

// parse runs one parser, turning its panic and foreign errors into
// CodeInvalid with a message for the user.
func (e *Engine) parse(ctx context.Context, p source.Parser, s *source.Sample) (stmts []domain.Statement, err error) {
	if !e.noRecover {
		defer func() {
			if r := recover(); r != nil {
				stmts = nil
				err = domain.Wrap(domain.CodeInvalid, fmt.Errorf("parser %s panicked: %v", p.Name(), r),
					"O arquivo foi reconhecido, mas está malformado de um jeito que não conseguimos ler. Exporte o extrato de novo no banco ou envie em outro formato (OFX, CSV ou XLSX).")
			}
		}()
	}
	stmts, err = p.Parse(ctx, s)
	if err == nil {
		return stmts, nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return nil, err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil, domain.Wrap(domain.CodeUnavailable, err, "A leitura do arquivo foi interrompida. Tente novamente.")
	}
	return nil, domain.Wrap(domain.CodeInvalid, fmt.Errorf("parse %s: %w", p.Name(), err),
		"Não foi possível ler o arquivo: o conteúdo não corresponde ao formato reconhecido.")
}

// bankSlugs are the slugs --bank accepts.
var bankSlugs = []string{
	domain.BankItau, domain.BankBradesco, domain.BankBB, domain.BankCaixa, domain.BankSantander,
	domain.BankNubank, domain.BankInter, domain.BankC6, domain.BankSicoob, domain.BankSicredi, domain.BankBTG,
}

// knownBank accepts the contract's slugs and any bank a registered parser is
// named after ("mercadopago-csv").
func (e *Engine) knownBank(slug string) bool {
	for _, s := range bankSlugs {
		if s == slug {
			return true
		}
	}
	for _, p := range e.parsers {
		if bankParser(p.Name(), slug) {
			return true
		}
	}
	return false
}
