package table

import (
	"fmt"
	"iter"
	"math/bits"
	"strings"
	"unicode"
)

// rowSource is a table to read: decoded text split as it is read, or a grid.
type rowSource struct {
	text  string
	delim byte
	grid  [][]string
}

// all yields every row from the first.
func (src rowSource) all() iter.Seq[[]string] {
	if src.grid != nil {
		return rowsOfGrid(src.grid)
	}
	return rowsOf(src.text, src.delim)
}

// rows classifies every row after the first ones (preamble and header).
// Text is split here rather than through rowsOf, into cells that live on
// the stack: no allocation and, for rows without quotes (scanRow), no
// write barrier per cell.
func (r *run) rows(src rowSource, first int) error {
	if src.grid != nil {
		for i, row := range src.grid[min(first, len(src.grid)):] {
			if err := r.step(first+i, first, row); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		sp    [maxSpans]span
		buf   [maxSpans]string
		cells []string
	)
	rest := src.text
	for i := 0; rest != ""; i++ {
		if n, next, ok := scanRow(rest, src.delim, &sp); ok {
			for k := range n {
				buf[k] = rest[sp[k].lo:sp[k].hi]
			}
			cells, rest = buf[:n], rest[next:]
		} else {
			cells, rest = splitRow(buf[:0], rest, src.delim)
		}
		if i < first {
			continue
		}
		if err := r.step(i, first, cells); err != nil {
			return err
		}
	}
	return nil
}

// step reads row i (0-based), checking for cancellation now and then.
func (r *run) step(i, first int, row []string) error {
	if (i-first)&4095 == 0 {
		if err := r.ctx.Err(); err != nil {
			return fmt.Errorf("parse %s: %w", r.st.Parser, err)
		}
	}
	return r.row(i+1, row)
}

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
	i := 0
	// Eight bytes at a time, every delimiter of a word handled from one
	// mask (exact, unlike zeroByte's, so all its bits can be used).
	for ; i+8 <= len(text); i += 8 {
		w := load64(text[i : i+8])
		m := exactZero(w^dl) | exactZero(w^newlines) | exactZero(w^quotes)
		for m != 0 {
			j := i + bits.TrailingZeros64(m)/8
			m &= m - 1
			switch text[j] {
			case delim:
				if n == maxSpans {
					return 0, 0, false
				}
				if j > start && visible(text[start]) && visible(text[j-1]) {
					sp[n] = span{start, j} // trimSpan's first case, inline
				} else {
					sp[n] = trimSpan(text, start, j)
				}
				n++
				start = j + 1
			case '\n':
				return scanEnd(text, delim, sp, n, start, j)
			default:
				return 0, 0, false
			}
		}
	}
	for ; i < len(text); i++ {
		switch text[i] {
		case delim:
			if n == maxSpans {
				return 0, 0, false
			}
			sp[n] = trimSpan(text, start, i)
			n++
			start = i + 1
		case '\n':
			return scanEnd(text, delim, sp, n, start, i)
		case '"':
			return 0, 0, false
		}
	}
	return scanEnd(text, delim, sp, n, start, len(text))
}

// scanEnd adds the last cell of a record, text[start:end] less a '\r',
// the record ending at a line break at end or at the end of the text.
func scanEnd(text string, delim byte, sp *[maxSpans]span, n, start, end int) (int, int, bool) {
	if n == maxSpans {
		return 0, 0, false
	}
	next := min(end+1, len(text))
	if end > start && text[end-1] == '\r' {
		end--
	}
	sp[n] = trimSpan(text, start, end)
	return n + 1, next, true
}

// visible reports a printable ASCII character other than the space.
func visible(c byte) bool { return c-0x21 < 0x5f }

// exactZero sets the high bit of every zero byte of w, and only those.
func exactZero(w uint64) uint64 {
	const lows7 = 0x7f7f7f7f7f7f7f7f
	return ^((w&lows7 + lows7) | w) & highs
}

// trimSpan is trimCell on text[lo:hi], as bounds.
func trimSpan(text string, lo, hi int) span {
	if lo == hi || (visible(text[lo]) && visible(text[hi-1])) {
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
