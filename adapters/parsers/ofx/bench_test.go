package ofx

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
	"golang.org/x/text/encoding/charmap"
)

// generateOFX writes an Itaú/Santander-style OFX 1.02 file with n
// transactions and the Brazilian quirks: cp1252 bytes, unclosed leaf tags,
// padded amounts with a decimal comma every third row, CRLF.
func generateOFX(n int) []byte {
	var b bytes.Buffer
	b.WriteString("OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\n" +
		"COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n<OFX>\r\n<SIGNONMSGSRSV1>\r\n<SONRS>\r\n<STATUS>\r\n<CODE>0\r\n" +
		"<SEVERITY>INFO\r\n</STATUS>\r\n<DTSERVER>20240201100000[-03:EST]\r\n<LANGUAGE>POR\r\n</SONRS>\r\n</SIGNONMSGSRSV1>\r\n" +
		"<BANKMSGSRSV1>\r\n<STMTTRNRS>\r\n<TRNUID>1001\r\n<STATUS>\r\n<CODE>0\r\n<SEVERITY>INFO\r\n</STATUS>\r\n<STMTRS>\r\n" +
		"<CURDEF>BRL\r\n<BANKACCTFROM>\r\n<BANKID>0341\r\n<ACCTID>1234 56789-0<ACCTTYPE>CHECKING\r\n</BANKACCTFROM>\r\n" +
		"<BANKTRANLIST>\r\n<DTSTART>20240101100000[-03:EST]\r\n<DTEND>20241231100000[-03:EST]\r\n")
	for i := 0; i < n; i++ {
		day := i%28 + 1
		month := i/(n/12+1) + 1
		cents := (i*7919)%500000 + 1
		sign := "-"
		if i%4 == 0 {
			sign = ""
		}
		amount := fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
		if i%3 == 0 {
			amount = fmt.Sprintf("%s%d,%02d", sign, cents/100, cents%100)
		}
		fmt.Fprintf(&b, "<STMTTRN>\r\n<TRNTYPE>OTHER\r\n<DTPOSTED>2024%02d%02d100000[-03:EST]\r\n<TRNAMT>        %s\r\n"+
			"<FITID>2024%02d%02d%03d\r\n<CHECKNUM>%08d\r\n<MEMO>TRANSFERÊNCIA PIX RECEBIDA CLIENTE %d CARTÃO    \r\n</STMTTRN>\r\n",
			month, day, amount, month, day, i%1000, i, i)
	}
	b.WriteString("</BANKTRANLIST>\r\n<LEDGERBAL>\r\n<BALAMT>1000.00\r\n<DTASOF>20241231100000[-03:EST]\r\n</LEDGERBAL>\r\n" +
		"</STMTRS>\r\n</STMTTRNRS>\r\n</BANKMSGSRSV1>\r\n</OFX>\r\n")
	out, err := charmap.Windows1252.NewEncoder().Bytes(b.Bytes())
	if err != nil {
		panic(err)
	}
	return out
}

// BenchmarkParseOFX measures parsing of a ~5,000-transaction cp1252 file:
// "parse" on an already sniffed sample; "sniff+stream" as the engine streams
// (encoding detection, values decoded one by one, transactions handed on);
// "sniff+parse" with the whole file decoded and the statements built.
func BenchmarkParseOFX(b *testing.B) {
	raw := generateOFX(5000)
	ctx := context.Background()
	b.Run("parse", func(b *testing.B) {
		s := source.NewSample("bench.ofx", "", raw)
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			stmts, err := New().Parse(ctx, s)
			if err != nil || len(stmts[0].Transactions) != 5000 {
				b.Fatalf("err=%v", err)
			}
		}
	})
	b.Run("sniff+stream", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			s := source.NewSharedSample("bench.ofx", "", raw)
			var n countSink
			if err := New().Stream(ctx, s, &n); err != nil || n.txs != 5000 {
				b.Fatalf("err=%v n=%d", err, n.txs)
			}
		}
	})
	b.Run("sniff+parse", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			s := source.NewSample("bench.ofx", "", raw)
			if _, err := New().Parse(ctx, s); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// countSink counts what it receives and keeps nothing.
type countSink struct{ txs int }

func (c *countSink) Begin(context.Context, *domain.Statement) error { return nil }
func (c *countSink) Add(domain.Transaction) error                   { c.txs++; return nil }
func (c *countSink) End(*domain.Statement) error                    { return nil }

func TestGeneratedFile(t *testing.T) {
	raw := generateOFX(5000)
	stmts, err := New().Parse(context.Background(), source.NewSample("g.ofx", "", raw))
	if err != nil {
		t.Fatal(err)
	}
	st := stmts[0]
	if len(st.Transactions) != 5000 || st.Rows.Rejected != 0 || len(st.Warnings) != 1 {
		t.Fatalf("transactions=%d rows=%+v warnings=%q", len(st.Transactions), st.Rows, st.Warnings)
	}
	if got := st.Transactions[0].Description; got != "TRANSFERÊNCIA PIX RECEBIDA CLIENTE 0 CARTÃO" {
		t.Errorf("description = %q", got)
	}
}
