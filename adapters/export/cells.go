// Package export writes statements in the output formats BankFlow delivers:
// the XLSX workbook (the product's main output), a CSV Brazilian Excel opens
// as numbers and dates, OFX 1.0.2 for accounting software, and the statement
// JSON contract. No text from a statement file can become a spreadsheet
// formula in any of them.
package export

import (
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// numberMark is a private-use rune that never appears in exported text (clean
// removes it), so no text of a statement can pose as a marker of ours.
const numberMark = '\uE000'

// formulaStarts are the leading characters a spreadsheet may read as the
// start of a formula or a command (OWASP CSV injection): = + - @, tab and CR.
func formulaStart(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// csvText returns s safe for a CSV cell that a spreadsheet opens: a value that
// could start a formula gets a leading apostrophe, which Excel and LibreOffice
// show as text. Our own numeric amount cells are written without it.
func csvText(s string) string {
	s = clean(s)
	if formulaStart(s) {
		return "'" + s
	}
	return s
}

// clean drops the number mark and line breaks from text taken from a
// statement file: one value stays on one line in every format.
func clean(s string) string {
	if !strings.ContainsAny(s, "\uE000\r\n") {
		return s
	}
	s = strings.ReplaceAll(s, string(numberMark), "")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
}

// bankNames are the names accountants know the banks by.
var bankNames = map[string]string{
	domain.BankItau:      "Itaú",
	domain.BankBradesco:  "Bradesco",
	domain.BankBB:        "Banco do Brasil",
	domain.BankCaixa:     "Caixa",
	domain.BankSantander: "Santander",
	domain.BankNubank:    "Nubank",
	domain.BankInter:     "Inter",
	domain.BankC6:        "C6 Bank",
	domain.BankSicoob:    "Sicoob",
	domain.BankSicredi:   "Sicredi",
	domain.BankBTG:       "BTG Pactual",
}

// bankCodes are the COMPE codes of the banks with a slug, used when a file
// named its bank but not the code (OFX BANKID is required).
var bankCodes = map[string]string{
	domain.BankItau:      "341",
	domain.BankBradesco:  "237",
	domain.BankBB:        "001",
	domain.BankCaixa:     "104",
	domain.BankSantander: "033",
	domain.BankNubank:    "260",
	domain.BankInter:     "077",
	domain.BankC6:        "336",
	domain.BankSicoob:    "756",
	domain.BankSicredi:   "748",
	domain.BankBTG:       "208",
}

// bankName is the display name of a statement's bank.
func bankName(s *domain.Statement) string {
	if n, ok := bankNames[s.Bank]; ok {
		return n
	}
	if s.Account.BankCode != "" {
		return "Banco " + s.Account.BankCode
	}
	return "Não identificado"
}

// kindLabel is the pt-BR name of a row kind.
func kindLabel(k domain.RowKind) string {
	switch k {
	case domain.RowTransaction:
		return "Lançamento"
	case domain.RowBalance:
		return "Saldo"
	case domain.RowHeader:
		return "Cabeçalho"
	case domain.RowFuture:
		return "Lançamento futuro"
	case domain.RowIgnored:
		return "Ignorada"
	case domain.RowRejected:
		return "Rejeitada"
	}
	return string(k)
}

// reconLabel is the reconciliation as the workbook shows it.
func reconLabel(r domain.Reconciliation) string {
	switch r.Status {
	case domain.ReconBalanced:
		return "Conferido"
	case domain.ReconMismatch:
		var parts []string
		if r.Difference != 0 {
			parts = append(parts, "diferença R$ "+r.Difference.BR())
		}
		if !r.BreakDate.IsZero() {
			parts = append(parts, "quebra em "+r.BreakDate.BR())
		}
		if len(parts) == 0 {
			return "Divergente"
		}
		return "Divergente (" + strings.Join(parts, "; ") + ")"
	}
	return "Sem saldos para conferir"
}

// plainDecimal renders m with a decimal comma and no thousands separator
// ("-1234,56"), which Excel pt-BR reads as a number.
func plainDecimal(m domain.Money) string {
	return strings.Replace(m.String(), ".", ",", 1)
}
