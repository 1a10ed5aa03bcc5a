package cnab240

import (
	"fmt"
	"strings"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// note is a row that belongs to the file rather than to one account's lote
// (file header and trailer, blank lines, lotes of other services). Such rows
// are accounted for in the first statement, so that the rows of all
// statements add up to the lines of the file.
type note struct {
	kind   domain.RowKind
	line   int
	reason string
	text   string
}

// lote is the lote being read.
type lote struct {
	number  string
	stmt    *domain.Statement // nil for a lote of another service
	service string
	records int          // lines of the lote read so far, header included
	debits  domain.Money // sum of parsed debits, positive
	credits domain.Money // sum of parsed credits
}

// reader holds the state of one parse.
type reader struct {
	forcedBank  string
	bankCode    string
	fileNotes   []note
	stmts       []*domain.Statement
	byAccount   map[string]*domain.Statement
	lote        *lote
	warnings    []string
	lines       int // non-blank lines
	badWidth    int
	firstBad    int
	firstBadLen int
	fileTrailer bool
}

func newReader(forcedBank string) *reader {
	return &reader{forcedBank: forcedBank, byAccount: map[string]*domain.Statement{}}
}

// read accounts for one line of the file.
func (rd *reader) read(n int, raw string) {
	if strings.Trim(raw, " \t\x1a") == "" {
		rd.fileNote(domain.RowIgnored, n, "linha em branco", "")
		return
	}
	rd.lines++
	if len(raw) != lineWidth {
		if rd.badWidth == 0 {
			rd.firstBad, rd.firstBadLen = n, len(raw)
		}
		rd.badWidth++
	}
	if len(raw) < 8 {
		rd.fileNote(domain.RowRejected, n, "linha truncada: não tem nem o tipo de registro (posição 8)", raw)
		return
	}
	r := newRecord(n, raw)
	if rd.lote != nil && r.kind() != typeFileHeader && r.kind() != typeFileTrailer {
		rd.lote.records++
	}
	switch r.kind() {
	case typeFileHeader:
		if rd.bankCode == "" {
			rd.bankCode = source.BankCode(r.field(1, 3))
		}
		rd.fileNote(domain.RowHeader, n, "", "")
	case typeLoteHeader:
		rd.loteHeader(r)
	case typeDetail:
		rd.detail(r)
	case typeLoteTrailer:
		rd.loteTrailer(r)
	case typeFileTrailer:
		rd.fileTrailer = true
		rd.fileNote(domain.RowHeader, n, "", "")
	case typeLoteInitial, typeLoteFinal:
		rd.row(domain.RowIgnored, r, fmt.Sprintf("registro tipo %c (informações do lote) não é lançamento", r.kind()))
	default:
		rd.row(domain.RowRejected, r, fmt.Sprintf("tipo de registro %q desconhecido no CNAB 240", r.kind()))
	}
}

// loteHeader opens a lote; a statement lote (operation E, service 04) opens
// or continues the statement of its account and gives its opening balance.
func (rd *reader) loteHeader(r record) {
	if rd.lote != nil {
		rd.warn(fmt.Sprintf("O lote %s não tem trailer (registro tipo 5): o saldo final dele é desconhecido.", rd.lote.number))
	}
	l := &lote{number: r.field(4, 7), service: r.field(10, 11), records: 1}
	rd.lote = l
	if r.field(9, 9) != "E" || l.service != "04" {
		rd.fileNote(domain.RowIgnored, r.line,
			fmt.Sprintf("lote %s de serviço %s não é extrato (serviço 04)", l.number, strings.TrimSpace(l.service)), r.excerpt())
		return
	}
	l.stmt = rd.statement(r)
	l.stmt.Rows.Count(domain.RowHeader, r.line, "", "")
	if l.stmt.Opening.Valid {
		return // a later lote of the same account: the first opening stands
	}
	if m, err := r.amount(151, 168, 169); err == nil {
		l.stmt.Opening = domain.Known(m)
	} else {
		l.stmt.Warn(fmt.Sprintf("Saldo inicial do lote %s ilegível (posições 151-169 da linha %d): saldo inicial desconhecido.", l.number, r.line))
	}
}

// statement returns the statement of the account named in r, creating it.
func (rd *reader) statement(r record) *domain.Statement {
	code := source.BankCode(r.field(1, 3))
	if code == "" {
		code = rd.bankCode
	}
	branch, number := r.account()
	key := code + "|" + branch + "|" + number
	if st, ok := rd.byAccount[key]; ok {
		return st
	}
	currency := r.trimmed(171, 173)
	if currency == "" || currency == "R$" {
		currency = "BRL"
	}
	bank := source.BankSlug(code)
	if rd.forcedBank != "" {
		bank = rd.forcedBank
	}
	st := &domain.Statement{
		Bank:    bank,
		Format:  domain.FormatCNAB240,
		Parser:  "cnab240",
		Account: domain.Account{BankCode: code, Branch: branch, Number: number, Type: domain.AccountChecking, Currency: currency},
	}
	rd.byAccount[key] = st
	rd.stmts = append(rd.stmts, st)
	return st
}

// detail reads a type 3 record: segment E is a movement, other segments
// belong to other services.
func (rd *reader) detail(r record) {
	if rd.lote == nil || rd.lote.stmt == nil {
		if rd.lote == nil {
			rd.fileNote(domain.RowRejected, r.line, "registro de detalhe fora de um lote (falta o header de lote)", r.excerpt())
		} else {
			rd.fileNote(domain.RowIgnored, r.line, fmt.Sprintf("segmento %c não é extrato (lote %s, serviço %s)", r.segment(), rd.lote.number, strings.TrimSpace(rd.lote.service)), r.excerpt())
		}
		return
	}
	st := rd.lote.stmt
	if seg := r.segment(); seg != 'E' {
		st.Rows.Count(domain.RowIgnored, r.line, fmt.Sprintf("segmento %c não é extrato", seg), r.excerpt())
		return
	}
	truncated := ""
	if len(r.raw) < 169 {
		truncated = fmt.Sprintf(" (linha truncada: %d de 240 caracteres)", len(r.raw))
	}
	date, err := r.date(143)
	if err != nil {
		if d, err2 := r.date(135); err2 == nil {
			date, err = d, nil
		}
	}
	if err != nil {
		st.Rows.Count(domain.RowRejected, r.line,
			fmt.Sprintf("data do lançamento inválida nas posições 143-150: %q%s", r.field(143, 150), truncated), r.excerpt())
		return
	}
	amount, err := r.amount(151, 168, 169)
	if err != nil {
		st.Rows.Count(domain.RowRejected, r.line,
			fmt.Sprintf("valor ou natureza (D/C) inválidos nas posições 151-169: %q%s", r.field(151, 169), truncated), r.excerpt())
		return
	}
	desc := r.trimmed(177, 201)
	if desc == "" {
		desc = categoryLabel(r.trimmed(170, 172))
	}
	st.Transactions = append(st.Transactions, domain.Transaction{
		Date:        date,
		Amount:      amount,
		Description: desc,
		Document:    r.trimmed(202, 240),
		Line:        r.line,
	})
	st.Rows.Count(domain.RowTransaction, r.line, "", "")
	if amount < 0 {
		rd.lote.debits -= amount
	} else {
		rd.lote.credits += amount
	}
}

// loteTrailer closes a lote: closing balance, and the bank's totals checked
// against the rows read.
func (rd *reader) loteTrailer(r record) {
	l := rd.lote
	rd.lote = nil
	if l == nil {
		rd.fileNote(domain.RowIgnored, r.line, "trailer de lote sem header de lote", r.excerpt())
		return
	}
	if l.stmt == nil {
		rd.fileNote(domain.RowIgnored, r.line, fmt.Sprintf("trailer do lote %s, que não é extrato", l.number), r.excerpt())
		return
	}
	st := l.stmt
	st.Rows.Count(domain.RowHeader, r.line, "", "")
	if m, err := r.amount(151, 168, 169); err == nil {
		st.Closing = domain.Known(m)
	} else {
		st.Closing = domain.OptionalMoney{}
		st.Warn(fmt.Sprintf("Saldo final do lote %s ilegível (posições 151-169 da linha %d): saldo final desconhecido.", l.number, r.line))
	}
	if debits, err := r.unsigned(177, 194); err == nil && debits != l.debits {
		st.Warn(fmt.Sprintf("Lote %s: o banco informa total de débitos de R$ %s, mas os lançamentos lidos somam R$ %s.",
			l.number, debits.BR(), l.debits.BR()))
	}
	if credits, err := r.unsigned(195, 212); err == nil && credits != l.credits {
		st.Warn(fmt.Sprintf("Lote %s: o banco informa total de créditos de R$ %s, mas os lançamentos lidos somam R$ %s.",
			l.number, credits.BR(), l.credits.BR()))
	}
	if n, ok := r.count(171, 176); ok && n != l.records {
		st.Warn(fmt.Sprintf("Lote %s: o trailer informa %d registros, mas o lote tem %d.", l.number, n, l.records))
	}
}

// finish hands out the statements, with the file-level rows and warnings.
func (rd *reader) finish() ([]domain.Statement, error) {
	if len(rd.stmts) == 0 {
		return nil, domain.Errorf(domain.CodeUnsupported,
			"Arquivo CNAB 240 sem lote de extrato (serviço 04, segmento E): parece ser um retorno de cobrança ou de pagamentos, que não traz o extrato da conta.")
	}
	if rd.lote != nil && rd.lote.stmt != nil {
		rd.lote.stmt.Warn(fmt.Sprintf("O lote %s não tem trailer (registro tipo 5): o saldo final dele é desconhecido e o arquivo pode estar truncado.", rd.lote.number))
	}
	if !rd.fileTrailer {
		rd.warn("O arquivo não tem trailer de arquivo (registro tipo 9): pode estar truncado.")
	}
	if rd.badWidth > 0 {
		rd.warn(fmt.Sprintf("%d linha(s) não têm 240 caracteres (a primeira é a linha %d, com %d); os campos foram lidos pelas posições do layout.",
			rd.badWidth, rd.firstBad, rd.firstBadLen))
	}
	first := rd.stmts[0]
	for _, n := range rd.fileNotes {
		first.Rows.Count(n.kind, n.line, n.reason, n.text)
	}
	out := make([]domain.Statement, 0, len(rd.stmts))
	for _, st := range rd.stmts {
		st.Warnings = append(append([]string(nil), rd.warnings...), st.Warnings...)
		st.FillPeriod()
		out = append(out, *st)
	}
	return out, nil
}

func (rd *reader) fileNote(kind domain.RowKind, line int, reason, text string) {
	rd.fileNotes = append(rd.fileNotes, note{kind: kind, line: line, reason: reason, text: text})
}

// row accounts for r in the current statement lote, or at file level.
func (rd *reader) row(kind domain.RowKind, r record, reason string) {
	if rd.lote != nil && rd.lote.stmt != nil {
		rd.lote.stmt.Rows.Count(kind, r.line, reason, r.excerpt())
		return
	}
	rd.fileNote(kind, r.line, reason, r.excerpt())
}

func (rd *reader) warn(msg string) { rd.warnings = append(rd.warnings, msg) }

// categoryLabel names a FEBRABAN statement category, for rows without a
// history text.
func categoryLabel(code string) string {
	if label, ok := categories[code]; ok {
		return label
	}
	if code == "" {
		return "Lançamento"
	}
	return "Lançamento categoria " + code
}

// categories are the FEBRABAN statement categories (1xx debits, 2xx credits).
var categories = map[string]string{
	"101": "Cheques", "102": "Encargos", "103": "Estornos", "104": "Lançamento avisado",
	"105": "Tarifas", "106": "Aplicação", "107": "Empréstimo / financiamento", "108": "Câmbio",
	"109": "CPMF", "110": "IOF", "111": "Imposto de renda", "112": "Pagamento a fornecedores",
	"113": "Pagamento de salários", "114": "Saque eletrônico", "115": "Ações",
	"117": "Transferência entre contas", "118": "Devolução da compensação", "119": "Devolução de cheque depositado",
	"120": "Transferência interbancária (DOC, TED)", "121": "Antecipação a fornecedores", "122": "OC / AEROPS",
	"123": "Saque", "124": "Débito de cartão",
	"201": "Depósitos", "202": "Líquido de cobrança", "203": "Devolução de cheques", "204": "Estornos",
	"205": "Lançamento avisado", "206": "Resgate de aplicação", "207": "Empréstimo / financiamento",
	"208": "Câmbio", "209": "Transferência interbancária (DOC, TED)", "210": "Ações", "211": "Dividendos",
	"212": "Seguro", "213": "Transferência entre contas", "214": "Depósitos especiais",
	"215": "Devolução da compensação", "216": "OCT", "217": "Pagamentos fornecedores",
	"218": "Pagamentos diversos", "219": "Recebimento de salário", "220": "Crédito de cartão",
}
