package postgres

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// fold lower-cases s and removes its diacritics ("Transferência" →
// "transferencia"), as the full-text indexes of both dialects do.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// ftsQuery turns free user text into a safe SQLite FTS5 MATCH expression:
// every word becomes a quoted prefix term ("transferencia"*), all required.
// Words are split on anything but letters and digits, so quotes, operators
// and parentheses in the input can never change the syntax. A trailing
// plural "s" is dropped from longer words as a light stand-in for the
// Portuguese stemming PostgreSQL does. It returns "" when no word is left.
func ftsQuery(text string) string {
	words := strings.FieldsFunc(fold(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	terms := make([]string, 0, len(words))
	for _, w := range words {
		if len(w) > 4 && strings.HasSuffix(w, "s") {
			w = strings.TrimSuffix(w, "s")
		}
		terms = append(terms, `"`+w+`"*`)
	}
	return strings.Join(terms, " ")
}
