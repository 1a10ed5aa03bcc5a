package domain

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	cases := []struct {
		in    string
		order DateOrder
		want  string
	}{
		{"31/01/2024", OrderDMY, "2024-01-31"},
		{"02/09/24", OrderDMY, "2024-09-02"},
		{"01/31/2024", OrderMDY, "2024-01-31"},
		{"2024-01-31", OrderYMD, "2024-01-31"},
		{"20240131", OrderYMD, "2024-01-31"},
		{"31012024", OrderDMY, "2024-01-31"},
		{"31-01-2024", OrderDMY, "2024-01-31"},
		{"31/01/2024 10:22:33", OrderDMY, "2024-01-31"},
		{"2024-01-31T23:59:00-03:00", OrderYMD, "2024-01-31"},
		{"29/02/2024", OrderDMY, "2024-02-29"},
	}
	for _, c := range cases {
		d, err := ParseDate(c.in, c.order)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", c.in, err)
			continue
		}
		if d.String() != c.want {
			t.Errorf("ParseDate(%q) = %s, want %s", c.in, d, c.want)
		}
	}
	for _, bad := range []string{"", "00/00/0000", "31/02/2024", "29/02/2023", "2024-13-01", "abc", "1/2", "99999999"} {
		if d, err := ParseDate(bad, OrderDMY); err == nil {
			t.Errorf("ParseDate(%q) = %s, want an error", bad, d)
		}
	}
}

func TestInferDateOrder(t *testing.T) {
	if got := InferDateOrder([]string{"01/02/2024", "05/02/2024", "13/02/2024"}); got != OrderDMY {
		t.Errorf("a day above 12 anywhere in the column means DMY, got %v", got)
	}
	if got := InferDateOrder([]string{"01/02/2024", "02/13/2024"}); got != OrderMDY {
		t.Errorf("a second field above 12 means MDY, got %v", got)
	}
	if got := InferDateOrder([]string{"01/02/2024", "02/03/2024"}); got != OrderDMY {
		t.Errorf("undecided columns are Brazilian DMY, got %v", got)
	}
	if got := InferDateOrder([]string{"2024-02-01"}); got != OrderYMD {
		t.Errorf("four-digit first field means YMD, got %v", got)
	}
}

func TestDateIsCivil(t *testing.T) {
	// 31 January 23:30 in Brasília is 1 February in UTC; the posting day stays 31.
	brt := time.FixedZone("BRT", -3*3600)
	if got := DateOf(time.Date(2024, 1, 31, 23, 30, 0, 0, brt)).String(); got != "2024-01-31" {
		t.Fatalf("DateOf shifted the day: %s", got)
	}
	d, _ := NewDate(2024, 1, 31)
	if d.Time().Format("2006-01-02") != "2024-01-31" || d.BR() != "31/01/2024" {
		t.Fatalf("rendering: %v %s", d.Time(), d.BR())
	}
}
