package export

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bankflow/bankflow/domain"
	"golang.org/x/text/encoding/charmap"
)

// ofxHeader is the OFX 1.0.2 SGML header block. The body is Windows-1252, as
// CHARSET says: the encoding most Brazilian accounting software expects.
const ofxHeader = "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n" +
	"CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"

// OFX writes statements as OFX 1.0.2 SGML normalised for import into
// accounting software: one STMTTRNRS per statement (CCSTMTTRNRS for credit
// cards), noon timestamps in BRT so no importer shifts a posting day, dot
// decimals, and a FITID that is present and unique inside each statement.
type OFX struct{}

var _ domain.StreamExporter = OFX{}

// NewOFX returns the OFX exporter.
func NewOFX() OFX { return OFX{} }

// Format returns domain.ExportOFX.
func (OFX) Format() domain.ExportFormat { return domain.ExportOFX }

// ContentType returns the media type of the output.
func (OFX) ContentType() string { return "application/x-ofx" }

// Export writes one OFX document holding every statement.
func (OFX) Export(w io.Writer, stmts []domain.Statement) error {
	return writeOFX(w, stmts, func(i int) iter.Seq[domain.Transaction] { return slices.Values(stmts[i].Transactions) })
}

// writeOFX writes the document; txs(i) yields the transactions of
// stmts[i] (it is walked twice: FITIDs first, then the lines).
func writeOFX(w io.Writer, stmts []domain.Statement, txs func(i int) iter.Seq[domain.Transaction]) error {
	o := &ofxWriter{w: bufio.NewWriterSize(w, 64<<10)}
	o.raw(ofxHeader)
	o.open("OFX")
	o.open("SIGNONMSGSRSV1")
	o.open("SONRS")
	o.status()
	o.leaf("DTSERVER", ofxTime(serverDate(stmts)))
	o.leaf("LANGUAGE", "POR")
	if code, name, ok := commonBank(stmts); ok {
		// Card accounts carry no BANKID: the signon's FI is where importers
		// (and our parser) learn the bank.
		o.open("FI")
		o.text("ORG", name)
		o.text("FID", code)
		o.close("FI")
	}
	o.close("SONRS")
	o.close("SIGNONMSGSRSV1")
	var banks, cards []int
	for i := range stmts {
		if stmts[i].Account.Type == domain.AccountCreditCard {
			cards = append(cards, i)
		} else {
			banks = append(banks, i)
		}
	}
	if len(banks) > 0 {
		o.open("BANKMSGSRSV1")
		for n, i := range banks {
			o.statement(&stmts[i], txs(i), n+1, false)
		}
		o.close("BANKMSGSRSV1")
	}
	if len(cards) > 0 {
		o.open("CREDITCARDMSGSRSV1")
		for n, i := range cards {
			o.statement(&stmts[i], txs(i), len(banks)+n+1, true)
		}
		o.close("CREDITCARDMSGSRSV1")
	}
	o.close("OFX")
	if o.err == nil {
		o.err = o.w.Flush()
	}
	if o.err != nil {
		return fmt.Errorf("write ofx: %w", o.err)
	}
	return nil
}

// ofxWriter writes SGML lines in Windows-1252 and keeps the first error.
type ofxWriter struct {
	w   *bufio.Writer
	err error
}

func (o *ofxWriter) statement(s *domain.Statement, txs iter.Seq[domain.Transaction], uid int, card bool) {
	trnrs, rs := "STMTTRNRS", "STMTRS"
	if card {
		trnrs, rs = "CCSTMTTRNRS", "CCSTMTRS"
	}
	o.open(trnrs)
	o.leaf("TRNUID", strconv.Itoa(uid))
	o.status()
	o.open(rs)
	cur := s.Account.Currency
	if cur == "" {
		cur = "BRL"
	}
	o.leaf("CURDEF", cur)
	if card {
		o.open("CCACCTFROM")
		o.text("ACCTID", accountID(s))
		o.close("CCACCTFROM")
	} else {
		o.open("BANKACCTFROM")
		o.text("BANKID", bankCode(s))
		o.text("BRANCHID", s.Account.Branch)
		o.text("ACCTID", accountID(s))
		acctType := "CHECKING"
		if s.Account.Type == domain.AccountSavings {
			acctType = "SAVINGS"
		}
		o.leaf("ACCTTYPE", acctType)
		o.close("BANKACCTFROM")
	}
	o.open("BANKTRANLIST")
	if !s.Period.Start.IsZero() {
		o.leaf("DTSTART", ofxTime(s.Period.Start))
	}
	if !s.Period.End.IsZero() {
		o.leaf("DTEND", ofxTime(s.Period.End))
	}
	ids := newFITIDs(txs)
	for t := range txs {
		if o.err != nil {
			break
		}
		o.open("STMTTRN")
		kind := "CREDIT"
		if t.Amount < 0 {
			kind = "DEBIT"
		}
		o.leaf("TRNTYPE", kind)
		o.leaf("DTPOSTED", ofxTime(t.Date))
		o.leaf("TRNAMT", t.Amount.String())
		o.text("FITID", ids.next(t))
		o.text("CHECKNUM", t.Document)
		o.text("MEMO", t.Description)
		o.close("STMTTRN")
	}
	o.close("BANKTRANLIST")
	if s.Closing.Valid {
		o.open("LEDGERBAL")
		o.leaf("BALAMT", s.Closing.Value.String())
		asOf := s.Period.End
		if asOf.IsZero() {
			asOf = serverDate(nil)
		}
		o.leaf("DTASOF", ofxTime(asOf))
		o.close("LEDGERBAL")
	}
	o.close(rs)
	o.close(trnrs)
}

