package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date: a posting day as the bank printed it, never shifted by
// a time zone. The zero Date means unknown.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate validates and returns a civil date (31 February is an error).
func NewDate(year int, month time.Month, day int) (Date, error) {
	if year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 {
		return Date{}, fmt.Errorf("invalid date %04d-%02d-%02d", year, month, day)
	}
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || t.Month() != month {
		return Date{}, fmt.Errorf("invalid date %04d-%02d-%02d", year, month, day)
	}
	return Date{Year: year, Month: month, Day: day}, nil
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.Year == 0 }

// Time returns midnight UTC of the date, for storage and spreadsheet cells.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String renders YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// BR renders DD/MM/YYYY.
func (d Date) BR() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}

// Compare returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ParseISODate reads YYYY-MM-DD.
func ParseISODate(s string) (Date, error) {
	return ParseDate(s, OrderYMD)
}

// DateOrder is the order of day, month and year in a textual date column.
type DateOrder int

// The date orders a column can have.
const (
	OrderDMY DateOrder = iota // 31/01/2024, Brazilian
	OrderMDY                  // 01/31/2024
	OrderYMD                  // 2024-01-31 or 20240131
)

// ParseDate reads a date in the given order. Separators may be '/', '-', '.'
// or absent (8 digits). Two-digit years are 20YY. A time after the date
// (space or 'T') is ignored.
func ParseDate(s string, order DateOrder) (Date, error) {
	orig := s
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	var parts []string
	if len(s) == 8 && allDigits(s) {
		if order == OrderYMD {
			parts = []string{s[:4], s[4:6], s[6:]}
		} else {
			parts = []string{s[:2], s[2:4], s[4:]}
		}
	} else {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	}
	if len(parts) != 3 {
		return Date{}, fmt.Errorf("parse date %q: not a date", orig)
	}
	n := [3]int{}
	for i, p := range parts {
		if p == "" || len(p) > 4 || !allDigits(p) {
			return Date{}, fmt.Errorf("parse date %q: not a date", orig)
		}
		n[i], _ = strconv.Atoi(p)
	}
	var y, m, d int
	switch order {
	case OrderDMY:
		d, m, y = n[0], n[1], n[2]
	case OrderMDY:
		m, d, y = n[0], n[1], n[2]
	default:
		y, m, d = n[0], n[1], n[2]
	}
	if y < 100 {
		y += 2000
	}
	dt, err := NewDate(y, time.Month(m), d)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", orig, err)
	}
	return dt, nil
}

// InferDateOrder decides day/month order from every value of a column: a first
// field above 12 means DMY, a second field above 12 means MDY, a four-digit
// first field means YMD. Undecided columns are DMY, the Brazilian order.
func InferDateOrder(values []string) DateOrder {
	var v DateOrderVote
	for _, x := range values {
		v.Add(x)
	}
	return v.Order()
}

// DateOrderVote is InferDateOrder one value at a time, for a column read as
// a stream: Add every value, then Order.
type DateOrderVote struct {
	dmy, mdy int
	ymd      bool
}

// Add counts one value of the column.
func (o *DateOrderVote) Add(v string) {
	if o.ymd {
		return
	}
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, " T"); i > 0 {
		v = v[:i]
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 {
		if len(v) == 8 && allDigits(v) && (v[:2] == "19" || v[:2] == "20") {
			o.ymd = true
		}
		return
	}
	if len(parts[0]) == 4 {
		o.ymd = true
		return
	}
	a, _ := strconv.Atoi(parts[0])
	b, _ := strconv.Atoi(parts[1])
	if a > 12 {
		o.dmy++
	}
	if b > 12 {
		o.mdy++
	}
}

// Order is the order the values counted so far show.
func (o *DateOrderVote) Order() DateOrder {
	switch {
	case o.ymd:
		return OrderYMD
	case o.mdy > o.dmy:
		return OrderMDY
	}
	return OrderDMY
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
