package ofx

import (
	"strings"
	"unsafe"

	"github.com/bankflow/bankflow/adapters/parsers/source"
)

// tokKind is the kind of a token of the tolerant OFX tokenizer.
type tokKind uint8

const (
	tokEOF   tokKind = iota
	tokStart         // <NAME> with the text that follows it up to the next tag or end of line
	tokEnd           // </NAME>
)

// token is one tag of the file. For a start tag, value is the leaf text that
// follows it (trimmed, CDATA unwrapped, predefined entities decoded), empty
// for aggregates.
type token struct {
	kind  tokKind
	name  string // upper-case tag name
	value string
	pos   int  // offset of '<' in the source
	atEOF bool // the value ran into the end of the file (possibly cut)
}

// scanner splits OFX 1.x SGML and OFX 2.x XML into tags with one tolerant
// pass: leaf tags with or without closing tags, several tags per line, no
// header, headers before blank lines, comments, processing instructions and
// DOCTYPEs skipped (never expanded), stray text counted, not fatal.
type scanner struct {
	src       string
	pos       int
	stray     int // pieces of text outside any leaf value
	strayText string
	malformed int    // '<' that did not open a readable tag
	cut       bool   // the file ended inside a tag
	doctype   bool   // a DOCTYPE (possibly with entity declarations) was skipped
	started   bool   // the first tag was seen; text before it is the header
	lastGT    int    // 1 + offset of the last '>' in the file, computed on demand
	undecoded bool   // src holds Windows-1252 bytes: values are decoded as read
	arena     []byte // the current chunk of decoded values
}

func newScanner(src string) *scanner { return &scanner{src: src} }

// next returns the next tag, or a token of kind tokEOF.
func (sc *scanner) next() token {
	for {
		i := strings.IndexByte(sc.src[sc.pos:], '<')
		if i < 0 {
			sc.noteStray(sc.src[sc.pos:])
			sc.pos = len(sc.src)
			return token{kind: tokEOF, pos: len(sc.src)}
		}
		if i > 0 {
			sc.noteStray(sc.src[sc.pos : sc.pos+i])
		}
		at := sc.pos + i
		sc.pos = at
		if at+1 >= len(sc.src) {
			sc.cut = true
			sc.pos = len(sc.src)
			return token{kind: tokEOF, pos: at}
		}
		c := sc.src[at+1]
		switch {
		case c == '/':
			name, end, ok := sc.tagName(at + 2)
			if !ok {
				sc.skipBad(at)
				continue
			}
			sc.pos = end
			sc.started = true
			return token{kind: tokEnd, name: name, pos: at}
		case c == '?':
			sc.skipUntil(at, "?>")
			continue
		case c == '!':
			sc.skipBang(at)
			continue
		case isNameStart(c):
			name, end, ok := sc.tagName(at + 1)
			if !ok {
				sc.skipBad(at)
				continue
			}
			sc.pos = end
			sc.started = true
			value, atEOF := sc.leafValue()
			return token{kind: tokStart, name: name, value: value, pos: at, atEOF: atEOF}
		default:
			// A '<' that opens nothing ("<3", "< "): plain stray text.
			sc.malformed++
			sc.noteStray(sc.src[at : at+1])
			sc.pos = at + 1
		}
	}
}

// tagName reads a tag name starting at i and skips to the closing '>'
// (attributes, if any, are ignored). ok is false when no '>' closes the tag
// before the next '<' or the end of the file.
func (sc *scanner) tagName(i int) (name string, end int, ok bool) {
	j := i
	for j < len(sc.src) && isNameByte(sc.src[j]) {
		j++
	}
	if j == i {
		return "", 0, false
	}
	name = sc.src[i:j]
	for k := j; k < len(sc.src); k++ {
		switch sc.src[k] {
		case '>':
			return upper(name), k + 1, true
		case '<':
			return "", 0, false
		}
	}
	sc.cut = true
	return "", 0, false
}

// skipBad records a '<' that did not open a readable tag and moves past it.
func (sc *scanner) skipBad(at int) {
	sc.malformed++
	if sc.lastGT == 0 {
		sc.lastGT = strings.LastIndexByte(sc.src, '>') + 1 // 0 means unknown, so store +1
	}
	if at+1 >= sc.lastGT {
		sc.cut = true
		sc.pos = len(sc.src)
		return
	}
	sc.pos = at + 1
}

// skipUntil moves past the next occurrence of end after at (or to EOF).
func (sc *scanner) skipUntil(at int, end string) {
	if k := strings.Index(sc.src[at:], end); k >= 0 {
		sc.pos = at + k + len(end)
		return
	}
	sc.cut = true
	sc.pos = len(sc.src)
}

