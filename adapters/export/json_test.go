package export_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/export"
	"github.com/bankflow/bankflow/domain"
)

func TestJSONRoundTrip(t *testing.T) {
	stmts := fixture(t)
	for _, n := range []int{1, 2} {
		out := render(t, export.NewJSON(), stmts[:n])
		back, err := export.DecodeJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("decode %d: %v\n%s", n, err, out)
		}
		if !reflect.DeepEqual(normalize(back), normalize(stmts[:n])) {
			t.Errorf("round trip of %d statements differs:\n got %+v\nwant %+v", n, back, stmts[:n])
		}
	}
}

func TestJSONContractShape(t *testing.T) {
	stmts := fixture(t)
	one := render(t, export.NewJSON(), stmts[:1])
	var obj map[string]any
	if err := json.Unmarshal(one, &obj); err != nil {
		t.Fatalf("one statement is not a JSON object: %v", err)
	}
	for _, key := range []string{"bank", "format", "account", "period", "opening_balance", "closing_balance",
		"reconciliation", "transactions", "rows", "warnings"} {
		if _, ok := obj[key]; !ok {
			t.Errorf("missing contract key %q", key)
		}
	}
	if obj["opening_balance"] != "1000.00" || obj["closing_balance"] != "1234.56" {
		t.Errorf("balances: %v %v", obj["opening_balance"], obj["closing_balance"])
	}
	period := obj["period"].(map[string]any)
	if period["start"] != "2024-01-02" || period["end"] != "2024-01-31" {
		t.Errorf("period: %v", period)
	}
	tx := obj["transactions"].([]any)[0].(map[string]any)
	want := map[string]any{"date": "2024-01-02", "amount": "-150.00", "description": "PIX ENVIADO JOAO",
		"document": "123456", "fitid": "A1", "balance": nil}
	for k, v := range want {
		if tx[k] != v {
			t.Errorf("transaction %s = %#v, want %#v", k, tx[k], v)
		}
	}
	if d := obj["transactions"].([]any)[2].(map[string]any)["document"]; d != nil {
		t.Errorf("unknown document should be null, got %#v", d)
	}
	rec := obj["reconciliation"].(map[string]any)
	if rec["status"] != "balanced" || rec["difference"] != "0.00" {
		t.Errorf("reconciliation: %v", rec)
	}
	if _, ok := rec["break_date"]; !ok {
		t.Errorf("reconciliation lacks break_date: %v", rec)
	}
	rows := obj["rows"].(map[string]any)
	rejected := rows["rejected"].([]any)
	if len(rejected) != 1 || rejected[0].(map[string]any)["reason"] != "data inválida" {
		t.Errorf("rows.rejected: %v", rejected)
	}
	if rows["transactions"] != float64(8) || rows["balance"] != float64(1) || rows["header"] != float64(1) {
		t.Errorf("rows counts: %v", rows)
	}
	if strings.Contains(string(one), `\u0026`) {
		t.Errorf("JSON escapes & as \\u0026; want it readable")
	}

	var arr []map[string]any
	if err := json.Unmarshal(render(t, export.NewJSON(), stmts), &arr); err != nil || len(arr) != 2 {
		t.Fatalf("two statements should be an array of 2: %v", err)
	}
	if arr[1]["opening_balance"] != nil {
		t.Errorf("unknown opening balance should be null, got %#v", arr[1]["opening_balance"])
	}
}

func TestDecodeJSONRejectsBadValues(t *testing.T) {
	cases := map[string]string{
		"float amount": `{"bank":"itau","transactions":[{"date":"2024-01-02","amount":"1.005"}]}`,
		"bad date":     `{"bank":"itau","transactions":[{"date":"2024-02-30","amount":"1.00"}]}`,
		"not json":     `{"bank":`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := export.DecodeJSON(strings.NewReader(in))
			if domain.ErrorCode(err) != domain.CodeInvalid {
				t.Errorf("got %v, want a CodeInvalid error", err)
			}
		})
	}
}
