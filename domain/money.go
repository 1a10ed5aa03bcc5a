package domain

import (
	"fmt"
	"math"
	"strings"
	"unicode"
)

// Money is an exact amount in centavos. Negative means money leaving the
// account holder. It never passes through a binary float.
type Money int64

// NumberStyle says which character a column uses as the decimal mark.
type NumberStyle int

// The decimal conventions found in Brazilian bank exports.
const (
	// StyleAuto decides per value: the last of '.' or ',' is the decimal mark
	// when both appear; a lone ',' is decimal; a lone '.' is decimal unless it
	// repeats (1.234.567).
	StyleAuto NumberStyle = iota
	// StyleComma is the Brazilian notation: '.' groups thousands, ',' is decimal.
	StyleComma
	// StyleDot is the notation of OFX and of some CSVs: ',' groups, '.' is decimal.
	StyleDot
)

// ParseMoney reads an amount in any notation the banks use: 1.234,56,
// -1.234,56, 1.234,56-, 1.234,56 D / C, (1.234,56), R$ 1.234,56, +1234.56,
// 1234.56. A trailing D or a leading/trailing minus or parentheses make it
// negative. More than two non-zero decimal places is an error, never a rounding.
func ParseMoney(s string, style NumberStyle) (Money, error) {
	orig := s
	s = strings.TrimSpace(strings.Map(dropSpace, s))
	if s == "" {
		return 0, fmt.Errorf("parse money %q: empty", orig)
	}
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg = true
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	// Trailing D/C marker (case-insensitive), possibly after the value.
	if n := len(s); n > 1 {
		switch s[n-1] {
		case 'D', 'd':
			if isDigitOrSep(s[n-2]) {
				neg = !neg
				s = s[:n-1]
			}
		case 'C', 'c':
			if isDigitOrSep(s[n-2]) {
				s = s[:n-1]
			}
		}
	}
	s = strings.TrimPrefix(s, "R$")
	s = strings.TrimPrefix(s, "r$")
	if strings.HasSuffix(s, "-") {
		neg = !neg
		s = s[:len(s)-1]
	}
	if strings.HasPrefix(s, "-") {
		neg = !neg
		s = s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	s = strings.TrimPrefix(s, "R$")
	if s == "" {
		return 0, fmt.Errorf("parse money %q: no digits", orig)
	}
	dec := decimalMark(s, style)
	var intPart, fracPart string
	if dec != 0 {
		if i := strings.LastIndexByte(s, dec); i >= 0 {
			intPart, fracPart = s[:i], s[i+1:]
		} else {
			intPart = s
		}
	} else {
		intPart = s
	}
	group := byte('.')
	if dec == '.' {
		group = ','
	}
	var cents int64
	digits := 0
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		switch {
		case c >= '0' && c <= '9':
			if cents > (math.MaxInt64-9)/10 {
				return 0, fmt.Errorf("parse money %q: too large", orig)
			}
			cents = cents*10 + int64(c-'0')
			digits++
		case c == group:
		default:
			return 0, fmt.Errorf("parse money %q: unexpected %q", orig, c)
		}
	}
	if cents > math.MaxInt64/100 {
		return 0, fmt.Errorf("parse money %q: too large", orig)
	}
	cents *= 100
	for i := 0; i < len(fracPart); i++ {
		c := fracPart[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("parse money %q: unexpected %q", orig, c)
		}
		digits++
		var add int64
		switch i {
		case 0:
			add = int64(c-'0') * 10
		case 1:
			add = int64(c - '0')
		default:
			if c != '0' {
				return 0, fmt.Errorf("parse money %q: more than two decimal places", orig)
			}
		}
		if cents > math.MaxInt64-add {
			return 0, fmt.Errorf("parse money %q: too large", orig)
		}
		cents += add
	}
	if digits == 0 {
		return 0, fmt.Errorf("parse money %q: no digits", orig)
	}
	if neg {
		cents = -cents
	}
	return Money(cents), nil
}

func dropSpace(r rune) rune {
	if unicode.IsSpace(r) || r == '\u00a0' {
		return -1
	}
	return r
}

func isDigitOrSep(c byte) bool { return (c >= '0' && c <= '9') || c == '.' || c == ',' }

// decimalMark returns the byte used as decimal separator in s, or 0 if s has none.
func decimalMark(s string, style NumberStyle) byte {
	switch style {
	case StyleComma:
		return ','
	case StyleDot:
		return '.'
	}
	lastDot, lastComma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	switch {
	case lastDot >= 0 && lastComma >= 0:
		if lastDot > lastComma {
			return '.'
		}
		return ','
	case lastComma >= 0:
		if strings.Count(s, ",") > 1 {
			return 0
		}
		return ','
	case lastDot >= 0:
		if strings.Count(s, ".") > 1 {
			return 0
		}
		return '.'
	}
	return 0
}

// InferNumberStyle decides the decimal convention of a whole column from all
// of its values, never from one row. A value with both marks, a repeated mark
// (thousands groups) or a single mark followed by other than three digits
// settles a vote; columns where every value is ambiguous (1.234) fall back to
// the Brazilian notation.
func InferNumberStyle(values []string) NumberStyle {
	var v NumberStyleVote
	for _, x := range values {
		v.Add(x)
	}
	return v.Style()
}

// NumberStyleVote is InferNumberStyle one value at a time, for a column read
// as a stream: Add every value, then Style.
type NumberStyleVote struct {
	comma, dot int
}

// Add counts one value of the column.
func (n *NumberStyleVote) Add(v string) {
	v = strings.Map(dropSpace, v)
	v = strings.TrimRight(v, "DdCc-)")
	ld, lc := strings.LastIndexByte(v, '.'), strings.LastIndexByte(v, ',')
	switch {
	case ld >= 0 && lc >= 0:
		if ld > lc {
			n.dot++
		} else {
			n.comma++
		}
	case lc >= 0:
		if strings.Count(v, ",") > 1 {
			n.dot++
		} else if len(v)-lc-1 != 3 {
			n.comma++
		}
	case ld >= 0:
		if strings.Count(v, ".") > 1 {
			n.comma++
		} else if len(v)-ld-1 != 3 {
			n.dot++
		}
	}
}

// Style is the convention the values counted so far show.
func (n *NumberStyleVote) Style() NumberStyle {
	if n.dot > n.comma {
		return StyleDot
	}
	return StyleComma
}

// String renders the amount as the statement JSON contract asks: a decimal
// string with a dot and two places ("-1234.56").
func (m Money) String() string {
	sign := ""
	v := uint64(m)
	if m < 0 {
		sign = "-"
		v = uint64(-(m + 1)) + 1
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// BR renders the amount in Brazilian notation ("-1.234,56").
func (m Money) BR() string {
	s := m.String()
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	dot := strings.IndexByte(s, '.')
	intPart, frac := s[:dot], s[dot+1:]
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + "," + frac
}

// Abs returns the absolute value.
func (m Money) Abs() Money {
	if m < 0 {
		return -m
	}
	return m
}
