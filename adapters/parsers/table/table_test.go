package table

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// rowCounts is a RowSummary without its notes, for comparison.
type rowCounts struct{ tx, balance, header, future, ignored, rejected int }

func countsOf(r domain.RowSummary) rowCounts {
	return rowCounts{r.Transactions, r.Balance, r.Header, r.Future, r.Ignored, r.Rejected}
}

// fixture is what a user must get from one file in testdata/.
type fixture struct {
	file, parser, bank string
	txs                int
	sum                domain.Money // centavos
	first, last        string
	opening, closing   string // "" when unknown
	rows               rowCounts
	status             domain.ReconStatus
	breakDate          string
	branch, number     string
	accountType        domain.AccountType
}

var fixtures = []fixture{
	{file: "nubank_conta.csv", parser: "nubank-conta-csv", bank: "nubank", txs: 4, sum: 14171,
		first: "2024-01-02", last: "2024-01-15", rows: rowCounts{tx: 4, header: 1},
		status: domain.ReconUnknown, accountType: domain.AccountChecking},
	{file: "nubank_cartao.csv", parser: "nubank-cartao-csv", bank: "nubank", txs: 5, sum: 316997,
		first: "2023-12-28", last: "2024-01-07", rows: rowCounts{tx: 5, header: 1},
		status: domain.ReconUnknown, accountType: domain.AccountCreditCard},
	{file: "nubank_cartao_antigo.csv", parser: "nubank-cartao-csv", bank: "nubank", txs: 2, sum: 0,
		first: "2022-03-01", last: "2022-03-03", rows: rowCounts{tx: 2, header: 1},
		status: domain.ReconUnknown, accountType: domain.AccountCreditCard},
	{file: "inter_conta.csv", parser: "inter-conta-csv", bank: "inter", txs: 4, sum: -53550,
		first: "2023-12-28", last: "2024-01-05", opening: "1000.00", closing: "464.50",
		rows: rowCounts{tx: 4, header: 5, ignored: 1}, status: domain.ReconBalanced,
		number: "12345678", accountType: domain.AccountChecking},
	{file: "inter_cartao.csv", parser: "inter-cartao-csv", bank: "inter", txs: 4, sum: -82036,
		first: "2024-01-10", last: "2024-01-20", rows: rowCounts{tx: 4, header: 1},
		status: domain.ReconUnknown, accountType: domain.AccountCreditCard},
	{file: "bradesco_antigo.csv", parser: "bradesco-csv", bank: "bradesco", txs: 5, sum: -121200,
		first: "2023-12-28", last: "2024-01-03", opening: "1000.00", closing: "-212.00",
		rows:   rowCounts{tx: 5, balance: 1, header: 4, future: 1, ignored: 5},
		status: domain.ReconBalanced, branch: "1234", number: "56789-0", accountType: domain.AccountChecking},
	{file: "bradesco_novo.csv", parser: "bradesco-csv", bank: "bradesco", txs: 5, sum: -235000,
		first: "2023-12-29", last: "2024-01-03", opening: "2500.00", closing: "150.00",
		rows:   rowCounts{tx: 5, balance: 1, header: 4, future: 1, ignored: 2},
		status: domain.ReconBalanced, branch: "367", number: "50883-7", accountType: domain.AccountChecking},
	{file: "bb_antigo.csv", parser: "bb-csv", bank: "bb", txs: 4, sum: 120360,
		first: "2023-12-29", last: "2024-01-03", opening: "1500.00", closing: "2703.60",
		rows: rowCounts{tx: 4, balance: 2, header: 1}, status: domain.ReconBalanced, accountType: domain.AccountChecking},
	{file: "bb_novo.csv", parser: "bb-csv", bank: "bb", txs: 4, sum: -104656,
		first: "2023-12-28", last: "2024-01-03", opening: "1000.00", closing: "-46.56",
		rows: rowCounts{tx: 4, balance: 5, header: 1}, status: domain.ReconBalanced, accountType: domain.AccountChecking},
	{file: "bb_novo_quebrado.csv", parser: "bb-csv", bank: "bb", txs: 4, sum: -105556,
		first: "2023-12-28", last: "2024-01-03", opening: "1000.00", closing: "-46.56",
		rows:   rowCounts{tx: 4, balance: 5, header: 1},
		status: domain.ReconMismatch, breakDate: "2024-01-02", accountType: domain.AccountChecking},
	{file: "caixa.txt", parser: "caixa-csv", bank: "caixa", txs: 4, sum: -104948,
		first: "2023-12-29", last: "2024-01-03", opening: "1000.00", closing: "-49.48",
		rows:   rowCounts{tx: 4, balance: 4, header: 1},
		status: domain.ReconBalanced, number: "0423012920005778782426", accountType: domain.AccountChecking},
	{file: "itau_legado.txt", parser: "itau-legacy-csv", bank: "itau", txs: 4, sum: 261510,
		first: "2023-12-28", last: "2024-01-03", opening: "1500.00", closing: "4115.10",
		rows: rowCounts{tx: 4, balance: 3}, status: domain.ReconBalanced, accountType: domain.AccountChecking},
	{file: "itau_novo.csv", parser: "itau-csv", bank: "itau", txs: 3, sum: -130000,
		first: "2024-01-02", last: "2024-01-05", opening: "2000.00", closing: "700.00",
		rows:   rowCounts{tx: 3, balance: 3, header: 5, ignored: 2},
		status: domain.ReconBalanced, branch: "1234", number: "12345-6", accountType: domain.AccountChecking},
	{file: "santander.csv", parser: "santander-csv", bank: "santander", txs: 3, sum: -107500,
		first: "2024-01-03", last: "2024-01-05", opening: "1000.00", closing: "-75.00",
		rows:   rowCounts{tx: 3, balance: 1, header: 2},
		status: domain.ReconBalanced, branch: "1234", number: "01012345-6", accountType: domain.AccountChecking},
	{file: "c6.csv", parser: "c6-csv", bank: "c6", txs: 4, sum: -41000,
		first: "2023-12-29", last: "2024-01-03", opening: "500.00", closing: "90.00",
		rows:   rowCounts{tx: 4, header: 7},
		status: domain.ReconBalanced, branch: "1", number: "1234567-8", accountType: domain.AccountChecking},
	{file: "mercadopago.csv", parser: "mercadopago-csv", bank: "mercadopago", txs: 3, sum: 145149,
		first: "2023-12-30", last: "2024-01-02", opening: "1000.00", closing: "2451.49",
		rows: rowCounts{tx: 3, balance: 1, header: 2, ignored: 1}, status: domain.ReconBalanced, accountType: domain.AccountChecking},
	{file: "generico.csv", parser: "generic-csv", bank: "unknown", txs: 3, sum: -150000,
		first: "2024-01-15", last: "2024-01-20", opening: "1000.00", closing: "-500.00",
		rows: rowCounts{tx: 3, header: 3, ignored: 1}, status: domain.ReconBalanced},
}

