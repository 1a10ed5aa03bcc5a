// Package source holds what every statement parser shares: the sniffed input
// (Sample), the Parser contract the detection engine ranks, and the small
// vocabulary of Brazilian bank files (bank codes, balance-row labels).
package source

import (
	"bytes"
	"context"
	"strings"
	"unicode/utf8"

	"github.com/bankflow/bankflow/domain"
	"golang.org/x/text/encoding/charmap"
)

// Kind is what the bytes of a file are, judged by content.
type Kind string

// The kinds of content.
const (
	KindText   Kind = "text" // decoded into Sample.Text
	KindZip    Kind = "zip"  // PK\x03\x04: XLSX (or another zip)
	KindOLE    Kind = "ole"  // D0 CF 11 E0: legacy binary .xls
	KindPDF    Kind = "pdf"  // %PDF
	KindHTML   Kind = "html" // an HTML table, often saved as .xls (also in Text)
	KindImage  Kind = "image"
	KindEmpty  Kind = "empty"
	KindBinary Kind = "binary"
)

// Sample is one input file sniffed once and shared by every parser's Detect
// and Parse.
type Sample struct {
	Name     string // file name hint, never trusted
	Bank     string // bank slug forced by the user, "" to detect
	Raw      []byte // the bytes as they arrived
	Kind     Kind
	Encoding string // "utf-8", "utf-8-bom", "utf-16", "windows-1252" or "mixed" (decided per line) for text kinds
	Text     string // decoded, BOM removed, for text kinds; "" otherwise
}

// Head returns the first n bytes of Text (or fewer).
func (s *Sample) Head(n int) string {
	if len(s.Text) <= n {
		return s.Text
	}
	return s.Text[:n]
}

// Parser reads one family of files.
type Parser interface {
	// Name identifies the parser ("ofx", "bradesco-csv", ...).
	Name() string
	// Detect returns the confidence, 0 (not mine) to 100 (certainly mine).
	Detect(s *Sample) int
	// Parse reads every statement of s. Errors should be *domain.Error with
	// CodeInvalid and a pt-BR message saying what is wrong.
	Parse(ctx context.Context, s *Sample) ([]domain.Statement, error)
}

// NewSample sniffs raw bytes: magic numbers first, then the text encoding
// of the bytes themselves (a BOM, valid UTF-8, else Windows-1252, a superset
// of Latin-1), whatever a header declares.
func NewSample(name, bank string, raw []byte) *Sample {
	s := &Sample{Name: name, Bank: bank, Raw: raw}
	switch {
	case len(bytes.TrimSpace(raw)) == 0:
		s.Kind = KindEmpty
		return s
	case bytes.HasPrefix(raw, []byte("PK\x03\x04")):
		s.Kind = KindZip
		return s
	case bytes.HasPrefix(raw, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		s.Kind = KindOLE
		return s
	case bytes.HasPrefix(raw, []byte("%PDF")):
		s.Kind = KindPDF
		return s
	case bytes.HasPrefix(raw, []byte{0xFF, 0xD8, 0xFF}), bytes.HasPrefix(raw, []byte("\x89PNG")),
		bytes.HasPrefix(raw, []byte("GIF8")):
		s.Kind = KindImage
		return s
	}
	s.Text, s.Encoding = Decode(raw)
	s.Kind = KindText
	if looksBinary(s.Text) {
		s.Kind, s.Text = KindBinary, ""
		return s
	}
	head := strings.ToLower(strings.TrimSpace(s.Head(2048)))
	if strings.HasPrefix(head, "<html") || strings.HasPrefix(head, "<!doctype html") ||
		strings.HasPrefix(head, "<table") || strings.Contains(head, "urn:schemas-microsoft-com:office") ||
		(strings.Contains(head, "<table") && !strings.Contains(head, "<ofx")) {
		s.Kind = KindHTML
	}
	return s
}

// Decode turns bytes into UTF-8 text by looking at the bytes: a UTF-8 BOM or
// valid UTF-8 is UTF-8; anything else is Windows-1252. UTF-16 with a BOM is
// decoded too.
func Decode(raw []byte) (text, encoding string) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		return strings.ToValidUTF8(string(raw[3:]), "\uFFFD"), "utf-8-bom"
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		return decodeUTF16(raw), "utf-16"
	case utf8.Valid(raw):
		return string(raw), "utf-8"
	case hasUTF8Sequences(raw):
		// Mixed: a UTF-8 file with Latin-1 lines pasted in (or the reverse).
		// Decide line by line, so neither half turns into mojibake.
		return decodeLines(raw), "mixed"
	}
	return cp1252(raw), "windows-1252"
}

func cp1252(b []byte) string {
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

// hasUTF8Sequences reports whether raw holds at least one valid multi-byte
// UTF-8 sequence (Windows-1252 text almost never does by accident).
func hasUTF8Sequences(raw []byte) bool {
	for i := 0; i < len(raw); {
		if raw[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(raw[i:])
		if r != utf8.RuneError && n > 1 {
			return true
		}
		i++
	}
	return false
}

func decodeLines(raw []byte) string {
	var b strings.Builder
	b.Grow(len(raw) + len(raw)/8)
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line = raw[:i+1]
		}
		raw = raw[len(line):]
		if utf8.Valid(line) {
			b.Write(line)
		} else {
			b.WriteString(cp1252(line))
		}
	}
	return b.String()
}

func decodeUTF16(raw []byte) string {
	le := raw[0] == 0xFF
	raw = raw[2:]
	var b strings.Builder
	for i := 0; i+1 < len(raw); i += 2 {
		var u uint16
		if le {
			u = uint16(raw[i]) | uint16(raw[i+1])<<8
		} else {
			u = uint16(raw[i])<<8 | uint16(raw[i+1])
		}
		b.WriteRune(rune(u))
	}
	return b.String()
}

// looksBinary reports control characters (other than tab, CR, LF, FF) in the
// first 4 KiB: such a file is not a text statement.
func looksBinary(text string) bool {
	n := 0
	for i, r := range text {
		if i > 4096 {
			break
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
			n++
		}
	}
	return n > 0
}
