package parsers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/ofx"
	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// fake is a hand-written parser with a fixed confidence.
type fake struct {
	name        string
	confidence  int
	bank        string
	panicDetect bool
	panicParse  bool
	err         error
}

func (f fake) Name() string { return f.name }

func (f fake) Detect(*source.Sample) int {
	if f.panicDetect {
		panic("detect boom")
	}
	return f.confidence
}

func (f fake) Parse(_ context.Context, s *source.Sample) ([]domain.Statement, error) {
	if f.panicParse {
		var m map[string]int
		//lint:ignore SA5000 a deliberate bug: the engine must survive a parser's panic
		m["boom"]++
	}
	if f.err != nil {
		return nil, f.err
	}
	bank := f.bank
	if bank == "" {
		bank = domain.BankUnknown
	}
	return []domain.Statement{{Bank: bank, Parser: f.name, Format: domain.FormatCSV}}, nil
}

func read(t *testing.T, e *Engine, in domain.Input) []domain.Statement {
	t.Helper()
	stmts, err := e.Read(context.Background(), in)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return stmts
}

func TestEnginePicksMostConfident(t *testing.T) {
	in := domain.Input{Name: "x.csv", Data: []byte("a;b\n1;2\n")}
	cases := []struct {
		name    string
		parsers []source.Parser
		bank    string
		want    string
	}{
		{"highest confidence", []source.Parser{fake{name: "generic-csv", confidence: 30}, fake{name: "itau-csv", confidence: 80}}, "", "itau-csv"},
		{"tie goes to the first registered", []source.Parser{fake{name: "first", confidence: 50}, fake{name: "second", confidence: 50}}, "", "first"},
		{"forced bank prefers its parser", []source.Parser{fake{name: "generic-csv", confidence: 60}, fake{name: "bradesco-csv", confidence: 20}}, "bradesco", "bradesco-csv"},
		{"forced bank never picks a parser that said no", []source.Parser{fake{name: "generic-csv", confidence: 60}, fake{name: "bradesco-csv"}}, "bradesco", "generic-csv"},
		{"a panicking Detect counts as no", []source.Parser{fake{name: "broken", panicDetect: true}, fake{name: "ok", confidence: 10}}, "", "ok"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := in
			in.Bank = c.bank
			stmts := read(t, NewEngine(c.parsers...), in)
			if stmts[0].Parser != c.want {
				t.Errorf("parser = %s, want %s", stmts[0].Parser, c.want)
			}
		})
	}
}

func TestEngineForcedBankFillsUnknown(t *testing.T) {
	e := NewEngine(fake{name: "generic-csv", confidence: 40})
	st := read(t, e, domain.Input{Data: []byte("a;b\n"), Bank: "sicoob"})[0]
	if st.Bank != "sicoob" || st.Account.BankCode != "756" {
		t.Errorf("bank = %s code %q, want sicoob 756", st.Bank, st.Account.BankCode)
	}
	st = read(t, NewEngine(fake{name: "itau-csv", confidence: 40, bank: "itau"}), domain.Input{Data: []byte("a;b\n")})[0]
	if st.Bank != "itau" || st.Account.BankCode != "341" || st.Account.Currency != "BRL" {
		t.Errorf("statement = %+v", st)
	}
}

// TestEngineErrors: each failure is a *domain.Error with the right code and
// a message that helps.
func TestEngineErrors(t *testing.T) {
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, make([]byte, 32)...)
	ofxOnly := NewEngine(ofx.New())
	cases := []struct {
		name   string
		engine *Engine
		in     domain.Input
		code   domain.Code
		msg    []string
	}{
		{"empty file", Default(), domain.Input{Name: "a.ofx"}, domain.CodeUnsupported, []string{"vazio", "OFX", "CNAB 240"}},
		{"jpeg renamed .ofx", Default(), domain.Input{Name: "a.ofx", Data: jpeg}, domain.CodeUnsupported, []string{"imagem JPEG", "XLSX"}},
		{"pdf", Default(), domain.Input{Name: "a.ofx", Data: []byte("%PDF-1.7\n%âãÏÓ\n")}, domain.CodeUnsupported, []string{"parece um PDF"}},
		{"unknown csv layout", ofxOnly, domain.Input{Name: "a.csv", Data: []byte("Quando;Quanto;Onde\n1;2;3\n")}, domain.CodeUnsupported,
			[]string{"texto separado por ';' com colunas Quando, Quanto, Onde", "Itaú"}},
		{"plain text", ofxOnly, domain.Input{Data: []byte("\n\nolá mundo\n")}, domain.CodeUnsupported, []string{`primeira linha: "olá mundo"`}},
		{"truncated ofx", Default(), domain.Input{Data: []byte("OFXHEADER:100\nDATA:OFXSGML\n<OFX><SIGNONMSGSRSV1><SONRS>")}, domain.CodeInvalid, []string{"incompleto"}},
		{"unknown forced bank", Default(), domain.Input{Data: []byte("<OFX>"), Bank: "banco-x"}, domain.CodeInvalid, []string{"banco-x", "itau"}},
		{"parser panic", NewEngine(fake{name: "bug", confidence: 90, panicParse: true}), domain.Input{Data: []byte("x")}, domain.CodeInvalid, []string{"malformado"}},
		{"foreign parser error", NewEngine(fake{name: "bug", confidence: 90, err: errors.New("eof")}), domain.Input{Data: []byte("x")}, domain.CodeInvalid, []string{"Não foi possível ler"}},
		{"parser found nothing", NewEngine(emptyParser{}), domain.Input{Data: []byte("x")}, domain.CodeInvalid, []string{"nenhum extrato"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stmts, err := c.engine.Read(context.Background(), c.in)
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("err = %v (%d statements), want *domain.Error", err, len(stmts))
			}
			if de.Code != c.code {
				t.Errorf("code = %s, want %s (%s)", de.Code, c.code, de.Message)
			}
			for _, m := range c.msg {
				if !strings.Contains(de.Message, m) {
					t.Errorf("message %q lacks %q", de.Message, m)
				}
			}
		})
	}
}

