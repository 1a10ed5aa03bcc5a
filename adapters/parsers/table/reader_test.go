package table

import (
	"context"
	"reflect"
	"testing"

	"github.com/bankflow/bankflow/domain"
)

func TestReadGrid(t *testing.T) {
	cases := []struct {
		name string
		text string
		want [][]string
	}{
		{"semicolon with decimal commas", "Data;Valor;Saldo\r\n01/02/2024;-1.234,56;10,00\r\n",
			[][]string{{"Data", "Valor", "Saldo"}, {"01/02/2024", "-1.234,56", "10,00"}}},
		{"comma with quoted commas", "a,b,c\n1,\"1.000,50\",\"x, y\"\n",
			[][]string{{"a", "b", "c"}, {"1", "1.000,50", "x, y"}}},
		{"tab", "Data\tValor\n01/02/2024\t10.00\n",
			[][]string{{"Data", "Valor"}, {"01/02/2024", "10.00"}}},
		{"pipe", "Data|Valor\n01/02/2024|10,00\n",
			[][]string{{"Data", "Valor"}, {"01/02/2024", "10,00"}}},
		{"doubled quotes and a line break inside quotes", "a;b\n\"say \"\"hi\"\"\";\"two\nlines\"\nx;y\n",
			[][]string{{"a", "b"}, {`say "hi"`, "two\nlines"}, {"x", "y"}}},
		{"quote inside a field is literal", "a;b\nEstorno \"Loja\";1,00\n",
			[][]string{{"a", "b"}, {`Estorno "Loja"`, "1,00"}}},
		{"unclosed quote does not swallow the file", "a;b\n\"open;1,00\nx;y\n",
			[][]string{{"a", "b"}, {`"open`, "1,00"}, {"x", "y"}}},
		{"blank cells trimmed", "a; ;c;;\n",
			[][]string{{"a", "", "c", "", ""}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ReadGrid(c.text, 0); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestParseGrid reads a spreadsheet-like grid as the sheet parsers hand it:
// the format is recorded and rows are grid rows.
func TestParseGrid(t *testing.T) {
	grid := [][]string{
		{"AGENCIA", "1234", "CONTA", "01012345-6"},
		{},
		{"Data", "Histórico", "Documento", "Valor (R$)", "Saldo (R$)"},
		{"02/01/2024", "SALDO ANTERIOR", "", "", "1.000,00"},
		{"03/01/2024", "PIX RECEBIDO", "1", "250,00", "1.250,00"},
		{"04/01/2024", "TARIFA", "", "-25,00", "1.225,00"},
	}
	id, conf := DetectGrid(grid)
	if id != LayoutSantander || conf < 90 {
		t.Fatalf("DetectGrid = %s %d, want santander 90+", id, conf)
	}
	stmts, err := ParseGrid(context.Background(), nil, grid, domain.FormatXLSX)
	if err != nil {
		t.Fatal(err)
	}
	st := stmts[0]
	if st.Parser != "santander-xlsx" || st.Format != domain.FormatXLSX || st.Bank != domain.BankSantander {
		t.Errorf("parser %s format %s bank %s", st.Parser, st.Format, st.Bank)
	}
	if len(st.Transactions) != 2 || st.Transactions[1].Line != 6 || st.Rows.Total() != len(grid) {
		t.Errorf("transactions %+v, rows %+v", st.Transactions, st.Rows)
	}
	if st.Account.Branch != "1234" || st.Account.Number != "01012345-6" {
		t.Errorf("account %+v", st.Account)
	}
	if _, err := ParseGrid(context.Background(), nil, [][]string{{"nome", "idade"}, {"Ana", "3"}}, domain.FormatXLSX); domain.ErrorCode(err) != domain.CodeUnsupported {
		t.Errorf("unknown grid: %v", err)
	}
}
