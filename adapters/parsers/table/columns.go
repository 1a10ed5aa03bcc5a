package table

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bankflow/bankflow/adapters/parsers/source"
)

// role is what a column holds.
type role int

// The column roles a header word can name.
const (
	roleNone role = iota
	roleDate
	roleDesc
	roleDoc
	roleAmount
	roleCredit
	roleDebit
	roleBalance
	roleSign
	roleFITID
	roleAccount
)

// columns is the map from roles to column indexes of one table (-1: absent).
type columns struct {
	date, doc, amount, credit, debit, balance, sign, fitid, account int
	desc                                                            []int
	dailyBalance                                                    bool     // the balance column is the day's balance ("Saldo do Dia")
	titles                                                          []string // the header cells as printed, for warnings
}

func noColumns() columns {
	return columns{date: -1, doc: -1, amount: -1, credit: -1, debit: -1, balance: -1, sign: -1, fitid: -1, account: -1}
}

// hasMovement reports whether the table can yield transactions: a date and
// an amount (or credit/debit columns).
func (c columns) hasMovement() bool {
	return c.date >= 0 && (c.amount >= 0 || c.credit >= 0 || c.debit >= 0)
}

// moneyColumns lists the columns that hold amounts or balances.
func (c columns) moneyColumns() []int {
	var out []int
	for _, i := range []int{c.amount, c.credit, c.debit, c.balance} {
		if i >= 0 {
			out = append(out, i)
		}
	}
	return out
}

// normCell folds a header cell to plain lower-case words: accents, "R$",
// punctuation and underscores removed ("Crédito (R$)" → "credito",
// "Nº documento" → "n documento", "TRANSACTION_NET_AMOUNT" →
// "transaction net amount").
func normCell(s string) string {
	f := fold(s)
	f = strings.ReplaceAll(f, "r$", " ")
	f = strings.ReplaceAll(f, "º", " ")
	f = strings.ReplaceAll(f, "ª", " ")
	return strings.Join(strings.FieldsFunc(f, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// fold is source.Fold with fast paths for ASCII text and for text whose
// only other letters are the accented Latin-1 ones Portuguese uses.
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			if f, ok := foldLatin1(s, i); ok {
				return f
			}
			return source.Fold(s)
		}
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// latin1Base maps U+00C0-U+00FF to the letter left once the accent is
// removed (canonical decomposition into an ASCII letter and one combining
// mark), 0 where there is none (Æ, Ð, ×, Ø, Þ, ß, ...).
const latin1Base = "AAAAAAxCEEEEIIII" + "xNOOOOOxxUUUUYxx" + "aaaaaaxceeeeiiii" + "xnoooooxxuuuuyxy"

// foldLatin1 folds s without the Unicode tables when every rune from
// index i on is ASCII or in latin1Base: what source.Fold gives, since the
// base letters are ASCII and nothing is left to recompose.
func foldLatin1(s string, i int) (string, bool) {
	b := make([]byte, i, len(s))
	copy(b, s[:i])
	for _, r := range s[i:] {
		switch {
		case r < utf8.RuneSelf:
			b = append(b, byte(r))
		case r >= 0xC0 && r <= 0xFF && latin1Base[r-0xC0] != 'x':
			b = append(b, latin1Base[r-0xC0])
		default:
			return "", false
		}
	}
	return strings.ToLower(strings.TrimSpace(string(b))), true
}

// Header vocabularies, folded.
var (
	dateWords    = []string{"data", "date", "dt", "dia", "release", "vencimento"}
	notDateWords = []string{"contabil", "balancete", "compensacao"}
	balanceWords = []string{"saldo", "saldos", "balance"}
	creditWords  = []string{"credito", "creditos", "entrada", "entradas", "receita", "receitas", "credit"}
	debitWords   = []string{"debito", "debitos", "saida", "saidas", "despesa", "despesas", "debit"}
	amountWords  = []string{"valor", "valores", "amount", "value", "montante", "quantia", "importe"}
	docWords     = []string{"documento", "docto", "doc", "documentos", "cheque", "nsu", "nr"}
	fitidWords   = []string{"identificador", "id", "fitid", "uuid"}
	descWords    = []string{"historico", "descricao", "lancamento", "lancamentos", "detalhes", "title",
		"titulo", "memo", "description", "estabelecimento", "complemento", "transaction", "observacao",
		"favorecido", "beneficiario", "movimentacao"}
	signHeaders = []string{"d c", "c d", "dc", "cd", "deb cred", "cred deb", "natureza", "sinal",
		"tipo", "tipo lancamento", "tipo de lancamento", "tipo movimento", "tipo operacao", "tipo transacao"}
)

// roleOf names the role of one normalized header cell.
func roleOf(norm string) role {
	words := strings.Fields(norm)
	if len(words) == 0 {
		return roleNone
	}
	has := func(vocab []string) bool {
		for _, w := range words {
			if slices.Contains(vocab, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has(balanceWords):
		return roleBalance
	case slices.Contains(dateWords, words[0]):
		if has(notDateWords) {
			return roleNone
		}
		return roleDate
	case slices.Contains(signHeaders, norm):
		return roleSign
	case has(creditWords):
		return roleCredit
	case has(debitWords):
		return roleDebit
	case has(amountWords):
		return roleAmount
	case has(docWords), (words[0] == "n" || words[0] == "numero" || words[0] == "no") && len(words) > 1:
		return roleDoc
	case has(fitidWords):
		return roleFITID
	case has(descWords):
		return roleDesc
	case norm == "conta":
		return roleAccount
	}
	return roleNone
}

// mapHeader maps a header row to columns; the first column of a role wins
// (a second date such as "Data Contábil" is ignored), descriptions accumulate.
func mapHeader(row []string) columns {
	c := noColumns()
	c.titles = row
	for i, cell := range row {
		norm := normCell(cell)
		switch roleOf(norm) {
		case roleDate:
			setFirst(&c.date, i)
		case roleDesc:
			c.desc = append(c.desc, i)
		case roleDoc:
			setFirst(&c.doc, i)
		case roleAmount:
			setFirst(&c.amount, i)
		case roleCredit:
			setFirst(&c.credit, i)
		case roleDebit:
			setFirst(&c.debit, i)
		case roleBalance:
			if c.balance < 0 {
				c.balance = i
				c.dailyBalance = strings.Contains(" "+norm+" ", " dia ")
			}
		case roleSign:
			setFirst(&c.sign, i)
		case roleFITID:
			setFirst(&c.fitid, i)
		case roleAccount:
			setFirst(&c.account, i)
		}
	}
	return c
}

func setFirst(dst *int, i int) {
	if *dst < 0 {
		*dst = i
	}
}

// signOf reads a D/C, Entrada/Saída or Crédito/Débito marker: +1, -1, or 0
// for an empty cell; ok is false for anything else.
func signOf(v string) (sign int, ok bool) {
	switch fold(v) {
	case "":
		return 0, true
	case "c", "cr", "credito", "entrada", "+", "receita", "credit":
		return 1, true
	case "d", "db", "debito", "saida", "-", "despesa", "debit":
		return -1, true
	}
	return 0, false
}

// normRow normalizes every cell of a row, dropping trailing empty cells.
func normRow(row []string) []string {
	end := len(row)
	for end > 0 && strings.TrimSpace(row[end-1]) == "" {
		end--
	}
	out := make([]string, end)
	for i := range end {
		out[i] = normCell(row[i])
	}
	return out
}

// cell returns row[i], or "" when i is absent.
func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}

// blank reports a row without any text.
func blank(row []string) bool {
	for _, c := range row {
		if c != "" {
			return false
		}
	}
	return true
}
