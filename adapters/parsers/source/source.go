// Package source holds what every statement parser shares: the sniffed input
// (Sample), the Parser contract the detection engine ranks, and the small
// vocabulary of Brazilian bank files (bank codes, balance-row labels).
package source

import (
	"bytes"
	"context"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/bankflow/bankflow/domain"
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
	// Undecoded is set when Text still holds the Windows-1252 bytes of the
	// file as they are: only NewSharedSample leaves an OFX file so, to spare
	// a decoded copy. ASCII reads the same either way; a parser that accepts
	// such a sample (see UndecodedReader) passes every value it keeps through
	// Windows1252String. DecodeText turns it into an ordinary sample.
	Undecoded bool
	memo      map[any]any
}

// Memo returns what build returns, computed once per sample and key: the
// parsers' Detect share work (a table's head grid) through it. A sample is
// used by one goroutine at a time.
func (s *Sample) Memo(key any, build func() any) any {
	if v, ok := s.memo[key]; ok {
		return v
	}
	if s.memo == nil {
		s.memo = make(map[any]any)
	}
	v := build()
	s.memo[key] = v
	return v
}

// NewSharedSample is NewSample for a caller that never modifies raw while
// the sample, or anything read from it, is in use: UTF-8 text shares raw's
// memory instead of copying it, and a Windows-1252 OFX file is left
// Undecoded (its values are decoded one by one as they are read).
func NewSharedSample(name, bank string, raw []byte) *Sample {
	if _, ok := magicKind(raw); ok || bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}) || bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) ||
		bytes.HasPrefix(raw, []byte{0xFE, 0xFF}) {
		return NewSample(name, bank, raw)
	}
	text := unsafe.String(unsafe.SliceData(raw), len(raw))
	switch {
	case utf8.Valid(raw):
	case !hasUTF8Sequences(raw) && looksOFX(text):
	default:
		return NewSample(name, bank, raw)
	}
	s := &Sample{Name: name, Bank: bank, Raw: raw, Text: text, Encoding: "utf-8"}
	if !utf8.Valid(raw) {
		s.Encoding, s.Undecoded = "windows-1252", true
	}
	s.classifyText()
	return s
}

// looksOFX reports an OFX header or root tag in the first KB.
func looksOFX(text string) bool {
	head := text[:min(len(text), 1024)]
	return strings.Contains(head, "OFXHEADER:") || strings.Contains(head, "<OFX>") || strings.Contains(head, "<?OFX")
}

// DecodeText decodes the Text of an Undecoded sample, for a parser that
// reads decoded text only.
func (s *Sample) DecodeText() {
	if s.Undecoded {
		s.Text, s.Undecoded, s.memo = Windows1252(s.Raw), false, nil
	}
}

// UndecodedReader is implemented by parsers whose Stream accepts an
// Undecoded sample.
type UndecodedReader interface {
	ReadsUndecoded() bool
}

// Streamer is a Parser that hands each transaction to a sink as soon as it
// has read it, instead of building the statements in memory.
type Streamer interface {
	Parser
	// Stream reads every statement of s into sink, as Parse would return
	// them (errors likewise), Transactions handed to Add one by one.
	Stream(ctx context.Context, s *Sample, sink domain.StatementSink) error
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
	if k, ok := magicKind(raw); ok {
		s.Kind = k
		return s
	}
	s.Text, s.Encoding = Decode(raw)
	s.classifyText()
	return s
}

// magicKind recognises empty files and non-text content by their first
// bytes.
func magicKind(raw []byte) (Kind, bool) {
	switch {
	case len(bytes.TrimSpace(raw)) == 0:
		return KindEmpty, true
	case bytes.HasPrefix(raw, []byte("PK\x03\x04")):
		return KindZip, true
	case bytes.HasPrefix(raw, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return KindOLE, true
	case bytes.HasPrefix(raw, []byte("%PDF")):
		return KindPDF, true
	case bytes.HasPrefix(raw, []byte{0xFF, 0xD8, 0xFF}), bytes.HasPrefix(raw, []byte("\x89PNG")),
		bytes.HasPrefix(raw, []byte("GIF8")):
		return KindImage, true
	}
	return "", false
}

// classifyText tells binary content and HTML tables from plain text.
func (s *Sample) classifyText() {
	s.Kind = KindText
	if looksBinary(s.Text) {
		s.Kind, s.Text, s.Undecoded = KindBinary, "", false
		return
	}
	head := strings.ToLower(strings.TrimSpace(s.Head(2048)))
	if strings.HasPrefix(head, "<html") || strings.HasPrefix(head, "<!doctype html") ||
		strings.HasPrefix(head, "<table") || strings.Contains(head, "urn:schemas-microsoft-com:office") ||
		(strings.Contains(head, "<table") && !strings.Contains(head, "<ofx")) {
		s.Kind = KindHTML
	}
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

func cp1252(b []byte) string { return Windows1252(b) }

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
