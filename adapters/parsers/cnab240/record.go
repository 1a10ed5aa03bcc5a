package cnab240

import (
	"fmt"
	"strings"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// lineWidth is the width of every CNAB 240 record.
const lineWidth = 240

// Record types (position 8).
const (
	typeFileHeader  = '0'
	typeLoteHeader  = '1'
	typeLoteInitial = '2'
	typeDetail      = '3'
	typeLoteFinal   = '4'
	typeLoteTrailer = '5'
	typeFileTrailer = '9'
)

// record is one line padded (or cut) to 240 columns, read by 1-based
// inclusive positions as the FEBRABAN layout documents them.
type record struct {
	line int    // 1-based line number in the file
	raw  string // the line as it was, without the line break
	text string // raw padded with spaces (or cut) to exactly 240 bytes
}

func newRecord(line int, raw string) record {
	text := raw
	if len(text) < lineWidth {
		text += strings.Repeat(" ", lineWidth-len(text))
	} else if len(text) > lineWidth {
		text = text[:lineWidth]
	}
	return record{line: line, raw: raw, text: text}
}

// field returns positions from..to (1-based, inclusive).
func (r record) field(from, to int) string { return r.text[from-1 : to] }

// trimmed returns field(from, to) without surrounding spaces.
func (r record) trimmed(from, to int) string { return strings.TrimSpace(r.field(from, to)) }

// kind is the record type at position 8.
func (r record) kind() byte { return r.text[7] }

// segment is the detail segment letter at position 14.
func (r record) segment() byte { return r.text[13] }

// amount reads an unsigned zero-padded number with 2 implied decimals at
// from..to followed by a D/C flag at position flag. D makes it negative.
func (r record) amount(from, to, flag int) (domain.Money, error) {
	v, err := r.unsigned(from, to)
	if err != nil {
		return 0, err
	}
	switch r.text[flag-1] {
	case 'D', 'd':
		return -v, nil
	case 'C', 'c':
		return v, nil
	}
	return 0, fmt.Errorf("flag %q at %d is neither D nor C", r.text[flag-1], flag)
}

// unsigned reads a zero-padded count of centavos at from..to. Leading spaces
// are tolerated (some writers pad with them); any other non-digit is an error.
func (r record) unsigned(from, to int) (domain.Money, error) {
	s := strings.TrimSpace(r.field(from, to))
	if s == "" {
		return 0, fmt.Errorf("positions %d-%d are blank", from, to)
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("positions %d-%d: %q is not a number", from, to, s)
		}
		v = v*10 + int64(c-'0') // at most 18 digits: fits in int64
	}
	return domain.Money(v), nil
}

// count reads a small zero-padded integer; ok is false when it is not one.
func (r record) count(from, to int) (int, bool) {
	s := strings.TrimSpace(r.field(from, to))
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// date reads DDMMAAAA at from..from+7; blank and all-zero dates are errors.
func (r record) date(from int) (domain.Date, error) {
	s := r.field(from, from+7)
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return domain.Date{}, fmt.Errorf("date %q at %d is not DDMMAAAA", s, from)
		}
	}
	d := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[2]-'0')*10 + int(s[3]-'0')
	y := int(s[4]-'0')*1000 + int(s[5]-'0')*100 + int(s[6]-'0')*10 + int(s[7]-'0')
	return domain.NewDate(y, time.Month(m), d)
}

// account reads the company account block at positions 53-72 (agência,
// DV, conta, DV, DV agência/conta). Leading zeros are dropped, keeping at
// least four digits of the agência. Writers differ on where the account's
// check digit goes: position 71, or 72 when 71 is blank (Itaú).
func (r record) account() (branch, number string) {
	ag := strings.TrimLeft(r.trimmed(53, 57), "0")
	for len(ag) > 0 && len(ag) < 4 {
		ag = "0" + ag
	}
	if dv := r.trimmed(58, 58); ag != "" && dv != "" {
		ag += "-" + dv
	}
	conta := strings.TrimLeft(r.trimmed(59, 70), "0")
	dv := r.trimmed(71, 71)
	if dv == "" {
		dv = r.trimmed(72, 72)
	}
	if conta != "" && dv != "" {
		conta += "-" + dv
	}
	return ag, conta
}

// excerpt is the row text kept in row notes.
func (r record) excerpt() string { return strings.TrimRight(r.raw, " ") }
