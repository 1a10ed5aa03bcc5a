package table

import (
	"iter"
	"math/bits"
	"slices"
	"strings"
)

// delimiters are the separators Brazilian bank exports use, in order of
// preference when the evidence ties.
var delimiters = [...]byte{';', '\t', ',', '|'}

// sniffLines is how many non-blank lines the delimiter vote looks at.
const sniffLines = 40

// ReadGrid splits decoded CSV/TXT text into rows of trimmed cells. The
// delimiter is sniffed outside quotes; CRLF and LF both end a row; a quoted
// field may hold the delimiter, doubled quotes and line breaks; a quote in
// the middle of a field, or one never closed, is kept as a literal
// character. maxRows > 0 stops after that many rows (detection reads only
// the head of a file).
func ReadGrid(text string, maxRows int) [][]string {
	return readGrid(text, SniffDelimiter(text), maxRows)
}

// SniffDelimiter picks the separator whose count per line is the most
// regular over the first lines, counting only characters outside quotes.
func SniffDelimiter(text string) byte {
	var counts [len(delimiters)][]int
	seen := 0
	for text != "" && seen < sniffLines {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		seen++
		for d, c := range delimiters {
			counts[d] = append(counts[d], countOutsideQuotes(line, c))
		}
	}
	best, bestMode, bestWith := delimiters[0], 0, 0
	for d := range delimiters {
		mode, with := regularity(counts[d])
		if mode > bestMode || (mode == bestMode && with > bestWith) {
			best, bestMode, bestWith = delimiters[d], mode, with
		}
	}
	return best
}

// regularity returns how many lines share the most frequent non-zero count
// and how many lines hold the character at all.
func regularity(counts []int) (mode, with int) {
	freq := map[int]int{}
	for _, n := range counts {
		if n > 0 {
			with++
			freq[n]++
		}
	}
	for _, f := range freq {
		mode = max(mode, f)
	}
	return mode, with
}

func countOutsideQuotes(line string, c byte) int {
	n, quoted := 0, false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			quoted = !quoted
		case c:
			if !quoted {
				n++
			}
		}
	}
	return n
}

// readGrid is the tolerant splitter. Rows share one backing slice of cells,
// so a 10,000-row file costs a handful of allocations.
func readGrid(text string, delim byte, maxRows int) [][]string {
	n := strings.Count(text, "\n") + 1
	if maxRows > 0 {
		n = min(n, maxRows)
	}
	rows := make([][]string, 0, n)
	cells := make([]string, 0, 8*cap(rows))
	for text != "" {
		if maxRows > 0 && len(rows) >= maxRows {
			break
		}
		start := len(cells)
		cells, text = splitRow(cells, text, delim)
		rows = append(rows, cells[start:len(cells):len(cells)])
	}
	return rows
}

// splitRow appends the cells of the first record of text and returns the
// rest of the text.
func splitRow(cells []string, text string, delim byte) ([]string, string) {
	// One pass over a plain line, eight bytes at a time: cells are short,
	// so this beats searching for the line end, a quote and each delimiter
	// apart.
	start := 0
	n := len(cells)
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
			cells = append(cells, trimCell(text[start:i]))
			start = i + 1
		case '\n':
			end := i
			if end > start && text[end-1] == '\r' {
				end--
			}
			return append(cells, trimCell(text[start:end])), text[i+1:]
		case '"':
			return splitQuoted(cells[:n], text, delim)
		}
		i++
	}
	return append(cells, trimCell(strings.TrimSuffix(text[start:], "\r"))), ""
}

// Word-at-a-time byte search: zeroByte sets the high bit of the lowest
// zero byte of w (higher bytes may be marked wrongly, so only the lowest
// mark is used).
const (
	lows     = 0x0101010101010101
	highs    = 0x8080808080808080
	newlines = lows * '\n'
	quotes   = lows * '"'
)

func zeroByte(w uint64) uint64 { return (w - lows) &^ w & highs }

