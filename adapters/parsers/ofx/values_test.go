package ofx

import (
	"testing"

	"github.com/bankflow/bankflow/domain"
)

// The allocation-free amount and date readers agree with the domain parsers
// on every value they accept.
func TestFastPathsMatchDomain(t *testing.T) {
	amounts := []string{"0", "-0", "+5", "1234.56", "-1234.56", "10,5", "-10,50", "1.234", "1,234", "007.10",
		"999999999999.99", "1.", ".5", "-", "12a", "1,2,3", "5.999"}
	for i := 0; i < 2000; i++ {
		v := []byte{}
		for _, c := range []byte("-+0123456789.,")[i%14:] {
			if (i*int(c))%3 == 0 {
				v = append(v, c)
			}
		}
		amounts = append(amounts, string(v))
	}
	for _, v := range amounts {
		got, ok := fastAmount(v)
		if !ok {
			continue
		}
		want, err := domain.ParseMoney(v, domain.StyleAuto)
		if err != nil || got != want {
			t.Errorf("fastAmount(%q) = %v, domain says %v, %v", v, got, want, err)
		}
	}
	for _, v := range []string{"20240131", "20240229", "20230229", "20241328", "19000101", "18991231", "20240100"} {
		got, err := parseDate(v)
		want, werr := domain.ParseISODate(v[:4] + "-" + v[4:6] + "-" + v[6:])
		if (err == nil) != (werr == nil) || got != want {
			t.Errorf("parseDate(%q) = %v, %v; want %v, %v", v, got, err, want, werr)
		}
	}
}
