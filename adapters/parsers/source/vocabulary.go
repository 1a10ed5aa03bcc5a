package source

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/bankflow/bankflow/domain"
)

// bankCodes maps COMPE codes (3 digits) to bank slugs.
var bankCodes = map[string]string{
	"001": domain.BankBB,
	"033": domain.BankSantander,
	"104": domain.BankCaixa,
	"237": domain.BankBradesco,
	"341": domain.BankItau,
	"260": domain.BankNubank,
	"077": domain.BankInter,
	"336": domain.BankC6,
	"756": domain.BankSicoob,
	"748": domain.BankSicredi,
	"208": domain.BankBTG,
}

// BankCode normalises a bank id as files write it ("1", "0341", "033") to
// three digits ("001", "341", "033"); "" when it has no digits.
func BankCode(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := strings.TrimLeft(b.String(), "0")
	if b.Len() == 0 {
		return ""
	}
	for len(d) < 3 {
		d = "0" + d
	}
	return d
}

// BankSlug returns the slug of a bank id in any notation, or domain.BankUnknown.
func BankSlug(id string) string {
	if s, ok := bankCodes[BankCode(id)]; ok {
		return s
	}
	return domain.BankUnknown
}

// CodeOfSlug returns the COMPE code of a slug, or "".
func CodeOfSlug(slug string) string {
	for code, s := range bankCodes {
		if s == slug {
			return code
		}
	}
	return ""
}

// Fold lower-cases s and removes accents, for comparing header words and
// labels ("Histórico" == "historico").
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(strings.TrimSpace(out))
}

// IsBalanceLabel reports whether a description names a balance row rather
// than a movement: SALDO ANTERIOR, SALDO DO DIA, SALDO FINAL, S A L D O,
// SALDO TOTAL DISPONÍVEL DIA, Saldo Anterior...
func IsBalanceLabel(desc string) bool {
	f := strings.ReplaceAll(Fold(desc), " ", "")
	return strings.HasPrefix(f, "saldo") && !strings.HasPrefix(f, "saldorestante")
}