// skipBang skips comments, CDATA out of place and declarations. A DOCTYPE's
// internal subset (where entity bombs live) is skipped as a whole: entities
// are never expanded.
func (sc *scanner) skipBang(at int) {
	rest := sc.src[at:]
	switch {
	case strings.HasPrefix(rest, "<!--"):
		sc.skipUntil(at, "-->")
	case strings.HasPrefix(rest, "<![CDATA["):
		sc.noteStray("CDATA")
		sc.skipUntil(at, "]]>")
	default:
		if len(rest) >= 9 && strings.EqualFold(rest[2:9], "DOCTYPE") {
			sc.doctype = true
		}
		depth := 0
		for k := 2; k < len(rest); k++ {
			switch rest[k] {
			case '[':
				depth++
			case ']':
				if depth > 0 {
					depth--
				}
			case '>':
				if depth == 0 {
					sc.pos = at + k + 1
					return
				}
			}
		}
		sc.cut = true
		sc.pos = len(sc.src)
	}
}

// leafValue reads the text after a start tag: up to the next tag or the end
// of the line, whichever comes first. Text after the end of the line and
// before the next tag is stray. A CDATA section right after the tag is the
// value.
func (sc *scanner) leafValue() (string, bool) {
	start := sc.pos
	k := start
	for k < len(sc.src) && (sc.src[k] == ' ' || sc.src[k] == '\t') {
		k++
	}
	if strings.HasPrefix(sc.src[k:], "<![CDATA[") {
		body := k + len("<![CDATA[")
		e := strings.Index(sc.src[body:], "]]>")
		if e < 0 {
			sc.cut = true
			sc.pos = len(sc.src)
			return strings.TrimSpace(sc.decode(sc.src[body:])), true
		}
		sc.pos = body + e + 3
		return strings.TrimSpace(sc.decode(sc.src[body : body+e])), false
	}
	end := sc.valueEnd(start)
	seg := sc.src[start:end]
	atEOF := end == len(sc.src)
	if nl := strings.IndexByte(seg, '\n'); nl >= 0 {
		sc.noteStray(seg[nl:])
		seg = seg[:nl]
		atEOF = false
	}
	sc.pos = end
	seg = trim(sc.decode(seg))
	if strings.IndexByte(seg, '&') >= 0 {
		seg = decodeEntities(seg)
	}
	return seg, atEOF
}

// valueEnd finds the next '<' that opens a tag (a '<' followed by a letter,
// '/', '?' or '!'), or the end of the file: "COMPRA <3" keeps its '<'.
func (sc *scanner) valueEnd(from int) int {
	for {
		i := strings.IndexByte(sc.src[from:], '<')
		if i < 0 {
			return len(sc.src)
		}
		at := from + i
		if at+1 >= len(sc.src) {
			return at
		}
		c := sc.src[at+1]
		if c == '/' || c == '?' || c == '!' || isNameStart(c) {
			return at
		}
		from = at + 1
	}
}

// noteStray counts non-blank text found outside a leaf value. Text before
// the first tag is the OFX 1.x header and is not stray.
func (sc *scanner) noteStray(s string) {
	if !sc.started {
		return
	}
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			sc.stray++
			if sc.strayText == "" {
				if sc.undecoded {
					s = source.Windows1252String(s) // once per file
				}
				sc.strayText = trim(s)
				if len(sc.strayText) > 40 {
					sc.strayText = sc.strayText[:40]
				}
			}
			return
		}
	}
}

// decode turns a value of an undecoded Windows-1252 source into UTF-8.
// Decoded values are packed into shared chunks, never written again once
// a string points into them, so a value costs no allocation of its own.
func (sc *scanner) decode(v string) string {
	if !sc.undecoded {
		return v
	}
	if source.ASCII(v) {
		return v
	}
	if cap(sc.arena)-len(sc.arena) < 3*len(v) {
		sc.arena = make([]byte, 0, max(arenaChunk, 3*len(v)))
	}
	start := len(sc.arena)
	sc.arena = source.AppendWindows1252(sc.arena, v)
	out := sc.arena[start:]
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// arenaChunk is the size of the chunks decoded values are packed into.
const arenaChunk = 32 << 10

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func isNameStart(c byte) bool { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') }

func isNameByte(c byte) bool {
	return isNameStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-'
}

// trim removes ASCII blanks (and NBSP) around s without allocating.
func trim(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	if strings.HasPrefix(s, "\u00a0") || strings.HasSuffix(s, "\u00a0") {
		return strings.TrimSpace(strings.Trim(s, "\u00a0"))
	}
	return s
}

// upper returns s in upper case, without allocating when it already is.
func upper(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

// decodeEntities decodes the five predefined XML entities and numeric
// character references. Anything else ("&custom;") stays as written: OFX
// never expands declared entities.
func decodeEntities(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		semi := strings.IndexByte(s, ';')
		if semi < 0 || semi > 10 {
			b.WriteByte('&')
			s = s[1:]
			continue
		}
		ref := s[1:semi]
		if r, ok := entityRune(ref); ok {
			b.WriteRune(r)
			s = s[semi+1:]
			continue
		}
		b.WriteByte('&')
		s = s[1:]
	}
}

func entityRune(ref string) (rune, bool) {
	switch ref {
	case "amp":
		return '&', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	base, digits := 10, ref[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	if digits == "" {
		return 0, false
	}
	var r rune
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		r = r*rune(base) + d
		if r > 0x10FFFF {
			return 0, false
		}
	}
	if r == 0 || (r >= 0xD800 && r <= 0xDFFF) {
		return 0, false
	}
	return r, true
}
