// Package benchgen generates the statement files the benchmarks read, with
// the quirks of Brazilian bank exports (Windows-1252 bytes, unclosed OFX
// leaf tags, padded amounts with a decimal comma, CRLF), and measures the
// peak memory of a benchmark. It is shared by the product's benchmarks and
// the side-by-side benchmark module in bench/ofxgo, so both read the same
// bytes.
package benchgen

import (
	"bytes"
	"strconv"
)

// ofxHead is the Itaú/Santander-style OFX 1.02 header and statement
// opening.
const ofxHead = "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\n" +
	"COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n<OFX>\r\n<SIGNONMSGSRSV1>\r\n<SONRS>\r\n<STATUS>\r\n<CODE>0\r\n" +
	"<SEVERITY>INFO\r\n</STATUS>\r\n<DTSERVER>20240201100000[-03:EST]\r\n<LANGUAGE>POR\r\n</SONRS>\r\n</SIGNONMSGSRSV1>\r\n" +
	"<BANKMSGSRSV1>\r\n<STMTTRNRS>\r\n<TRNUID>1001\r\n<STATUS>\r\n<CODE>0\r\n<SEVERITY>INFO\r\n</STATUS>\r\n<STMTRS>\r\n" +
	"<CURDEF>BRL\r\n<BANKACCTFROM>\r\n<BANKID>0341\r\n<ACCTID>1234 56789-0<ACCTTYPE>CHECKING\r\n</BANKACCTFROM>\r\n" +
	"<BANKTRANLIST>\r\n<DTSTART>20240101100000[-03:EST]\r\n<DTEND>20241231100000[-03:EST]\r\n"

const ofxTail = "</BANKTRANLIST>\r\n<LEDGERBAL>\r\n<BALAMT>1000.00\r\n<DTASOF>20241231100000[-03:EST]\r\n</LEDGERBAL>\r\n" +
	"</STMTRS>\r\n</STMTTRNRS>\r\n</BANKMSGSRSV1>\r\n</OFX>\r\n"

// OFX returns an OFX 1.02 bank statement of n transactions (about 195
// bytes each) in Windows-1252: leaf tags never closed, amounts padded with
// spaces and written with a decimal comma every third row, accented MEMOs
// (TRANSFERÊNCIA, CARTÃO) with trailing blanks.
func OFX(n int) []byte {
	b := bytes.NewBuffer(make([]byte, 0, len(ofxHead)+len(ofxTail)+n*200))
	b.WriteString(ofxHead)
	per := n/12 + 1
	var num []byte
	for i := 0; i < n; i++ {
		day := i%28 + 1
		month := i/per + 1
		cents := (i*7919)%500000 + 1
		b.WriteString("<STMTTRN>\r\n<TRNTYPE>OTHER\r\n<DTPOSTED>2024")
		two(b, month)
		two(b, day)
		b.WriteString("100000[-03:EST]\r\n<TRNAMT>        ")
		if i%4 != 0 {
			b.WriteByte('-')
		}
		num = strconv.AppendInt(num[:0], int64(cents/100), 10)
		b.Write(num)
		if i%3 == 0 {
			b.WriteByte(',')
		} else {
			b.WriteByte('.')
		}
		two(b, cents%100)
		b.WriteString("\r\n<FITID>2024")
		two(b, month)
		two(b, day)
		num = strconv.AppendInt(num[:0], int64(1000+i%1000), 10)
		b.Write(num[1:])
		b.WriteString("\r\n<CHECKNUM>")
		num = strconv.AppendInt(num[:0], int64(100000000+i%100000000), 10)
		b.Write(num[1:])
		b.WriteString("\r\n<MEMO>TRANSFER\xcaNCIA PIX RECEBIDA CLIENTE ")
		num = strconv.AppendInt(num[:0], int64(i), 10)
		b.Write(num)
		b.WriteString(" CART\xc3O    \r\n</STMTTRN>\r\n")
	}
	b.WriteString(ofxTail)
	return b.Bytes()
}

// BradescoCSV returns a Bradesco-style CSV export (new layout) of n
// movements in Windows-1252: a preamble with agência/conta, separate
// Crédito/Débito columns, amounts and running balances in Brazilian
// notation with thousands dots, an opening balance row.
func BradescoCSV(n int) []byte {
	b := bytes.NewBuffer(make([]byte, 0, 200+n*80))
	b.WriteString("Extrato de: Ag: 367 | Conta: 50883-7;;;;;\n")
	b.WriteString("Data;Hist\xf3rico;Docto.;Cr\xe9dito (R$);D\xe9bito (R$);Saldo (R$)\n")
	b.WriteString("01/01/2024;COD. LANC. 0;0;0,00; ;1.000.000,00\n")
	balance := int64(100_000_000)
	var num []byte
	for i := range n {
		day := 1 + i%28
		month := 1 + (i/28)%12
		cents := int64(1_000 + (i*7919)%250_000)
		two(b, day)
		b.WriteByte('/')
		two(b, month)
		if i%3 == 0 {
			balance += cents
			b.WriteString("/2024;PIX RECEBIDO CLIENTE ")
		} else {
			balance -= cents
			b.WriteString("/2024;PAGTO ELETRON COBRANCA FORNECEDOR ")
		}
		num = strconv.AppendInt(num[:0], int64(i), 10)
		b.Write(num)
		b.WriteByte(';')
		num = strconv.AppendInt(num[:0], int64(1000+i), 10)
		b.Write(num)
		if i%3 == 0 {
			b.WriteByte(';')
			brl(b, cents)
			b.WriteString("; ;")
		} else {
			b.WriteString("; ;")
			brl(b, cents)
			b.WriteByte(';')
		}
		brl(b, balance)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func two(b *bytes.Buffer, v int) {
	b.WriteByte(byte('0' + v/10%10))
	b.WriteByte(byte('0' + v%10))
}

// brl writes centavos as 1.234,56 (unsigned).
func brl(b *bytes.Buffer, cents int64) {
	if cents < 0 {
		cents = -cents
	}
	s := strconv.FormatInt(cents/100, 10)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte(',')
	two(b, int(cents%100))
}
