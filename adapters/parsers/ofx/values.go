package ofx

import (
	"errors"
	"strings"
	"time"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

var errNoDate = errors.New("empty date")

// parseDate reads an OFX date: the first 8 digits are the civil date, the
// time and the zone ("[-03:EST]", "[-3:BRT]", ".000", ":014") are ignored, so
// the posting day never moves with the server's zone. A dashed ISO date is
// accepted too.
func parseDate(v string) (domain.Date, error) {
	v = trim(v)
	if v == "" {
		return domain.Date{}, errNoDate
	}
	if len(v) >= 8 && digits(v[:8]) {
		y := num(v[0:4])
		m := num(v[4:6])
		d := num(v[6:8])
		if d >= 1 && d <= 28 && m >= 1 && m <= 12 && y >= 1900 && y <= 2200 {
			return domain.Date{Year: y, Month: time.Month(m), Day: d}, nil // valid in every month
		}
		return domain.NewDate(y, time.Month(m), d)
	}
	if len(v) >= 10 && v[4] == '-' && v[7] == '-' {
		return domain.ParseISODate(v[:10])
	}
	return domain.Date{}, errors.New("not an OFX date")
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// parseAmount reads TRNAMT / BALAMT with the notation decided per value:
// Santander mixes "-11.11" and "-222,22" in one file, padded with spaces.
func parseAmount(v string) (domain.Money, error) {
	v = trim(v)
	if m, ok := fastAmount(v); ok {
		return m, nil
	}
	return domain.ParseMoney(v, domain.StyleAuto)
}

// fastAmount reads the shape of nearly every TRNAMT, [-]digits with up to
// two decimals after a dot or a comma ("-1234.56", "10,5"), without
// allocating; anything else goes to domain.ParseMoney.
func fastAmount(v string) (domain.Money, bool) {
	neg := false
	if v != "" && (v[0] == '-' || v[0] == '+') {
		neg, v = v[0] == '-', v[1:]
	}
	if v == "" || len(v) > 15 {
		return 0, false
	}
	var units int64
	i := 0
	for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		units = units*10 + int64(v[i]-'0')
	}
	if i == 0 {
		return 0, false
	}
	cents := units * 100
	if i < len(v) {
		if v[i] != '.' && v[i] != ',' {
			return 0, false
		}
		frac := v[i+1:]
		if len(frac) == 0 || len(frac) > 2 || !digits(frac) {
			return 0, false
		}
		f := num(frac)
		if len(frac) == 1 {
			f *= 10
		}
		cents += int64(f)
	}
	if neg {
		cents = -cents
	}
	return domain.Money(cents), true
}

// description joins MEMO and NAME: MEMO alone when NAME is empty or already
// inside it (and the reverse), both when they say different things.
func description(memo, name string) string {
	memo, name = trim(memo), trim(name)
	switch {
	case name == "":
		return memo
	case memo == "":
		return name
	case strings.Contains(memo, name):
		return memo
	case strings.Contains(name, memo):
		return name
	}
	return name + " - " + memo
}

// balanceKind classifies a balance pseudo-row by its label.
type balanceKind uint8

const (
	balanceNone    balanceKind = iota
	balanceOpening             // SALDO ANTERIOR
	balanceClosing             // SALDO FINAL
	balanceDay                 // SALDO DO DIA, S A L D O, ...
)

// classifyBalance tells a balance pseudo-row (Itaú's SALDO FINAL) from a
// movement. The cheap first-letter test keeps Fold off the hot path.
func classifyBalance(desc string) balanceKind {
	if desc == "" {
		return balanceNone
	}
	c := desc[0]
	if c != 'S' && c != 's' {
		return balanceNone
	}
	if !source.IsBalanceLabel(desc) {
		return balanceNone
	}
	f := strings.ReplaceAll(source.Fold(desc), " ", "")
	switch {
	case strings.HasPrefix(f, "saldoanterior"), strings.HasPrefix(f, "saldoinicial"):
		return balanceOpening
	case strings.HasPrefix(f, "saldofinal"):
		return balanceClosing
	}
	return balanceDay
}

// bankOfFI names the bank from the signon's <FI>: FID first (a COMPE code
// such as 260), then the ORG name.
func bankOfFI(org, fid string) string {
	if slug := source.BankSlug(fid); slug != domain.BankUnknown && digits(trim(fid)) {
		return slug
	}
	f := " " + strings.Join(strings.FieldsFunc(source.Fold(org+" "+fid), notAlnum), " ") + " "
	for _, m := range orgNames {
		if strings.Contains(f, " "+m.word+" ") {
			return m.slug
		}
	}
	return domain.BankUnknown
}

func notAlnum(r rune) bool {
	return !(r >= 'a' && r <= 'z') && !(r >= '0' && r <= '9')
}

// orgNames maps words of <ORG>/<FID> (folded, whole words) to bank slugs.
var orgNames = []struct{ word, slug string }{
	{"nu pagamentos", domain.BankNubank},
	{"nubank", domain.BankNubank},
	{"banco do brasil", domain.BankBB},
	{"santander", domain.BankSantander},
	{"itau", domain.BankItau},
	{"itau unibanco", domain.BankItau},
	{"bradesco", domain.BankBradesco},
	{"caixa", domain.BankCaixa},
	{"banco inter", domain.BankInter},
	{"c6 bank", domain.BankC6},
	{"sicoob", domain.BankSicoob},
	{"sicredi", domain.BankSicredi},
	{"btg", domain.BankBTG},
}

// accountType maps ACCTTYPE; card statements are always credit cards.
func accountType(v string, card bool) domain.AccountType {
	if card {
		return domain.AccountCreditCard
	}
	switch upper(trim(v)) {
	case "SAVINGS":
		return domain.AccountSavings
	case "CREDITCARD", "CREDITLINE":
		return domain.AccountCreditCard
	}
	return domain.AccountChecking
}

// compact collapses the whitespace of a raw OFX fragment for a row note.
func compact(s string) string {
	if len(s) > maxNote {
		s = s[:maxNote]
	}
	return strings.ToValidUTF8(strings.Join(strings.Fields(s), " "), "")
}
