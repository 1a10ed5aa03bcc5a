// Package ofx reads OFX 1.x (SGML) and OFX 2.x (XML) bank and credit-card
// statements as Brazilian banks export them, with one tolerant tokenizer:
// unclosed leaf tags, several tags on a line, missing headers, stray text and
// truncated trailers give warnings, not refusals, while the data is
// unambiguous. XML entities are never expanded.
package ofx

import (
	"context"
	"hash/maphash"
	"strings"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// Parser is the OFX source.Parser.
type Parser struct{}

var _ source.Parser = Parser{}

// New returns the OFX parser.
func New() Parser { return Parser{} }

// Name implements source.Parser.
func (Parser) Name() string { return "ofx" }

// Detect implements source.Parser: an OFX header or <OFX> root in the first
// KB (after a BOM and blank lines) is certain; a <STMTTRN> anywhere is likely.
func (Parser) Detect(s *source.Sample) int {
	if s.Kind != source.KindText && s.Kind != source.KindHTML {
		return 0
	}
	text := strings.TrimLeft(s.Text, " \t\r\n\f\ufeff")
	head := text
	if len(head) > 1024 {
		head = head[:1024]
	}
	head = strings.ToUpper(head)
	if strings.Contains(head, "OFXHEADER:") || strings.Contains(head, "<?OFX") || strings.Contains(head, "<OFX>") {
		return 95
	}
	if strings.Contains(text, "<STMTTRN>") || strings.Contains(text, "<stmttrn>") {
		return 60
	}
	return 0
}

// Parse implements source.Parser: one statement per STMTTRNRS / CCSTMTTRNRS.
func (p Parser) Parse(ctx context.Context, s *source.Sample) ([]domain.Statement, error) {
	s.DecodeText()
	b, err := p.read(ctx, s, nil)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Statement, 0, len(b.stmts))
	for _, st := range b.stmts {
		out = append(out, b.finish(st))
	}
	return out, nil
}

// Stream implements source.Streamer: each transaction goes to sink as soon
// as its </STMTTRN> (or the tag that ends it) is read. A statement ends when
// the next one starts or at the end of the file, so it carries the
// file-level warnings found up to then.
func (p Parser) Stream(ctx context.Context, s *source.Sample, sink domain.StatementSink) error {
	b, err := p.read(ctx, s, sink)
	if err != nil {
		return err
	}
	for _, st := range b.stmts {
		if !st.ended {
			b.endStatement(st)
		}
	}
	return b.err
}

// ReadsUndecoded implements source.UndecodedReader: tags and numbers are
// ASCII, so only the values kept are decoded from Windows-1252.
func (Parser) ReadsUndecoded() bool { return true }

// read scans the whole file; with a sink, transactions are handed on as
// they are read.
func (p Parser) read(ctx context.Context, s *source.Sample, sink domain.StatementSink) (*builder, error) {
	if err := notText(s); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := &builder{src: s.Text, forced: s.Bank, ctx: ctx, sink: sink, seed: maphash.MakeSeed()}
	if sink == nil {
		b.estimate = strings.Count(s.Text, "<STMTTRN>")
	}
	sc := newScanner(s.Text)
	sc.undecoded = s.Undecoded
	b.undecoded = s.Undecoded
	for n := 0; ; n++ {
		if n&4095 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if b.err != nil {
			return nil, b.err
		}
		t := sc.next()
		b.scanEnd = t.pos
		switch t.kind {
		case tokStart:
			b.start(t)
		case tokEnd:
			b.end(t)
		}
		if t.kind == tokEOF {
			break
		}
	}
	truncated := b.cur != nil || b.txn.open
	if b.txn.open {
		if b.cur != nil {
			b.cur.st.Warn("arquivo OFX truncado: termina dentro de uma transação; as transações completas foram lidas, mas podem faltar outras depois do corte")
		}
		b.finishTxn(true)
	} else if b.cur != nil {
		b.cur.st.Warn("arquivo OFX truncado: faltam as tags de fechamento do extrato; as transações completas foram lidas, mas podem faltar outras depois do corte")
	}
	b.closeStatement(true)
	if b.err != nil {
		return nil, b.err
	}
	if len(b.stmts) == 0 {
		return nil, noStatement(s, b, sc)
	}
	if !truncated && b.sawOFX && !b.endOFX {
		b.warnings = append(b.warnings, "o arquivo não termina com </OFX>; o extrato foi lido, mas confira se o arquivo está completo")
	}
	if sc.stray > 0 {
		b.warnings = append(b.warnings, strayWarning(sc))
	}
	if sc.doctype {
		b.warnings = append(b.warnings, "declaração DOCTYPE ignorada: entidades XML nunca são expandidas")
	}
	return b, nil
}

func notText(s *source.Sample) error {
	switch s.Kind {
	case source.KindText, source.KindHTML:
		return nil
	case source.KindEmpty:
		return domain.Errorf(domain.CodeInvalid, "O arquivo está vazio: não há extrato OFX para ler.")
	case source.KindPDF:
		return domain.Errorf(domain.CodeInvalid, "O arquivo não é um OFX: parece um PDF. Exporte o extrato em OFX no site ou app do banco.")
	case source.KindImage:
		return domain.Errorf(domain.CodeInvalid, "O arquivo não é um OFX: parece uma imagem. Exporte o extrato em OFX no site ou app do banco.")
	case source.KindZip, source.KindOLE:
		return domain.Errorf(domain.CodeInvalid, "O arquivo não é um OFX: parece uma planilha ou arquivo compactado.")
	}
	return domain.Errorf(domain.CodeInvalid, "O arquivo não é um OFX: o conteúdo é binário, não texto.")
}

// noStatement explains why a file gave no statement at all.
func noStatement(s *source.Sample, b *builder, sc *scanner) error {
	switch {
	case !b.sawOFX && !sc.started && !strings.Contains(strings.ToUpper(s.Head(1024)), "OFXHEADER"):
		return domain.Errorf(domain.CodeInvalid, "O arquivo não é um OFX válido: nenhuma tag OFX foi encontrada.")
	case sc.cut || !b.endOFX:
		return domain.Errorf(domain.CodeInvalid, "O arquivo OFX está incompleto: ele termina antes do extrato (nenhum bloco STMTRS/CCSTMTRS). Baixe o arquivo de novo no banco.")
	}
	return domain.Errorf(domain.CodeInvalid, "O arquivo OFX não contém extrato de conta nem de cartão (nenhum bloco STMTRS/CCSTMTRS).")
}

func strayWarning(sc *scanner) string {
	msg := "o arquivo tem texto fora das tags OFX, ignorado"
	if sc.strayText != "" {
		msg += " (por exemplo \"" + strings.ToValidUTF8(sc.strayText, "") + "\")"
	}
	return msg
}
