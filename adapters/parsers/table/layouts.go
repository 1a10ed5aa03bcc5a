package table

import "github.com/bankflow/bankflow/domain"

// layout describes one bank's CSV/TXT (or spreadsheet) table. Columns are
// always mapped by their header words (columns.go); a layout only adds what
// the header cannot say: how to recognise it, the bank, fixed conventions
// and the quirks of its rows.
type layout struct {
	id   string // "bradesco"; the parser name is id + "-" + format
	bank string // slug
	code string // COMPE code when the slug has none in source (Mercado Pago)
	// signatures are normalized header rows (normCell); a cell may list
	// alternatives separated by '|'. A header that starts with one of them
	// identifies the layout.
	signatures [][]string
	// marker is the normalized start of a preamble line that identifies the
	// layout on its own ("extrato de ag" for Bradesco).
	marker string
	// headerless layouts have no column titles: columns come from values.
	headerless bool
	// columnsWant is the exact column count a headerless layout has.
	columnsWant int
	accountType domain.AccountType
	fixedOrder  bool
	order       domain.DateOrder
	style       domain.NumberStyle // StyleAuto: inferred from the whole column
	// invert turns a card invoice's "purchase positive" into money out.
	invert bool
	// unsignedBalance: the running balance is printed without its sign
	// (Bradesco); the sign is rebuilt from the arithmetic.
	unsignedBalance bool
	// continuation joins rows without date and amount to the previous
	// transaction's description (Bradesco's Pix counterparty lines).
	continuation bool
	// stop lists normalized first cells after which rows are future entries.
	stop []string
}

// Layout ids, as DetectGrid returns them.
const (
	LayoutNubankConta  = "nubank-conta"
	LayoutNubankCartao = "nubank-cartao"
	LayoutInterConta   = "inter-conta"
	LayoutInterCartao  = "inter-cartao"
	LayoutBradesco     = "bradesco"
	LayoutBB           = "bb"
	LayoutCaixa        = "caixa"
	LayoutItau         = "itau"
	LayoutItauLegacy   = "itau-legacy"
	LayoutSantander    = "santander"
	LayoutC6           = "c6"
	LayoutMercadoPago  = "mercadopago"
	LayoutGeneric      = "generic"
)

// BankMercadoPago is the slug used for Mercado Pago statements; the shared
// slug list has none yet.
const BankMercadoPago = "mercadopago"

// futureStops are the titles of the scheduled-entries block banks print
// after the statement proper.
var futureStops = []string{"ultimos lancamentos", "lancamentos futuros"}

// layouts is every known layout, most specific first; generic is last.
var layouts = []layout{
	{
		id: LayoutNubankConta, bank: domain.BankNubank, accountType: domain.AccountChecking,
		signatures: [][]string{{"data", "valor", "identificador", "descricao"}},
		fixedOrder: true, order: domain.OrderDMY, style: domain.StyleDot,
	},
	{
		id: LayoutNubankCartao, bank: domain.BankNubank, accountType: domain.AccountCreditCard,
		signatures: [][]string{
			{"date", "title", "amount"},
			{"date", "category", "title", "amount"},
			{"date", "description", "amount"},
		},
		style: domain.StyleDot, invert: true,
	},
	{
		id: LayoutInterConta, bank: domain.BankInter, accountType: domain.AccountChecking,
		signatures: [][]string{{"data lancamento", "historico", "descricao", "valor", "saldo"}},
		fixedOrder: true, order: domain.OrderDMY, style: domain.StyleComma,
	},
	{
		id: LayoutInterCartao, bank: domain.BankInter, accountType: domain.AccountCreditCard,
		signatures: [][]string{{"data", "lancamento", "categoria", "tipo", "valor"}},
		fixedOrder: true, order: domain.OrderDMY, style: domain.StyleComma, invert: true,
	},
	{
		id: LayoutBradesco, bank: domain.BankBradesco, accountType: domain.AccountChecking,
		signatures: [][]string{{"data", "historico", "docto", "credito", "debito", "saldo"}},
		marker:     "extrato de ag",
		fixedOrder: true, order: domain.OrderDMY, style: domain.StyleComma,
		unsignedBalance: true, continuation: true, stop: futureStops,
	},
	{
		id: LayoutBB, bank: domain.BankBB, accountType: domain.AccountChecking,
		signatures: [][]string{
			{"data", "dependencia origem", "historico"},
			{"data", "lancamento", "detalhes"},
		},
		fixedOrder: true, order: domain.OrderDMY,
	},
	{
		id: LayoutCaixa, bank: domain.BankCaixa, accountType: domain.AccountChecking,
		signatures: [][]string{{"conta", "data mov", "nr doc", "historico", "valor", "deb cred"}},
	},
	{
		id: LayoutItau, bank: domain.BankItau, accountType: domain.AccountChecking,
		signatures: [][]string{{"data", "lancamento", "ag origem", "valor", "saldos|saldo"}},
		fixedOrder: true, order: domain.OrderDMY, style: domain.StyleComma,
	},
	{
		id: LayoutItauLegacy, bank: domain.BankItau, accountType: domain.AccountChecking,
		headerless: true, columnsWant: 3,
		fixedOrder: true, order: domain.OrderDMY, style: domain.StyleComma,
	},
	{
		id: LayoutSantander, bank: domain.BankSantander, accountType: domain.AccountChecking,
		signatures: [][]string{
			{"data", "historico", "documento|docto", "valor", "saldo"},
			{"data", "descricao", "documento|docto", "valor", "saldo"},
		},
		fixedOrder: true, order: domain.OrderDMY, continuation: true,
	},
	{
		id: LayoutC6, bank: domain.BankC6, accountType: domain.AccountChecking,
		signatures: [][]string{{"data lancamento", "data contabil", "titulo"}},
		fixedOrder: true, order: domain.OrderDMY, style: domain.StyleComma,
	},
	{
		id: LayoutMercadoPago, bank: BankMercadoPago, code: "323", accountType: domain.AccountChecking,
		signatures: [][]string{{"release date", "transaction type"}},
		marker:     "initial balance",
		fixedOrder: true, order: domain.OrderDMY, style: domain.StyleComma,
	},
	genericLayout,
}

// genericLayout reads any table with recognisable date and amount columns.
var genericLayout = layout{
	id: LayoutGeneric, bank: domain.BankUnknown, continuation: true, stop: futureStops,
}
