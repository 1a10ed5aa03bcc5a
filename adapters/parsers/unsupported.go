package parsers

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// supported lists what BankFlow reads, for error messages.
const supported = "Formatos aceitos: OFX (qualquer banco, conta e cartão), CSV/TXT dos bancos Itaú, Bradesco, " +
	"Banco do Brasil, Caixa, Santander, Nubank (conta e cartão), Inter e C6 (ou CSV com colunas de data, " +
	"descrição e valor), planilhas XLSX/XLS e CNAB 240 (extrato para conciliação)."

// unsupported explains what a file no parser recognised looks like.
func unsupported(s *source.Sample) error {
	return domain.Errorf(domain.CodeUnsupported, "Formato de arquivo não reconhecido: %s. %s", recognised(s), supported)
}

// recognised describes the content of s in a few words of pt-BR.
func recognised(s *source.Sample) string {
	switch s.Kind {
	case source.KindEmpty:
		return "o arquivo está vazio"
	case source.KindPDF:
		return "parece um PDF (extratos em PDF ainda não são lidos; exporte em OFX, CSV ou XLSX)"
	case source.KindImage:
		return "é uma " + imageKind(s.Raw) + ", não um extrato em texto"
	case source.KindZip:
		return "é um arquivo ZIP que não é uma planilha XLSX reconhecida"
	case source.KindOLE:
		return "é uma planilha XLS binária (Excel 97-2003) sem layout de extrato reconhecido"
	case source.KindHTML:
		return "é uma página HTML sem tabela de extrato reconhecida"
	case source.KindBinary:
		return "é um arquivo binário, não texto"
	}
	return describeText(s.Text)
}

func imageKind(raw []byte) string {
	switch {
	case bytes.HasPrefix(raw, []byte{0xFF, 0xD8, 0xFF}):
		return "imagem JPEG"
	case bytes.HasPrefix(raw, []byte("\x89PNG")):
		return "imagem PNG"
	case bytes.HasPrefix(raw, []byte("GIF8")):
		return "imagem GIF"
	}
	return "imagem"
}

// describeText names the delimiter and the first columns of a text file, or
// quotes its first line.
func describeText(text string) string {
	line := ""
	for _, l := range strings.SplitN(text, "\n", 20) {
		if l = strings.TrimSpace(l); l != "" {
			line = l
			break
		}
	}
	if line == "" {
		return "o arquivo só tem linhas em branco"
	}
	best, n := "", 0
	for _, d := range []string{";", ",", "\t", "|"} {
		if c := strings.Count(line, d); c > n {
			best, n = d, c
		}
	}
	if n == 0 {
		return fmt.Sprintf("texto sem colunas reconhecidas (primeira linha: %q)", clip(line, 60))
	}
	cols := strings.Split(line, best)
	names := make([]string, 0, 6)
	for _, c := range cols {
		c = strings.Trim(strings.TrimSpace(c), `"'`)
		if c == "" {
			continue
		}
		names = append(names, clip(c, 30))
		if len(names) == 6 {
			break
		}
	}
	delim := "'" + best + "'"
	if best == "\t" {
		delim = "tabulação"
	}
	more := ""
	if len(cols) > len(names) && len(names) == 6 {
		more = ", ..."
	}
	return fmt.Sprintf("texto separado por %s com colunas %s%s", delim, strings.Join(names, ", "), more)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
