package export_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/export"
	"github.com/bankflow/bankflow/adapters/parsers"
	"github.com/bankflow/bankflow/adapters/parsers/ofx"
	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
	"github.com/xuri/excelize/v2"
)

const samplesDir = "../../../shared/samples"

// sampleStatements reads every sample the engine accepts, as the service
// hands them to the exporters.
func sampleStatements(t *testing.T) map[string][]domain.Statement {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(samplesDir, "*", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples under %s: %v", samplesDir, err)
	}
	out := map[string][]domain.Statement{}
	for _, path := range files {
		name := filepath.Base(path)
		if strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".md") {
			continue
		}
		stmts, err := read(t, name, mustRead(t, path))
		if err != nil {
			t.Logf("%s: the engine refuses it (%v); not a round-trip case", name, err)
			continue
		}
		out[name] = stmts
	}
	if len(out) < 10 {
		t.Fatalf("only %d samples read", len(out))
	}
	return out
}

// read runs the real engine (detection and every parser).
func read(t *testing.T, name string, data []byte) ([]domain.Statement, error) {
	t.Helper()
	return parsers.Default().Read(context.Background(), domain.Input{Name: name, Data: data})
}

// parseOFX reads with the OFX parser alone.
func parseOFX(t *testing.T, name string, data []byte) ([]domain.Statement, error) {
	t.Helper()
	return ofx.New().Parse(context.Background(), source.NewSample(name, "", data))
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSamplesOFXRoundTrip(t *testing.T) {
	for name, stmts := range sampleStatements(t) {
		t.Run(name, func(t *testing.T) {
			out := render(t, export.NewOFX(), stmts)
			back, err := read(t, "export.ofx", out)
			if err != nil {
				t.Fatalf("our OFX does not parse: %v\n%s", err, out)
			}
			if len(back) != len(stmts) {
				t.Fatalf("%d statements back, want %d", len(back), len(stmts))
			}
			for i := range stmts {
				want, got := &stmts[i], &back[i]
				if got.Account != want.Account {
					t.Errorf("account %+v, want %+v", got.Account, want.Account)
				}
				if got.Closing != want.Closing {
					t.Errorf("closing %v, want %v", got.Closing, want.Closing)
				}
				if len(got.Transactions) != len(want.Transactions) {
					t.Fatalf("%d transactions back, want %d", len(got.Transactions), len(want.Transactions))
				}
				seen := map[string]bool{}
				for j, w := range want.Transactions {
					g := got.Transactions[j]
					if g.Date != w.Date || g.Amount != w.Amount || g.Description != w.Description || g.Document != w.Document {
						t.Errorf("transaction %d = %v %v %q %q, want %v %v %q %q", j,
							g.Date, g.Amount, g.Description, g.Document, w.Date, w.Amount, w.Description, w.Document)
					}
					if g.FITID == "" || seen[g.FITID] {
						t.Errorf("transaction %d: FITID %q empty or repeated", j, g.FITID)
					}
					seen[g.FITID] = true
				}
			}
		})
	}
}

func TestSamplesJSONRoundTrip(t *testing.T) {
	for name, stmts := range sampleStatements(t) {
		back, err := export.DecodeJSON(bytes.NewReader(render(t, export.NewJSON(), stmts)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(normalize(back), normalize(stmts)) {
			t.Errorf("%s: JSON round trip differs:\n got %+v\nwant %+v", name, back, stmts)
		}
	}
}

func TestSamplesXLSXValues(t *testing.T) {
	for name, stmts := range sampleStatements(t) {
		f := openWorkbook(t, render(t, export.NewXLSX(), stmts))
		r := 2
		for _, s := range stmts {
			for _, tx := range s.Transactions {
				n := strconv.Itoa(r)
				if v, typ := cell(t, f, export.SheetTransactions, "D"+n); v != tx.Amount.String() || typ == excelize.CellTypeInlineString {
					t.Errorf("%s D%s = %q (type %v), want number %s", name, n, v, typ, tx.Amount)
				}
				if v, _ := f.GetCellValue(export.SheetTransactions, "A"+n); v != tx.Date.BR() {
					t.Errorf("%s A%s shows %q, want %s", name, n, v, tx.Date.BR())
				}
				r++
			}
		}
	}
}

// normalize makes empty slices nil: JSON cannot tell them apart, and
// neither can a user.
func normalize(stmts []domain.Statement) []domain.Statement {
	out := make([]domain.Statement, len(stmts))
	for i, s := range stmts {
		if len(s.Transactions) == 0 {
			s.Transactions = nil
		}
		if len(s.DayBalances) == 0 {
			s.DayBalances = nil
		}
		if len(s.Rows.Notes) == 0 {
			s.Rows.Notes = nil
		}
		if len(s.Warnings) == 0 {
			s.Warnings = nil
		}
		out[i] = s
	}
	return out
}
