package sheet

import (
	"strings"
	"time"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// numClass is what a cell's number format makes of a number.
type numClass int

const (
	classGeneral numClass = iota // shown as is
	classDate                    // a date (or date and time): the number is a serial day
	classDecimal                 // shown with decimal places: an amount
)

// builtinClass classifies Excel's built-in number formats by id.
func builtinClass(id int) numClass {
	switch {
	case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 36, id >= 50 && id <= 58:
		return classDate
	case id == 2, id == 4, id == 7, id == 8, id == 10, id == 11, id == 39, id == 40, id == 43, id == 44:
		return classDecimal
	}
	return classGeneral
}

// customClass classifies a custom number format code: quoted text, bracketed
// sections ([$R$-416], [Red]) and escaped characters are skipped; a day or
// year token makes a date, "0.0" an amount.
func customClass(code string) numClass {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				i = len(code)
			} else {
				i += j + 1
			}
		case '[':
			j := strings.IndexByte(code[i+1:], ']')
			if j < 0 {
				i = len(code)
			} else {
				i += j + 1
			}
		case '\\', '_', '*':
			i++ // the next character is literal or padding
		default:
			b.WriteByte(c)
		}
	}
	f := strings.ToLower(b.String())
	if i := strings.IndexByte(f, ';'); i >= 0 {
		f = f[:i] // the positive section decides
	}
	switch {
	case strings.ContainsAny(f, "dy"):
		return classDate
	case strings.Contains(f, "m") && !strings.ContainsAny(f, "hs"):
		return classDate
	case strings.Contains(f, "0.0") || strings.Contains(f, "#.0"):
		return classDecimal
	}
	return classGeneral
}

// numberText turns the decimal text a spreadsheet stores ("1234.5",
// "-0.1", "1.5E-2", "1234.5599999999999") into Brazilian notation for the
// grid parser ("1234,50"), exactly, without a binary float: digits are moved,
// never computed. Fractions are padded to two places; integers stay integers
// unless decimals is set. A value that carries binary-float noise (15 or more
// significant digits) is rounded to centavos on its digits; any other value
// with more than two decimal places is kept whole, so that the money parser
// refuses it rather than rounding it. ok is false when raw is not a number.
func numberText(raw string, decimals bool) (string, bool) {
	s := strings.TrimSpace(raw)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, ok := smallInt(s[i+1:])
		if !ok || e > 30 || e < -30 {
			return "", false
		}
		exp, s = e, s[:i]
	}
	intDigits, fracDigits, _ := strings.Cut(s, ".")
	if intDigits == "" && fracDigits == "" || !digitsOnly(intDigits) || !digitsOnly(fracDigits) {
		return "", false
	}
	digits := intDigits + fracDigits
	point := len(intDigits) + exp // position of the decimal point in digits
	switch {
	case point <= 0:
		digits = strings.Repeat("0", -point+1) + digits
		point = 1
	case point > len(digits):
		digits += strings.Repeat("0", point-len(digits))
	}
	ip, fp := strings.TrimLeft(digits[:point], "0"), strings.TrimRight(digits[point:], "0")
	if ip == "" {
		ip = "0"
	}
	fraction := fp != ""
	if len(fp) > 2 && len(strings.TrimLeft(ip+fp, "0")) >= 15 {
		ip, fp = roundCents(ip, fp)
	}
	if fraction || decimals {
		for len(fp) < 2 {
			fp += "0"
		}
	}
	out := ip
	if fp != "" {
		out += "," + fp
	}
	if neg && strings.Trim(out, "0,") != "" {
		out = "-" + out
	}
	return out, true
}

// roundCents rounds ip.fp half up to two decimal places, on the digits.
func roundCents(ip, fp string) (string, string) {
	up := fp[2] >= '5'
	d := []byte(ip + fp[:2])
	for i := len(d) - 1; up && i >= 0; i-- {
		if d[i] == '9' {
			d[i] = '0'
			continue
		}
		d[i]++
		up = false
	}
	s := string(d)
	if up {
		s = "1" + s
	}
	return s[:len(s)-2], strings.TrimRight(s[len(s)-2:], "0")
}

// serialDate turns an Excel serial day number ("45292", "45292.5") into
// DD/MM/YYYY. The 1900 system counts the phantom 29 February 1900 (serial
// 60), which has no date; date1904 workbooks count from 1 January 1904.
func serialDate(raw string, date1904 bool) (string, bool) {
	whole, _, _ := strings.Cut(strings.TrimSpace(raw), ".")
	n, ok := smallInt(whole)
	if !ok || n < 1 || n > 200000 {
		return "", false
	}
	var t time.Time
	switch {
	case date1904:
		t = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	case n == 60:
		return "", false
	case n < 60:
		t = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	default:
		t = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
	}
	d, err := domain.NewDate(t.Year(), t.Month(), t.Day())
	if err != nil {
		return "", false
	}
	return d.BR(), true
}

// isoDate turns an ISO 8601 date cell ("2024-01-02T00:00:00Z") into DD/MM/YYYY.
func isoDate(raw string) (string, bool) {
	if len(raw) < 10 || raw[4] != '-' || raw[7] != '-' {
		return "", false
	}
	d, err := domain.ParseDate(raw[:10], domain.OrderYMD)
	if err != nil {
		return "", false
	}
	return d.BR(), true
}

// convertSerialColumns rewrites whole numbers in the serial range that sit
// under a date title ("Data", "Data Lançamento", "Date") as DD/MM/YYYY: some
// banks write dates as plain numbers with the General format. numeric says
// which cells held numbers.
func convertSerialColumns(grid [][]string, numeric [][]bool, date1904 bool) {
	dateCol := map[int]int{} // column -> title row
	for r := 0; r < len(grid) && r < 30; r++ {
		for c, v := range grid[r] {
			if _, seen := dateCol[c]; seen || numeric[r][c] {
				continue
			}
			f := source.Fold(v)
			if f == "data" || f == "date" || strings.HasPrefix(f, "data ") || strings.HasPrefix(f, "dt ") {
				dateCol[c] = r
			}
		}
	}
	for c, title := range dateCol {
		for r := title + 1; r < len(grid); r++ {
			if c >= len(grid[r]) || !numeric[r][c] {
				continue
			}
			n, ok := smallInt(grid[r][c])
			if !ok || n < 20000 || n > 80000 { // 1954..2119
				continue
			}
			if d, ok := serialDate(grid[r][c], date1904); ok {
				grid[r][c] = d
			}
		}
	}
}

func smallInt(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" || len(s) > 9 || !digitsOnly(s) {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
