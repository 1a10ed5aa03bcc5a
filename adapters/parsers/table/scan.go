package table

import (
	"math/bits"
	"strings"
	"unicode"
)

// maxSpans is how many cells scanRow reads; a wider row goes to splitRow.
const maxSpans = 32

// span is one cell as bounds into the text: text[lo:hi].
type span struct{ lo, hi int }

// scanRow reads the first record of text as splitRow does when it holds no
// quote, but into bounds instead of strings: the spans hold no pointer, so
// filling them costs no write barrier while the collector runs, and the
// caller turns them into cells of its own stack. n is the number of cells,
// next where the rest of the text begins; ok is false for a record with a
// quote or more than maxSpans cells, which splitRow must read.
func scanRow(text string, delim byte, sp *[maxSpans]span) (n, next int, ok bool) {
	start := 0
	dl := lows * uint64(delim)
	for i := 0; i < len(text); {
		if i+8 <= len(text) {
			w := load64(text[i : i+8])
			m := zeroByte(w^dl) | zeroByte(w^newlines) | zeroByte(w^quotes)
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) / 8
		}
		switch text[i] {
		case delim:
			if n == maxSpans {
				return 0, 0, false
			}
			sp[n] = trimSpan(text, start, i)
			n++
			start = i + 1
		case '\n':
			end := i
			if end > start && text[end-1] == '\r' {
				end--
			}
			if n == maxSpans {
				return 0, 0, false
			}
			sp[n] = trimSpan(text, start, end)
			return n + 1, i + 1, true
		case '"':
			return 0, 0, false
		}
		i++
	}
	if n == maxSpans {
		return 0, 0, false
	}
	end := len(text)
	if end > start && text[end-1] == '\r' {
		end--
	}
	sp[n] = trimSpan(text, start, end)
	return n + 1, len(text), true
}

// trimSpan is trimCell on text[lo:hi], as bounds.
func trimSpan(text string, lo, hi int) span {
	if lo == hi || (text[lo] > ' ' && text[lo] < 0x80 && text[hi-1] > ' ' && text[hi-1] < 0x80) {
		return span{lo, hi}
	}
	for lo < hi && asciiSpace(text[lo]) {
		lo++
	}
	for lo < hi && asciiSpace(text[hi-1]) {
		hi--
	}
	if lo < hi && (text[lo] >= 0x80 || text[hi-1] >= 0x80) {
		// strings.TrimSpace, which trimCell calls here, trims unicode.IsSpace
		// from both ends.
		s := text[lo:hi]
		left := strings.TrimLeftFunc(s, unicode.IsSpace)
		lo += len(s) - len(left)
		hi = lo + len(strings.TrimRightFunc(left, unicode.IsSpace))
	}
	return span{lo, hi}
}
