package export

import (
	"bytes"
	"math"
	"testing"

	"github.com/bankflow/bankflow/domain"
)

// TestNumberFilterSplitWrites feeds the filter the same sheet XML in one
// write and byte by byte: a marked cell split across writes (as the
// StreamWriter's 16 MiB temp-file chunks split it) must come out the same.
func TestNumberFilterSplitWrites(t *testing.T) {
	in := `<row r="2"><c r="A2" s="3"><v>45293</v></c>` +
		`<c r="B2" t="inlineStr"><is><t>PIX &#34;t=&#34;inlineStr&#34;</t></is></c>` +
		`<c r="D2" s="4" t="inlineStr"><is><t>` + string(numberMark) + `-150.00</t></is></c>` +
		`<c r="E2" s="4" t="inlineStr"><is><t>` + string(numberMark) + `99999999999.99</t></is></c></row>`
	want := `<row r="2"><c r="A2" s="3"><v>45293</v></c>` +
		`<c r="B2" t="inlineStr"><is><t>PIX &#34;t=&#34;inlineStr&#34;</t></is></c>` +
		`<c r="D2" s="4"><v>-150.00</v></c>` +
		`<c r="E2" s="4"><v>99999999999.99</v></c></row>`

	for _, size := range []int{len(in), 1, 7, 23} {
		var out bytes.Buffer
		f := &numberFilter{w: &out}
		for i := 0; i < len(in); i += size {
			end := min(i+size, len(in))
			if n, err := f.Write([]byte(in[i:end])); err != nil || n != end-i {
				t.Fatalf("write: %d %v", n, err)
			}
		}
		if err := f.flush(); err != nil {
			t.Fatal(err)
		}
		if out.String() != want {
			t.Errorf("chunks of %d:\n got %s\nwant %s", size, out.String(), want)
		}
	}
}

// TestCleanRemovesNumberMark: text from a file can never pose as a number.
func TestCleanRemovesNumberMark(t *testing.T) {
	if got := clean(string(numberMark) + "-1.00\r\nX"); got != "-1.00 X" {
		t.Errorf("clean = %q", got)
	}
}

// appendMoney writes exactly what Money.String writes, at the extremes too.
func TestAppendMoneyMatchesString(t *testing.T) {
	for _, m := range []domain.Money{0, 1, -1, 99, -99, 100, -100, 123456, -123456, math.MaxInt64, math.MinInt64, math.MinInt64 + 1} {
		if got := string(appendMoney(nil, m)); got != m.String() {
			t.Errorf("appendMoney(%d) = %s, want %s", int64(m), got, m.String())
		}
	}
}
