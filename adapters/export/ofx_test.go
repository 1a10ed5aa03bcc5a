package export_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bankflow/bankflow/adapters/export"
	"github.com/bankflow/bankflow/domain"
)

func TestOFXDocument(t *testing.T) {
	stmts := fixture(t)
	out := render(t, export.NewOFX(), stmts)
	if !bytes.HasPrefix(out, []byte("OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n")) {
		t.Errorf("header block: %q", out[:40])
	}
	if utf8.Valid(out) {
		t.Errorf("body should be Windows-1252, as CHARSET:1252 says, not UTF-8")
	}
	text := string(out)
	for _, want := range []string{
		"<BANKMSGSRSV1>", "<STMTTRNRS>", "<STMTRS>", "<BANKID>341", "<BRANCHID>0001", "<ACCTID>12345-6", "<ACCTTYPE>CHECKING",
		"<CREDITCARDMSGSRSV1>", "<CCSTMTTRNRS>", "<CCSTMTRS>", "<CCACCTFROM>",
		"<DTSTART>20240102120000[-3:BRT]", "<DTEND>20240131120000[-3:BRT]",
		"<TRNTYPE>DEBIT\r\n<DTPOSTED>20240102120000[-3:BRT]\r\n<TRNAMT>-150.00\r\n<FITID>A1\r\n<CHECKNUM>123456\r\n<MEMO>PIX ENVIADO JOAO",
		"<MEMO>P\xc3O &amp; CIA &lt;LTDA&gt;", "<MEMO>CAF\xc9 ? EMOJI",
		"<LEDGERBAL>\r\n<BALAMT>1234.56\r\n<DTASOF>20240131120000[-3:BRT]",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("OFX lacks %q", want)
		}
	}
	if strings.Count(text, "<STMTTRN>") != 10 {
		t.Errorf("%d STMTTRN, want 10", strings.Count(text, "<STMTTRN>"))
	}
	// FITIDs: present and unique within each statement; the repeated A1 and
	// the missing ones get date+sequence ids.
	for _, part := range strings.Split(text, "TRNUID")[1:] {
		seen := map[string]bool{}
		for _, line := range strings.Split(part, "\r\n") {
			if id, ok := strings.CutPrefix(line, "<FITID>"); ok {
				if seen[id] {
					t.Errorf("FITID %q repeated", id)
				}
				seen[id] = true
			}
		}
	}
	if !strings.Contains(text, "<FITID>20240103001") {
		t.Errorf("repeated FITID A1 not replaced by a date+sequence id")
	}
	if again := render(t, export.NewOFX(), stmts); !bytes.Equal(again, out) {
		t.Errorf("exporting the same statements twice gives different bytes")
	}
}

func TestOFXFixtureRoundTrip(t *testing.T) {
	stmts := fixture(t)
	back, err := parseOFX(t, "out.ofx", render(t, export.NewOFX(), stmts))
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 2 {
		t.Fatalf("%d statements back", len(back))
	}
	for i := range stmts {
		for j, w := range stmts[i].Transactions {
			g := back[i].Transactions[j]
			desc := strings.TrimSpace(strings.ReplaceAll(w.Description, "☕", "?"))
			if g.Date != w.Date || g.Amount != w.Amount || g.Description != desc {
				t.Errorf("statement %d transaction %d = %v %v %q, want %v %v %q", i, j, g.Date, g.Amount, g.Description, w.Date, w.Amount, desc)
			}
		}
	}
	if back[0].Account != stmts[0].Account || back[0].Closing != stmts[0].Closing {
		t.Errorf("account back %+v closing %v, want %+v %v", back[0].Account, back[0].Closing, stmts[0].Account, stmts[0].Closing)
	}
	if back[1].Account.Type != domain.AccountCreditCard || back[1].Account.Number != "nubank-cartao" {
		t.Errorf("card back: %+v", back[1].Account)
	}
	// One bank in the document: the signon FI names it, cards included.
	card, err := parseOFX(t, "card.ofx", render(t, export.NewOFX(), stmts[1:]))
	if err != nil || card[0].Bank != domain.BankNubank || card[0].Account.BankCode != "260" {
		t.Errorf("card alone: %+v %v", card, err)
	}
}
