package export

import (
	"math"
	"testing"

	"github.com/bankflow/bankflow/domain"
)

// appendMoney writes exactly what Money.String writes, at the extremes too.
func TestAppendMoneyMatchesString(t *testing.T) {
	for _, m := range []domain.Money{0, 1, -1, 99, -99, 100, -100, 123456, -123456, math.MaxInt64, math.MinInt64, math.MinInt64 + 1} {
		if got := string(appendMoney(nil, m)); got != m.String() {
			t.Errorf("appendMoney(%d) = %s, want %s", int64(m), got, m.String())
		}
	}
}

// escapeText escapes markup, replaces what XML cannot hold and stops at
// Excel's cell limit.
func TestEscapeText(t *testing.T) {
	cases := map[string]string{
		`PIX <João> & "Cia"`: `PIX &lt;João&gt; &amp; &#34;Cia&#34;`,
		"a\x01b\xffc":        "a\uFFFDb\uFFFDc",
		"tab\there":          "tab&#9;here",
		"emoji 😀":            "emoji 😀",
	}
	for in, want := range cases {
		if got := string(escapeText(nil, in)); got != want {
			t.Errorf("escapeText(%q) = %q, want %q", in, got, want)
		}
	}
	long := make([]byte, maxCellText+10)
	for i := range long {
		long[i] = 'x'
	}
	if got := escapeText(nil, string(long)); len(got) != maxCellText {
		t.Errorf("long text kept %d characters, want %d", len(got), maxCellText)
	}
}