type emptyParser struct{}

func (emptyParser) Name() string              { return "empty" }
func (emptyParser) Detect(*source.Sample) int { return 50 }
func (emptyParser) Parse(context.Context, *source.Sample) ([]domain.Statement, error) {
	return nil, nil
}

// TestDefaultReadsOFXSamples runs the default engine over the real OFX
// samples: detection by content (not by name), bank, and the balance proof.
func TestDefaultReadsOFXSamples(t *testing.T) {
	cases := []struct {
		file  string
		stmts int
		bank  string
		txs   int
		recon domain.ReconStatus
	}{
		{"ofxsharp_itau.ofx", 1, "itau", 3, domain.ReconUnknown},
		{"ofxsharp_bb.ofx", 1, "bb", 3, domain.ReconUnknown},
		{"ofxsharp_santander.ofx", 1, "santander", 3, domain.ReconUnknown},
		{"statementparser_bradesco-conta-corrente.ofx", 1, "bradesco", 10, domain.ReconUnknown},
		{"statementparser_nubank-cartao-credito.ofx", 1, "nubank", 101, domain.ReconUnknown},
		{"ofxparse_multiple_accounts2.ofx", 2, "unknown", 0, domain.ReconUnknown},
		{"own/crlf_itau_saldos.ofx", 1, "itau", 3, domain.ReconBalanced},
		{"own/multi_accounts_sgml.ofx", 3, "bb", 2, domain.ReconUnknown},
	}
	e := Default()
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("ofx", "testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			in := domain.Input{Name: "extrato.txt", Data: raw}
			if name, conf := e.Detect(in); name != "ofx" || conf < 90 {
				t.Errorf("Detect = %s %d, want ofx >= 90", name, conf)
			}
			stmts := read(t, e, in)
			if len(stmts) != c.stmts || stmts[0].Bank != c.bank || len(stmts[0].Transactions) != c.txs {
				t.Fatalf("got %d statements, bank %s, %d transactions", len(stmts), stmts[0].Bank, len(stmts[0].Transactions))
			}
			if stmts[0].Reconciliation.Status != c.recon {
				t.Errorf("reconciliation = %+v, want %s", stmts[0].Reconciliation, c.recon)
			}
		})
	}
}

// FuzzDetect runs the whole default engine with panics let through, so the
// fuzzer finds a panic in any parser's Detect or Parse.
func FuzzDetect(f *testing.F) {
	for _, pattern := range []string{"ofx/testdata/*.ofx", "ofx/testdata/own/*.ofx", "*/testdata/*.csv", "*/testdata/*.txt", "*/testdata/*.ret"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			raw, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(raw, "")
		}
	}
	f.Add([]byte("Data;Histórico;Valor\n01/02/2024;PIX;-1,00\n"), "itau")
	e := Default()
	e.noRecover = true
	f.Fuzz(func(t *testing.T, raw []byte, bank string) {
		if bank != "" && !e.knownBank(bank) {
			bank = ""
		}
		in := domain.Input{Name: "fuzz", Data: raw, Bank: bank}
		e.Detect(in)
		stmts, err := e.Read(context.Background(), in)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Message == "" {
				t.Fatalf("error %v is not a *domain.Error with a message", err)
			}
			return
		}
		for _, st := range stmts {
			if st.Bank == "" || st.Parser == "" {
				t.Fatalf("statement without bank or parser: %+v", st)
			}
		}
	})
}
