package sheet

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

func TestHTMLTables(t *testing.T) {
	tests := []struct {
		name string
		html string
		want [][][]string
	}{
		{
			"th, td, entities and nbsp",
			`<table><tr><th>Data</th><th>Hist&oacute;rico</th></tr><tr><td>02/01/2024</td><td>PIX&nbsp;&nbsp;JO&Atilde;O &amp; CIA</td></tr></table>`,
			[][][]string{{{"Data", "Histórico"}, {"02/01/2024", "PIX JOÃO & CIA"}}},
		},
		{
			"colspan keeps the columns aligned",
			`<table><tr><td colspan="3">Extrato</td></tr><tr><td>a</td><td>b</td><td>c</td></tr></table>`,
			[][][]string{{{"Extrato", "", ""}, {"a", "b", "c"}}},
		},
		{
			"rowspan leaves an empty cell below",
			`<table><tr><td rowspan="2">02/01</td><td>x</td></tr><tr><td>y</td></tr></table>`,
			[][][]string{{{"02/01", "x"}, {"", "y"}}},
		},
		{
			"nested tags and line breaks inside a cell",
			`<table><tr><td><b><font color=red>PIX</font></b><br>ENVIADO</td><td><div>1,00</div></td></tr></table>`,
			[][][]string{{{"PIX ENVIADO", "1,00"}}},
		},
		{
			"a nested table is its own grid",
			`<table><tr><td>menu</td><td><table><tr><td>inner</td></tr></table></td></tr></table>`,
			[][][]string{{{"inner"}}, {{"menu", ""}}},
		},
		{
			"script and unclosed tags",
			`<script>document.write("<table><tr><td>x</td></tr></table>")</script><table><tr><td>a<td>b<tr><td>c`,
			[][][]string{{{"a", "b"}, {"c"}}},
		},
		{
			"SpreadsheetML 2003",
			`<Workbook xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Extrato"><Table>` +
				`<Row><Cell><Data ss:Type="String">Data</Data></Cell><Cell ss:Index="3"><Data ss:Type="String">Valor</Data></Cell></Row>` +
				`<Row><Cell><Data ss:Type="DateTime">2024-01-02T00:00:00.000</Data></Cell><Cell><Data ss:Type="String">PIX</Data></Cell>` +
				`<Cell><Data ss:Type="Number">-150.5</Data></Cell></Row></Table></Worksheet></Workbook>`,
			[][][]string{{{"Data", "", "Valor"}, {"02/01/2024", "PIX", "-150,50"}}},
		},
		{
			"hostile colspan is bounded",
			`<table><tr><td colspan="999999999">x</td></tr></table>`,
			[][][]string{{append([]string{"x"}, make([]string, maxColspan-1)...)}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := htmlTables(tc.html); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestHTMLStatement(t *testing.T) {
	s := source.NewSample("extrato.xls", "", read(t, "testdata/extrato_itau_html.xls"))
	if s.Kind != source.KindHTML || s.Encoding != "windows-1252" {
		t.Fatalf("sample kind/encoding = %s/%s", s.Kind, s.Encoding)
	}
	if got := NewHTML().Detect(s); got != 80 {
		t.Errorf("Detect = %d, want 80", got)
	}
	stmts, err := NewHTML().Parse(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 1 {
		t.Fatalf("%d statements, want 1", len(stmts))
	}
	st := stmts[0]
	if st.Bank != domain.BankItau || st.Format != domain.FormatXLS || st.Account.Number != "12345-6" {
		t.Errorf("bank %s, format %s, account %+v", st.Bank, st.Format, st.Account)
	}
	var sum domain.Money
	for _, tx := range st.Transactions {
		sum += tx.Amount
	}
	if len(st.Transactions) != 3 || sum != 108376 {
		t.Errorf("%d transactions summing %s, want 3 summing 1083.76", len(st.Transactions), sum)
	}
	if d := st.Transactions[0].Description; d != "PIX ENVIADO JOÃO & FILHOS" {
		t.Errorf("description = %q", d)
	}
	if d := st.Transactions[2].Description; d != "TARIFA PACOTE SERVIÇOS" {
		t.Errorf("cp1252 description = %q", d)
	}
	domain.DeriveBalances(&st)
	if r := domain.Reconcile(&st); r.Status != domain.ReconBalanced {
		t.Errorf("reconciliation = %+v, want balanced", r)
	}
	if !strings.Contains(strings.Join(st.Warnings, " "), "ignoradas") {
		t.Errorf("the other tables should be named as ignored: %q", st.Warnings)
	}
}

func TestHTMLRefused(t *testing.T) {
	tests := []struct {
		name, html string
	}{
		{"no statement table", `<html><body><table><tr><td>Fale conosco</td><td>4004 4828</td></tr></table></body></html>`},
		{"no table at all", `<html><body><p>Sessão expirada</p></body></html>`},
	}
	for _, tc := range tests {
		_, err := NewHTML().Parse(context.Background(), source.NewSample("x.xls", "", []byte(tc.html)))
		if domain.ErrorCode(err) != domain.CodeUnsupported || domain.ErrorMessage(err) == "" {
			t.Errorf("%s: err = %v, want unsupported with a message", tc.name, err)
		}
	}
	if got := NewHTML().Detect(source.NewSample("x.xls", "", []byte(`<html><body><p>Sessão expirada</p></body></html>`))); got != 0 {
		t.Errorf("Detect without a table = %d, want 0", got)
	}
}
