// Package cnab240 reads the FEBRABAN CNAB 240 "extrato para conciliação
// bancária" (service 04, segment E) that Brazilian banks deliver to
// companies: one statement per account, balances from the lote header and
// trailer, and the trailer's totals checked against the rows.
package cnab240

import (
	"context"
	"strings"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// Parser reads CNAB 240 statement files.
type Parser struct{}

// New returns the CNAB 240 parser.
func New() source.Parser { return Parser{} }

// Name identifies the parser.
func (Parser) Name() string { return "cnab240" }

// Detect looks for the file header record (bank code then lote 0000 and
// type 0), lines of about 240 columns and a statement lote header (operation
// E, service 04). A CNAB 240 file of another service (cobrança, pagamentos)
// gets a low score so that its parse error names what it is.
func (Parser) Detect(s *source.Sample) int {
	if s.Kind != source.KindText {
		return 0
	}
	lines := splitLines(s.Head(64 * 1024))
	var first string
	wide, total, statementLote := 0, 0, false
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if first == "" {
			first = l
		}
		total++
		if len(l) >= 230 && len(l) <= 250 {
			wide++
		}
		if len(l) >= 11 && l[7] == typeLoteHeader && l[8] == 'E' && l[9:11] == "04" {
			statementLote = true
		}
	}
	if !isFileHeader(first) {
		return 0
	}
	mostlyWide := wide*10 >= total*8
	switch {
	case mostlyWide && statementLote:
		return 95
	case statementLote:
		return 70 // right records, but lines cut or padded by some tool
	case mostlyWide:
		return 30
	}
	return 10
}

// isFileHeader reports whether l starts like a CNAB 240 file header:
// three digits of bank code, lote 0000, record type 0.
func isFileHeader(l string) bool {
	if len(l) < 8 {
		return false
	}
	for i := 0; i < 3; i++ {
		if l[i] < '0' || l[i] > '9' {
			return false
		}
	}
	return l[3:8] == "00000"
}

// Parse reads every statement lote of the file, one statement per account.
func (Parser) Parse(ctx context.Context, s *source.Sample) ([]domain.Statement, error) {
	switch s.Kind {
	case source.KindText:
	case source.KindEmpty:
		return nil, domain.Errorf(domain.CodeInvalid, "O arquivo está vazio.")
	default:
		return nil, domain.Errorf(domain.CodeUnsupported, "O arquivo não é um texto CNAB 240.")
	}
	lines := splitLines(s.Text)
	first := ""
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			first = l
			break
		}
	}
	if !isFileHeader(first) {
		return nil, domain.Errorf(domain.CodeInvalid,
			"O arquivo não começa com o header de arquivo CNAB 240 (código do banco seguido de 00000).")
	}
	rd := newReader(s.Bank)
	for i, l := range lines {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rd.read(i+1, l)
	}
	return rd.finish()
}

// splitLines splits on LF, drops a trailing CR from each line and the empty
// piece after a final line break.
func splitLines(text string) []string {
	lines := strings.Split(text, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}
