package table

import (
	"context"
	"strings"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// detectBytes is how much of a file Detect reads: enough for any preamble
// and header, without splitting a large file several times.
const detectBytes = 64 << 10

// headKey memoizes the head grid every layout's Detect reads.
type headKey struct{}

// Parser reads the CSV/TXT export of one layout.
type Parser struct {
	lay layout
}

var _ source.Parser = (*Parser)(nil)

// Parsers returns one parser per CSV/TXT layout, the generic fallback last.
func Parsers() []source.Parser {
	out := make([]source.Parser, 0, len(layouts))
	for _, l := range layouts {
		out = append(out, &Parser{lay: l})
	}
	return out
}

// Name is the layout id with the format, "bradesco-csv", "generic-csv".
func (p *Parser) Name() string { return p.lay.id + "-" + string(domain.FormatCSV) }

// Detect returns the layout's confidence for a text file: 90+ for its exact
// header, 30-40 for the generic reader of a table with date and amount
// columns, 0 otherwise.
func (p *Parser) Detect(s *source.Sample) int {
	if s.Kind != source.KindText {
		return 0
	}
	grid := s.Memo(headKey{}, func() any { return ReadGrid(s.Head(detectBytes), headerScan+valueSample) }).([][]string)
	m, ok := p.lay.find(grid, rowsOfGrid(grid))
	if !ok {
		return 0
	}
	return m.score
}

// Parse reads the whole file with this parser's layout.
func (p *Parser) Parse(ctx context.Context, s *source.Sample) ([]domain.Statement, error) {
	r, err := p.read(ctx, s, nil)
	if err != nil {
		return nil, err
	}
	return []domain.Statement{r.st}, nil
}

// Stream implements source.Streamer: the table is read twice without
// building its grid, once for the conventions of its columns, once handing
// each transaction to sink (a transaction waits for the next row, which
// may continue its description).
func (p *Parser) Stream(ctx context.Context, s *source.Sample, sink domain.StatementSink) error {
	_, err := p.read(ctx, s, sink)
	return err
}

func (p *Parser) read(ctx context.Context, s *source.Sample, sink domain.StatementSink) (*run, error) {
	if s.Kind != source.KindText {
		return nil, domain.Errorf(domain.CodeUnsupported,
			"O arquivo não é um texto CSV/TXT (conteúdo detectado: %s).", s.Kind)
	}
	s.DecodeText()
	delim := SniffDelimiter(s.Text)
	head := headGrid(s.Text, delim)
	src := rowSource{text: s.Text, delim: delim}
	m, ok := p.lay.find(head, src.all())
	if !ok {
		if p.lay.id == LayoutGeneric {
			return nil, errUnknownLayout()
		}
		return nil, domain.Errorf(domain.CodeUnsupported,
			"O arquivo não tem o layout %s: o cabeçalho esperado não aparece nas primeiras %d linhas.", p.Name(), headerScan)
	}
	rows := 0
	if sink == nil {
		rows = strings.Count(s.Text, "\n") + 1
	}
	return parseWith(ctx, p.lay, m, s, head, src, rows, domain.FormatCSV, sink)
}
