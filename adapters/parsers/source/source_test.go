package source

import (
	"testing"

	"github.com/bankflow/bankflow/domain"
)

func TestDecodeByContent(t *testing.T) {
	cases := []struct {
		name, raw, text, enc string
	}{
		{"utf-8", "Transferência", "Transferência", "utf-8"},
		{"bom", "\xEF\xBB\xBFData;Histórico", "Data;Histórico", "utf-8-bom"},
		{"cp1252 despite any header", "CHARSET:UTF-8\nTransfer\xeancia Cart\xe3o", "CHARSET:UTF-8\nTransferência Cartão", "windows-1252"},
		{"mixed lines", "Descrição;Valor\nTransfer\xeancia;1,00\nCartão;2,00\n", "Descrição;Valor\nTransferência;1,00\nCartão;2,00\n", "mixed"},
		{"utf-16le", "\xFF\xFEO\x00F\x00X\x00", "OFX", "utf-16"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text, enc := Decode([]byte(c.raw))
			if text != c.text || enc != c.enc {
				t.Fatalf("Decode = %q (%s), want %q (%s)", text, enc, c.text, c.enc)
			}
		})
	}
}

func TestNewSampleKinds(t *testing.T) {
	cases := map[string]Kind{
		"":                                 KindEmpty,
		"  \n\t":                           KindEmpty,
		"PK\x03\x04rest":                   KindZip,
		"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1": KindOLE,
		"%PDF-1.7":                         KindPDF,
		"\xFF\xD8\xFF\xE0JFIF":             KindImage,
		"<html><table><tr><td>x</td></tr></table></html>": KindHTML,
		"OFXHEADER:100\nDATA:OFXSGML":                     KindText,
		"\x00\x01\x02binary\x03":                          KindBinary,
	}
	for raw, want := range cases {
		if got := NewSample("f", "", []byte(raw)).Kind; got != want {
			t.Errorf("NewSample(%q).Kind = %s, want %s", raw, got, want)
		}
	}
}

func TestBankCodes(t *testing.T) {
	cases := map[string]string{"1": domain.BankBB, "0341": domain.BankItau, "033": domain.BankSantander, "0237": domain.BankBradesco, "260": domain.BankNubank, "999": domain.BankUnknown, "": domain.BankUnknown}
	for id, want := range cases {
		if got := BankSlug(id); got != want {
			t.Errorf("BankSlug(%q) = %s, want %s", id, got, want)
		}
	}
	if BankCode("0001") != "001" || CodeOfSlug(domain.BankItau) != "341" {
		t.Error("bank code normalisation")
	}
}

func TestIsBalanceLabel(t *testing.T) {
	for _, s := range []string{"SALDO ANTERIOR", "S A L D O", "Saldo do dia", "SALDO TOTAL DISPONÍVEL DIA", "saldo final"} {
		if !IsBalanceLabel(s) {
			t.Errorf("%q is a balance row", s)
		}
	}
	for _, s := range []string{"PIX RECEBIDO SALDO", "Saldo restante da fatura anterior", "TED 123"} {
		if IsBalanceLabel(s) {
			t.Errorf("%q is not a balance row", s)
		}
	}
}
