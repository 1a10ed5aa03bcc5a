package table

import (
	"time"

	"github.com/bankflow/bankflow/domain"
)

// The fast paths below read the plain shapes that make up almost every cell
// of a bank export without allocating; anything else goes to the domain
// parsers, which remain the reference (FuzzFastPaths holds them equal).

// parseDate reads a date in the given order.
func parseDate(v string, order domain.DateOrder) (domain.Date, error) {
	if d, ok := fastDate(v, order); ok {
		return d, nil
	}
	return domain.ParseDate(v, order)
}

// fastDate reads DD/MM/YYYY, DD/MM/YY, YYYY-MM-DD and YYYYMMDD.
func fastDate(v string, order domain.DateOrder) (domain.Date, bool) {
	var a, b, c int
	switch {
	case len(v) == 10 && order != domain.OrderYMD && isSep(v[2]) && v[5] == v[2]:
		a, b, c = num2(v[0], v[1]), num2(v[3], v[4]), num4(v[6:10])
	case len(v) == 8 && order != domain.OrderYMD && isSep(v[2]) && v[5] == v[2]:
		a, b, c = num2(v[0], v[1]), num2(v[3], v[4]), num2(v[6], v[7])
		if c >= 0 {
			c += 2000
		}
	case len(v) == 10 && order == domain.OrderYMD && isSep(v[4]) && v[7] == v[4]:
		c, b, a = num(v[0:4]), num(v[5:7]), num(v[8:10])
	case len(v) == 8 && order == domain.OrderYMD:
		c, b, a = num(v[0:4]), num(v[4:6]), num(v[6:8])
	default:
		return domain.Date{}, false
	}
	if a < 0 || b < 0 || c < 0 {
		return domain.Date{}, false
	}
	day, month := a, b
	if order == domain.OrderMDY {
		day, month = b, a
	}
	if day < 1 || day > 28 || month < 1 || month > 12 || c < 1900 || c > 2200 {
		d, err := domain.NewDate(c, time.Month(month), day)
		return d, err == nil
	}
	return domain.Date{Year: c, Month: time.Month(month), Day: day}, true
}

func isSep(c byte) bool { return c == '/' || c == '-' || c == '.' }

// num reads a run of ASCII digits, -1 if any other byte appears.
func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// num2 reads two ASCII digits, -1 if either is not one.
func num2(x, y byte) int {
	x, y = x-'0', y-'0'
	if x > 9 || y > 9 {
		return -1
	}
	return int(x)*10 + int(y)
}

// num4 reads four ASCII digits, -1 if any is not one.
func num4(s string) int {
	_ = s[3]
	hi, lo := num2(s[0], s[1]), num2(s[2], s[3])
	if hi < 0 || lo < 0 {
		return -1
	}
	return hi*100 + lo
}

// parseMoney reads an amount with the column's decimal mark.
func parseMoney(v string, style domain.NumberStyle) (domain.Money, error) {
	if m, ok := fastMoney(v, style); ok {
		return m, nil
	}
	return domain.ParseMoney(v, style)
}

// fastMoney reads [-]digits with thousands groups and up to two decimals
// ("-1.234,56", "1500.00") when the decimal mark is known.
func fastMoney(v string, style domain.NumberStyle) (domain.Money, bool) {
	var dec, group byte
	switch style {
	case domain.StyleComma:
		dec, group = ',', '.'
	case domain.StyleDot:
		dec, group = '.', ','
	default:
		return 0, false
	}
	neg := false
	if v != "" && v[0] == '-' {
		neg, v = true, v[1:]
	}
	if v == "" || v[0] < '0' || v[0] > '9' || len(v) > 15 {
		return 0, false
	}
	var units int64
	i := 0
	for ; i < len(v) && v[i] != dec; i++ {
		if d := v[i] - '0'; d <= 9 {
			units = units*10 + int64(d)
		} else if v[i] != group {
			return 0, false
		}
	}
	cents := units * 100
	if i < len(v) {
		frac := v[i+1:]
		if len(frac) == 0 || len(frac) > 2 {
			return 0, false
		}
		d := frac[0] - '0'
		if d > 9 {
			return 0, false
		}
		f := int64(d) * 10
		if len(frac) == 2 {
			d = frac[1] - '0'
			if d > 9 {
				return 0, false
			}
			f += int64(d)
		}
		cents += f
	}
	if neg {
		cents = -cents
	}
	return domain.Money(cents), true
}