// load64 reads eight bytes little-endian.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// trimCell is strings.TrimSpace with a fast path for ASCII blanks.
func trimCell(s string) string {
	if len(s) == 0 || (s[0] > ' ' && s[0] < 0x80 && s[len(s)-1] > ' ' && s[len(s)-1] < 0x80) {
		return s
	}
	for len(s) > 0 && asciiSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && asciiSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && (s[0] >= 0x80 || s[len(s)-1] >= 0x80) {
		return strings.TrimSpace(s)
	}
	return s
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// rowsOf yields the rows of text one at a time, as readGrid splits them,
// without building the grid: the slice handed to yield is reused for the
// next row.
func rowsOf(text string, delim byte) iter.Seq[[]string] {
	return func(yield func([]string) bool) {
		cells := make([]string, 0, 16)
		rest := text
		for rest != "" {
			cells, rest = splitRow(cells[:0], rest, delim)
			if !yield(cells) {
				return
			}
		}
	}
}

// rowsOfGrid yields the rows of a grid.
func rowsOfGrid(grid [][]string) iter.Seq[[]string] {
	return func(yield func([]string) bool) {
		for _, row := range grid {
			if !yield(row) {
				return
			}
		}
	}
}

// headGrid reads the top of a table, enough for every layout's find: at
// least headerScan rows, and valueSample non-blank rows after any of them.
func headGrid(text string, delim byte) [][]string {
	var rows [][]string
	nonBlank := 0
	for row := range rowsOf(text, delim) {
		if len(rows) >= headerScan && nonBlank >= headerScan+valueSample {
			break
		}
		rows = append(rows, slices.Clone(row))
		if !blank(row) {
			nonBlank++
		}
	}
	return rows
}

// splitQuoted reads one record that holds quotes, possibly over several
// lines, and returns the rest of the text.
func splitQuoted(cells []string, text string, delim byte) ([]string, string) {
	for {
		field, rest, end := nextField(text, delim)
		cells = append(cells, field)
		text = rest
		if end {
			return cells, text
		}
	}
}

// nextField reads one field from text. end reports that the record ended
// (line break or end of text) after it.
func nextField(text string, delim byte) (field, rest string, end bool) {
	lead := 0
	for lead < len(text) && (text[lead] == ' ' || text[lead] == '\t') && text[lead] != delim {
		lead++
	}
	if lead < len(text) && text[lead] == '"' {
		if close := closingQuote(text, lead+1); close >= 0 && sensibleClose(text, lead, close) {
			value := text[lead+1 : close]
			if strings.Contains(value, `""`) {
				value = strings.ReplaceAll(value, `""`, `"`)
			}
			// Anything between the closing quote and the delimiter is kept.
			tail, rest, end := plainField(text[close+1:], delim)
			if tail != "" {
				value += tail
			}
			return strings.TrimSpace(strings.ReplaceAll(value, "\r\n", "\n")), rest, end
		}
	}
	return plainField(text, delim)
}

// maxQuoted bounds a quoted field: a quote left open further than this is
// a stray character, and the bound keeps a file full of them linear.
const maxQuoted = 4096

// closingQuote returns the index of the quote closing a field opened before
// from, or -1 when it is not closed within maxQuoted bytes.
func closingQuote(text string, from int) int {
	if len(text) > from+maxQuoted {
		text = text[:from+maxQuoted]
	}
	for i := from; i < len(text); {
		j := strings.IndexByte(text[i:], '"')
		if j < 0 {
			return -1
		}
		i += j
		if i+1 < len(text) && text[i+1] == '"' {
			i += 2
			continue
		}
		return i
	}
	return -1
}

// sensibleClose rejects a quoted field that spans lines but whose closing
// quote is not followed by a delimiter or a line end: that is a stray quote
// which would otherwise swallow the rest of the file.
func sensibleClose(text string, open, close int) bool {
	if strings.IndexByte(text[open:close], '\n') < 0 {
		return true
	}
	after := strings.TrimLeft(text[close+1:], " \t")
	return after == "" || after[0] == '\n' || after[0] == '\r' || strings.IndexByte(";,\t|", after[0]) >= 0
}

// plainField reads up to the next delimiter or line break.
func plainField(text string, delim byte) (field, rest string, end bool) {
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case delim:
			return strings.TrimSpace(text[:i]), text[i+1:], false
		case '\n':
			return strings.TrimSpace(strings.TrimSuffix(text[:i], "\r")), text[i+1:], true
		}
	}
	return strings.TrimSpace(text), "", true
}