func (o *ofxWriter) status() {
	o.open("STATUS")
	o.leaf("CODE", "0")
	o.leaf("SEVERITY", "INFO")
	o.close("STATUS")
}

func (o *ofxWriter) open(tag string)  { o.raw("<" + tag + ">\r\n") }
func (o *ofxWriter) close(tag string) { o.raw("</" + tag + ">\r\n") }

// leaf writes an element whose value we produced (no escaping needed).
func (o *ofxWriter) leaf(tag, value string) { o.raw("<" + tag + ">" + value + "\r\n") }

// text writes an element holding text from the statement file, escaped and
// encoded; empty text writes nothing (an empty SGML leaf confuses importers).
func (o *ofxWriter) text(tag, value string) {
	value = strings.TrimSpace(clean(value))
	if value == "" || o.err != nil {
		return
	}
	o.raw("<" + tag + ">")
	for _, r := range value {
		var s string
		switch r {
		case '&':
			s = "&amp;"
		case '<':
			s = "&lt;"
		case '>':
			s = "&gt;"
		}
		if s != "" {
			o.raw(s)
			continue
		}
		b, ok := charmap.Windows1252.EncodeRune(r)
		if !ok || b < 0x20 {
			b = '?' // no Windows-1252 byte for it (emoji, CJK) or a control character
		}
		if o.err == nil {
			o.err = o.w.WriteByte(b)
		}
	}
	o.raw("\r\n")
}

func (o *ofxWriter) raw(s string) {
	if o.err == nil {
		_, o.err = o.w.WriteString(s)
	}
}

// ofxTime renders a civil date at noon Brasília time: whatever zone an
// importer converts to, the day stays the same.
func ofxTime(d domain.Date) string {
	return fmt.Sprintf("%04d%02d%02d120000[-3:BRT]", d.Year, int(d.Month), d.Day)
}

// serverDate is the DTSERVER of the document: the latest statement end, so
// exporting the same statements twice gives the same bytes.
func serverDate(stmts []domain.Statement) domain.Date {
	var latest domain.Date
	for i := range stmts {
		if e := stmts[i].Period.End; latest.IsZero() || e.After(latest) {
			latest = e
		}
	}
	if latest.IsZero() {
		return domain.DateOf(time.Now())
	}
	return latest
}

// commonBank returns the COMPE code and name of the bank every statement
// belongs to; ok is false for none, several or an unknown bank.
func commonBank(stmts []domain.Statement) (code, name string, ok bool) {
	for i := range stmts {
		c := bankCode(&stmts[i])
		if c == "" || (code != "" && c != code) {
			return "", "", false
		}
		code, name = c, bankName(&stmts[i])
	}
	return code, name, code != ""
}

// bankCode is the statement's COMPE code, from the account or the bank slug.
func bankCode(s *domain.Statement) string {
	if s.Account.BankCode != "" {
		return s.Account.BankCode
	}
	return bankCodes[s.Bank]
}

func accountID(s *domain.Statement) string {
	if s.Account.Number != "" {
		return s.Account.Number
	}
	return "0"
}

// fitids gives each transaction a FITID: the bank's own when present and
// not seen before in the statement, otherwise one made from the posting date
// and a sequence number (YYYYMMDDnnn), stable for the same statement.
type fitids struct {
	used map[string]bool // every FITID of the statement; true once given out
	seq  map[domain.Date]int
}

// newFITIDs reads the bank's FITIDs of a statement.
func newFITIDs(txs iter.Seq[domain.Transaction]) *fitids {
	f := &fitids{used: make(map[string]bool), seq: make(map[domain.Date]int)}
	for t := range txs {
		if id := strings.TrimSpace(clean(t.FITID)); id != "" {
			f.used[id] = false
		}
	}
	return f
}

// next returns the FITID of the statement's next transaction.
func (f *fitids) next(t domain.Transaction) string {
	id := strings.TrimSpace(clean(t.FITID))
	if id != "" && !f.used[id] {
		f.used[id] = true
		return id
	}
	for {
		f.seq[t.Date]++
		id = fmt.Sprintf("%04d%02d%02d%03d", t.Date.Year, int(t.Date.Month), t.Date.Day, f.seq[t.Date])
		if _, taken := f.used[id]; !taken {
			break
		}
	}
	f.used[id] = true
	return id
}
