package table

import (
	"iter"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// headerScan is how many rows from the top may hold the column titles.
const headerScan = 30

// Confidence levels.
const (
	scoreExact      = 95 // header equal to a bank's signature
	scorePrefix     = 90 // header starting with a bank's signature
	scoreMarker     = 80 // only a bank's preamble marker, header found by words
	scoreHeaderless = 85 // a bank layout without titles, recognised by values
	scoreGeneric    = 35 // generic table with date and amount titles
	scoreValues     = 30 // generic table with date and amount found by values
)

// match is where a layout found its table in a grid.
type match struct {
	header int // index of the column titles; -1 for a headerless table
	cols   columns
	score  int
}

// DetectGrid names the layout of a grid (a layout id such as "bradesco",
// "bb", "generic") and the confidence: 90+ for an exact bank header, 30-40
// for a generic table with recognisable date and amount columns, 0 when the
// grid is no statement table.
func DetectGrid(grid [][]string) (layout string, confidence int) {
	best, ok := detect(grid)
	if !ok {
		return "", 0
	}
	return best.lay.id, best.m.score
}

type detection struct {
	lay layout
	m   match
}

// detect returns the layout with the highest confidence.
func detect(grid [][]string) (detection, bool) {
	var best detection
	for _, l := range layouts {
		if m, ok := l.find(grid, rowsOfGrid(grid)); ok && m.score > best.m.score {
			best = detection{lay: l, m: m}
		}
	}
	return best, best.m.score > 0
}

// find locates the layout's table in the top rows of a table (see
// headGrid); all yields every row, for the checks that need the whole table.
func (l layout) find(grid [][]string, all iter.Seq[[]string]) (match, bool) {
	switch {
	case l.headerless:
		return l.findHeaderless(grid, all)
	case len(l.signatures) == 0:
		return findGeneric(grid)
	}
	markerAt := -1
	for i := 0; i < len(grid) && i < headerScan; i++ {
		norm := normRow(grid[i])
		if len(norm) == 0 {
			continue
		}
		if l.marker != "" && markerAt < 0 && strings.HasPrefix(strings.Join(norm, " "), l.marker) {
			markerAt = i
		}
		for _, sig := range l.signatures {
			if !signatureMatches(norm, sig) {
				continue
			}
			score := scorePrefix
			if len(norm) == len(sig) {
				score = scoreExact
			}
			if markerAt >= 0 {
				score += 3
			}
			return match{header: i, cols: mapHeader(grid[i]), score: score}, true
		}
	}
	if markerAt >= 0 {
		if m, ok := findGeneric(grid[markerAt:]); ok && m.header >= 0 {
			m.header += markerAt
			m.score = scoreMarker
			return m, true
		}
	}
	return match{}, false
}

// signatureMatches reports whether a normalized row starts with sig.
func signatureMatches(norm, sig []string) bool {
	if len(norm) < len(sig) {
		return false
	}
	for i, want := range sig {
		found := false
		for alt := range strings.SplitSeq(want, "|") {
			if norm[i] == alt {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// findGeneric finds the first row in the top of the grid whose words name a
// date and an amount; failing that, columns recognised by their values.
func findGeneric(grid [][]string) (match, bool) {
	for i := 0; i < len(grid) && i < headerScan; i++ {
		c := mapHeader(grid[i])
		if c.hasMovement() {
			score := scoreGeneric
			if len(c.desc) > 0 {
				score += 5
			}
			return match{header: i, cols: c, score: score}, true
		}
	}
	if c, ok := columnsByValues(grid); ok {
		return match{header: -1, cols: c, score: scoreValues}, true
	}
	return match{}, false
}

// findHeaderless recognises a title-less layout by the shape of its rows.
func (l layout) findHeaderless(grid [][]string, all iter.Seq[[]string]) (match, bool) {
	c, ok := columnsByValues(grid)
	if !ok || c.date != 0 || c.amount != l.columnsWant-1 {
		return match{}, false
	}
	rows, fit := 0, 0
	for row := range all {
		if blank(row) {
			continue
		}
		rows++
		if len(row) == l.columnsWant {
			fit++
		}
	}
	if fit*10 < rows*9 {
		return match{}, false
	}
	return match{header: -1, cols: c, score: scoreHeaderless}, true
}

// valueSample is how many non-blank rows columnsByValues looks at.
const valueSample = 60

// columnsByValues finds the date, amount, balance and description columns
// of a table without titles from what its cells hold: the first column of
// dates, the first and second columns of amounts, the wordiest text column.
func columnsByValues(grid [][]string) (columns, bool) {
	var dates, money, words []int
	rows := 0
	for _, row := range grid {
		if rows >= valueSample {
			break
		}
		if blank(row) {
			continue
		}
		rows++
		for len(dates) < len(row) {
			dates, money, words = append(dates, 0), append(money, 0), append(words, 0)
		}
		for i, v := range row {
			switch {
			case looksDate(v):
				dates[i]++
			case looksMoney(v):
				money[i]++
			case hasLetter(v):
				words[i]++
			}
		}
	}
	need := max(1, rows*6/10)
	c := noColumns()
	for i := range dates {
		switch {
		case dates[i] >= need && c.date < 0:
			c.date = i
		case money[i] >= need && c.amount < 0:
			c.amount = i
		case money[i] >= need && c.balance < 0:
			c.balance = i
		}
	}
	best := 0
	for i, n := range words {
		if n > best && i != c.date && i != c.amount && i != c.balance {
			best, c.desc = n, []int{i}
		}
	}
	return c, c.hasMovement()
}

// looksDate reports a cell that reads as a date in some order.
func looksDate(v string) bool {
	if len(v) < 6 || v[0] < '0' || v[0] > '9' {
		return false
	}
	if _, err := domain.ParseDate(v, domain.OrderDMY); err == nil {
		return true
	}
	_, err := domain.ParseDate(v, domain.OrderYMD)
	return err == nil
}

// looksMoney reports a cell that reads as an amount with two decimals.
func looksMoney(v string) bool {
	t := strings.TrimRight(v, " DdCc-)")
	if len(t) < 3 || t[len(t)-3] != ',' && t[len(t)-3] != '.' {
		return false
	}
	_, err := domain.ParseMoney(v, domain.StyleAuto)
	return err == nil
}

func hasLetter(v string) bool {
	for _, r := range v {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 0x7f {
			return true
		}
	}
	return false
}