// readFixture sniffs a testdata file as the engine does.
func readFixture(tb testing.TB, name string) *source.Sample {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return source.NewSample(name, "", raw)
}

// best picks the parser with the highest confidence, as the engine does.
func best(tb testing.TB, s *source.Sample) source.Parser {
	tb.Helper()
	var top source.Parser
	score := 0
	for _, p := range Parsers() {
		if c := p.Detect(s); c > score {
			top, score = p, c
		}
	}
	if top == nil {
		tb.Fatalf("%s: no parser recognises the file", s.Name)
	}
	return top
}

func TestFixtures(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			s := readFixture(t, f.file)
			p := best(t, s)
			stmts, err := p.Parse(context.Background(), s)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if len(stmts) != 1 {
				t.Fatalf("got %d statements, want 1", len(stmts))
			}
			st := stmts[0]
			domain.DeriveBalances(&st)
			rec := domain.Reconcile(&st)
			if p.Name() != f.parser || st.Parser != f.parser || st.Bank != f.bank {
				t.Errorf("parser %s / %s, bank %s; want %s, %s", p.Name(), st.Parser, st.Bank, f.parser, f.bank)
			}
			if st.Account.BankCode == "" && f.bank != domain.BankUnknown {
				t.Errorf("bank code missing")
			}
			var sum domain.Money
			for _, tx := range st.Transactions {
				sum += tx.Amount
			}
			if len(st.Transactions) != f.txs || sum != f.sum {
				t.Errorf("%d transactions summing %d, want %d summing %d", len(st.Transactions), sum, f.txs, f.sum)
			}
			if len(st.Transactions) > 0 {
				first, last := st.Transactions[0].Date.String(), st.Transactions[len(st.Transactions)-1].Date.String()
				if first != f.first || last != f.last {
					t.Errorf("dates %s..%s, want %s..%s", first, last, f.first, f.last)
				}
			}
			if got := optional(st.Opening); got != f.opening {
				t.Errorf("opening %q, want %q", got, f.opening)
			}
			if got := optional(st.Closing); got != f.closing {
				t.Errorf("closing %q, want %q", got, f.closing)
			}
			if got := countsOf(st.Rows); got != f.rows {
				t.Errorf("rows %+v, want %+v; notes %+v", got, f.rows, st.Rows.Notes)
			}
			if total := len(strings.Split(strings.TrimRight(s.Text, "\r\n"), "\n")); st.Rows.Total() != total {
				t.Errorf("%d rows accounted for, file has %d lines", st.Rows.Total(), total)
			}
			if rec.Status != f.status || rec.BreakDate.String() != f.breakDate {
				t.Errorf("reconciliation %s (difference %s, break %s), want %s break %q",
					rec.Status, rec.Difference, rec.BreakDate, f.status, f.breakDate)
			}
			if st.Account.Branch != f.branch || st.Account.Number != f.number || st.Account.Type != f.accountType {
				t.Errorf("account %+v, want branch %q number %q type %q", st.Account, f.branch, f.number, f.accountType)
			}
			for _, tx := range st.Transactions {
				if source.IsBalanceLabel(tx.Description) {
					t.Errorf("balance row became a transaction: line %d %q", tx.Line, tx.Description)
				}
			}
		})
	}
}

func optional(m domain.OptionalMoney) string {
	if !m.Valid {
		return ""
	}
	return m.Value.String()
}
