package ofx

import (
	"context"
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// txnState collects the fields of one open <STMTTRN>.
type txnState struct {
	open                 bool
	start, line          int
	posted, user         string
	amount               string
	hasAmount            bool
	amountCut, postedCut bool // the value ran into the end of the file
	fitid, check, ref    string
	memo, name           string
}

// balState collects one open LEDGERBAL / AVAILBAL / BAL aggregate.
type balState struct {
	tag          string // "" when none is open
	line         int
	amount, asOf string
	name, desc   string
}

// stmtState is one STMTTRNRS / CCSTMTTRNRS being read.
type stmtState struct {
	st                   domain.Statement
	card                 bool
	sawRS, viaTRNRS      bool
	bankID, branch, acct string
	acctType, curdef     string
	dtStart, dtEnd       string
	status, message      string
	ledger, avail        *balState
	closingSet           bool
	fitids               map[uint64]struct{} // hashes of the FITIDs seen
	dupFITIDs, noFITID   int
	closed               bool
	begun, ended         bool // streamed: Begin and End were called
}

// builder turns the token stream into statements.
type builder struct {
	src      string
	forced   string
	stmts    []*stmtState
	cur      *stmtState
	txn      txnState
	bal      balState
	inFI     bool
	org, fid string
	sawOFX   bool
	endOFX   bool
	warnings []string // file-level, added to every statement
	// lazy line counting
	linePos, line int
	estimate      int
	scanEnd       int // offset of the tag being handled: where an open element ends
	// streaming: transactions go to sink instead of the statement.
	ctx  context.Context
	sink domain.StatementSink
	err  error // the sink's first error; reading stops
	// undecoded: src holds Windows-1252 bytes (see source.Sample.Undecoded).
	undecoded bool
	seed      maphash.Seed
}

// lineAt returns the 1-based line of offset pos; pos never decreases.
func (b *builder) lineAt(pos int) int {
	if pos > b.linePos {
		b.line += strings.Count(b.src[b.linePos:pos], "\n")
		b.linePos = pos
	}
	return b.line + 1
}

func (b *builder) warnStmt(msg string) {
	if b.cur != nil {
		b.cur.st.Warn(msg)
		return
	}
	b.warnings = append(b.warnings, msg)
}

func (b *builder) openStatement(card, viaTRNRS bool) {
	b.closeStatement(false)
	b.endClosed()
	s := &stmtState{card: card, viaTRNRS: viaTRNRS}
	if b.sink == nil && b.estimate > 0 && len(b.stmts) == 0 {
		s.st.Transactions = make([]domain.Transaction, 0, b.estimate)
	}
	b.stmts = append(b.stmts, s)
	b.cur = s
}

// closeStatement finishes the open statement; atEOF says the file ended
// before its closing tag.
func (b *builder) closeStatement(atEOF bool) {
	if b.cur == nil {
		return
	}
	b.finishTxn(atEOF)
	b.commitBal()
	b.cur.closed = true
	b.cur = nil
}

func (b *builder) start(t token) {
	switch t.name {
	case "OFX":
		b.sawOFX = true
	case "STMTTRNRS", "CCSTMTTRNRS":
		b.openStatement(t.name == "CCSTMTTRNRS", true)
	case "STMTRS", "CCSTMTRS":
		if b.cur == nil || b.cur.sawRS {
			b.openStatement(t.name == "CCSTMTRS", false)
		}
		b.cur.sawRS = true
		b.cur.card = t.name == "CCSTMTRS"
	case "STMTTRN":
		if b.txn.open {
			b.warnStmt("uma transação não tinha </STMTTRN>; ela foi lida até o início da seguinte")
			b.finishTxn(false)
		}
		b.commitBal()
		if b.cur == nil {
			b.openStatement(false, false)
			b.cur.st.Warn("transações fora de um bloco de extrato (STMTRS); lidas como uma conta sem identificação")
		}
		b.txn = txnState{open: true, start: t.pos, line: b.lineAt(t.pos)}
	case "LEDGERBAL", "AVAILBAL", "BAL":
		b.finishTxnMissingEnd()
		b.commitBal()
		b.bal = balState{tag: t.name, line: b.lineAt(t.pos)}
	case "FI":
		b.inFI = true
	case "BANKTRANLIST", "BALLIST", "BANKACCTFROM", "CCACCTFROM":
		if !b.txn.open {
			b.commitBal()
		}
	default:
		b.leaf(t)
	}
}

func (b *builder) leaf(t token) {
	if b.txn.open {
		x := &b.txn
		switch t.name {
		case "DTPOSTED":
			x.posted, x.postedCut = t.value, t.atEOF
		case "DTUSER":
			x.user = t.value
		case "TRNAMT":
			x.amount, x.hasAmount, x.amountCut = t.value, true, t.atEOF
		case "FITID":
			x.fitid = t.value
		case "CHECKNUM":
			x.check = t.value
		case "REFNUM":
			x.ref = t.value
		case "MEMO":
			x.memo = t.value
		case "NAME":
			x.name = t.value
		}
		return
	}
	if b.bal.tag != "" {
		switch t.name {
		case "BALAMT", "VALUE":
			b.bal.amount = t.value
			return
		case "DTASOF":
			b.bal.asOf = t.value
			return
		case "NAME":
			b.bal.name = t.value
			return
		case "DESC":
			b.bal.desc = t.value
			return
		case "BALTYPE", "CURRENCY", "CURRATE", "CURSYM":
			return
		}
		b.commitBal()
	}
	if b.inFI {
		switch t.name {
		case "ORG":
			b.org = t.value
		case "FID":
			b.fid = t.value
		}
		return
	}
	s := b.cur
	if s == nil {
		return
	}
	switch t.name {
	case "CURDEF":
		s.curdef = t.value
	case "BANKID":
		s.bankID = t.value
	case "BRANCHID":
		s.branch = t.value
	case "ACCTID":
		s.acct = t.value
	case "ACCTTYPE":
		s.acctType = t.value
	case "DTSTART":
		s.dtStart = t.value
	case "DTEND":
		s.dtEnd = t.value
	case "CODE":
		if s.status == "" {
			s.status = t.value
		}
	case "MESSAGE":
		if s.message == "" {
			s.message = t.value
		}
	}
}

func (b *builder) end(t token) {
	switch t.name {
	case "STMTTRN":
		if b.txn.open {
			b.finishTxn(false)
		}
	case "LEDGERBAL", "AVAILBAL", "BAL":
		b.commitBal()
	case "BANKTRANLIST":
		b.finishTxnMissingEnd()
	case "STMTTRNRS", "CCSTMTTRNRS":
		b.closeStatement(false)
	case "STMTRS", "CCSTMTRS":
		b.finishTxnMissingEnd()
		b.commitBal()
		if b.cur != nil && !b.cur.viaTRNRS {
			b.closeStatement(false)
		}
	case "FI":
		b.inFI = false
	case "OFX":
		b.closeStatement(false)
		b.endOFX = true
	}
}

func (b *builder) finishTxnMissingEnd() {
	if b.txn.open {
		b.warnStmt("uma transação não tinha </STMTTRN>; ela foi lida até o fim do bloco")
		b.finishTxn(false)
	}
}

// commitBal records the open balance aggregate in the current statement.
func (b *builder) commitBal() {
	if b.bal.tag == "" {
		return
	}
	bal := new(balState)
	*bal = b.bal
	b.bal = balState{}
	s := b.cur
	if s == nil {
		return
	}
	switch bal.tag {
	case "LEDGERBAL":
		s.ledger = bal
	case "AVAILBAL":
		s.avail = bal
	default:
		label := trim(bal.name)
		if label == "" {
			label = trim(bal.desc)
		}
		s.st.Rows.Count(domain.RowIgnored, bal.line,
			fmt.Sprintf("informativo (BALLIST): %s = %s", label, trim(bal.amount)), label)
	}
}

// finishTxn turns the open <STMTTRN> into a transaction, a balance or a
// rejected row. cut says the file ended inside it.
func (b *builder) finishTxn(cut bool) {
	x := b.txn
	if !x.open {
		return
	}
	b.txn = txnState{}
	s := b.cur
	end := b.scanEnd
	if cut {
		end = len(b.src)
	}
	raw := func() string {
		// compact keeps at most maxNote bytes: decoding more is wasted.
		src := b.src[x.start:max(end, x.start)]
		return compact(b.text(src[:min(len(src), maxNote)]))
	}
	reject := func(reason string) { s.st.Rows.Count(domain.RowRejected, x.line, reason, raw()) }

	if cut && (x.amountCut || x.postedCut || !x.hasAmount) {
		reject("transação incompleta: o arquivo termina no meio dela")
		return
	}
	dv, field := x.posted, "DTPOSTED"
	if trim(dv) == "" && trim(x.user) != "" {
		dv, field = x.user, "DTUSER"
	}
	var problems []string
	date, err := parseDate(dv)
	if err != nil {
		if trim(dv) == "" {
			problems = append(problems, "transação sem data (DTPOSTED vazio ou ausente)")
		} else {
			problems = append(problems, fmt.Sprintf("data inválida em %s: %q", field, trim(dv)))
		}
	}
	var amount domain.Money
	if !x.hasAmount || trim(x.amount) == "" {
		problems = append(problems, "transação sem valor (TRNAMT vazio ou ausente)")
	} else if amount, err = parseAmount(x.amount); err != nil {
		problems = append(problems, fmt.Sprintf("valor inválido em TRNAMT: %q", trim(x.amount)))
	}
	if len(problems) > 0 {
		reject(strings.Join(problems, "; "))
		return
	}
	desc := description(x.memo, x.name)
	if kind := classifyBalance(desc); kind != balanceNone {
		b.balanceRow(kind, date, amount, desc, x.line)
		return
	}
	if cut {
		s.st.Warn(fmt.Sprintf("a última transação (linha %d) pode ter a descrição cortada: o arquivo termina nela", x.line))
	}
	doc := x.check
	if doc == "" {
		doc = x.ref
	}
	if x.fitid == "" {
		s.noFITID++
	} else {
		if s.fitids == nil {
			s.fitids = make(map[uint64]struct{}, max(cap(s.st.Transactions), 16))
		}
		// A 64-bit hash per FITID keeps a million of them in a few MB; a
		// collision would only miscount the duplicates in a warning.
		h := maphash.String(b.seed, x.fitid)
		if _, dup := s.fitids[h]; dup {
			s.dupFITIDs++
		} else {
			s.fitids[h] = struct{}{}
		}
	}
	t := domain.Transaction{
		Date: date, Amount: amount, Description: desc, Document: doc, FITID: x.fitid, Line: x.line,
	}
	s.st.Rows.Count(domain.RowTransaction, x.line, "", "")
	if b.sink == nil {
		s.st.Transactions = append(s.st.Transactions, t)
		return
	}
	if b.err == nil {
		b.begin(s)
	}
	if b.err == nil {
		b.err = b.sink.Add(t)
	}
}

// text decodes a piece of the source kept in a note.
func (b *builder) text(s string) string {
	if b.undecoded {
		return source.Windows1252String(s)
	}
	return s
}

// maxNote is how much of a raw fragment compact keeps.
const maxNote = 600

// begin announces a streamed statement to the sink, once.
func (b *builder) begin(s *stmtState) {
	if s.begun || b.err != nil {
		return
	}
	s.begun = true
	head := b.finish(s)
	head.Warnings, head.Rows, head.Transactions = nil, domain.RowSummary{}, nil
	b.err = b.sink.Begin(b.ctx, &head)
}

// endClosed ends every closed statement not yet ended, when streaming.
func (b *builder) endClosed() {
	if b.sink == nil {
		return
	}
	for _, s := range b.stmts {
		if s.closed && !s.ended {
			b.endStatement(s)
		}
	}
}

// endStatement hands a finished statement to the sink.
func (b *builder) endStatement(s *stmtState) {
	b.begin(s)
	s.ended = true
	st := b.finish(s)
	s.fitids = nil
	if b.err == nil {
		b.err = b.sink.End(&st)
	}
}

// balanceRow records a balance pseudo-transaction (Itaú's SALDO FINAL).
func (b *builder) balanceRow(kind balanceKind, date domain.Date, amount domain.Money, desc string, line int) {
	s := b.cur
	var reason string
	switch kind {
	case balanceOpening:
		if !s.st.Opening.Valid {
			s.st.Opening = domain.Known(amount)
		}
		reason = "saldo anterior: usado como saldo inicial do período"
	case balanceClosing:
		s.st.Closing = domain.Known(amount)
		s.closingSet = true
		reason = "saldo final: usado como saldo final do período"
	default:
		s.st.DayBalances = append(s.st.DayBalances, domain.DayBalance{Date: date, Balance: amount, Line: line})
		reason = "saldo do dia: usado na conferência dos saldos"
	}
	s.st.Rows.Count(domain.RowBalance, line, reason, desc+" "+amount.BR())
}
