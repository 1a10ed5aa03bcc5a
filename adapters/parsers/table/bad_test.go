package table

import (
	"context"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// TestBadInput checks that files which are no readable statement give a
// clear pt-BR error from every parser that would be tried, never an empty
// success.
func TestBadInput(t *testing.T) {
	cases := []struct {
		name     string
		data     []byte
		code     domain.Code
		contains string
	}{
		{"unknown layout", []byte("nome,idade,cidade\nJoão,30,São Paulo\nMaria,41,Recife\n"),
			domain.CodeUnsupported, "colunas de data e valor"},
		{"every row unreadable", []byte("Data;Descrição;Valor\n99/99/2024;Compra;10,00\n01/02/2024;Pix;abc\n"),
			domain.CodeInvalid, "Nenhum lançamento pôde ser lido"},
		{"binary", []byte("\x00\x01\x02\x03BINARY\x00\xff\xfe junk;1,00\n"),
			domain.CodeUnsupported, "não é um texto CSV/TXT"},
		{"jpeg renamed csv", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
			domain.CodeUnsupported, "não é um texto CSV/TXT"},
		{"empty", []byte("  \n\n"), domain.CodeUnsupported, "não é um texto CSV/TXT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := source.NewSample("extrato.csv", "", c.data)
			p := bestOrGeneric(s)
			_, err := p.Parse(context.Background(), s)
			if err == nil {
				t.Fatal("parse succeeded")
			}
			if domain.ErrorCode(err) != c.code || !strings.Contains(domain.ErrorMessage(err), c.contains) {
				t.Errorf("error %v (code %s), want code %s with %q", err, domain.ErrorCode(err), c.code, c.contains)
			}
		})
	}
}

// bestOrGeneric picks the most confident parser, or the generic reader the
// engine falls back to when none recognises the file.
func bestOrGeneric(s *source.Sample) source.Parser {
	all := Parsers()
	top, score := all[len(all)-1], 0
	for _, p := range all {
		if c := p.Detect(s); c > score {
			top, score = p, c
		}
	}
	return top
}

// TestBadInputDetection checks that no layout claims a file without a
// statement table.
func TestBadInputDetection(t *testing.T) {
	for _, data := range []string{
		"nome,idade,cidade\nJoão,30,São Paulo\n",
		"<html><body><p>oi</p></body></html>",
		"\x00\x01binary",
	} {
		s := source.NewSample("x.csv", "", []byte(data))
		for _, p := range Parsers() {
			if c := p.Detect(s); c > 0 {
				t.Errorf("%s claims %q with confidence %d", p.Name(), data, c)
			}
		}
	}
}
