package table

import (
	"regexp"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// Account block patterns, applied to the folded text of preamble rows
// ("Extrato de: Ag: 367 | Conta: 50883-7 | Entre 01/01/2024 e 31/01/2024",
// "Conta ;12345678", "AGENCIA;1234;CONTA;12345678", "Agência: 0001 Conta: 1234567-8").
var (
	branchRe = regexp.MustCompile(`\bag(?:encia)?\.?\s*:?\s*([0-9][0-9-]*)`)
	numberRe = regexp.MustCompile(`\bconta(?:\s+corrente)?\s*(?:n[o.º°]?\s*)?:?\s*([0-9][0-9./-]*[0-9xX])\b`)
	periodRe = regexp.MustCompile(`(\d{1,2}/\d{1,2}/\d{2,4})\s*(?:a|e|ate|-)\s*(\d{1,2}/\d{1,2}/\d{2,4})`)
)

// readPreamble fills the account and period from the rows above the column
// titles and accounts for each of them. It also reads the summary block of
// Mercado Pago (INITIAL_BALANCE;CREDITS;DEBITS;FINAL_BALANCE + one row of
// values) into the opening and closing balances.
func readPreamble(rows [][]string, st *domain.Statement, firstLine int) {
	for i := 0; i < len(rows); i++ {
		row := rows[i]
		line := firstLine + i
		if blank(row) {
			st.Rows.Count(domain.RowIgnored, line, "", "")
			continue
		}
		norm := normRow(row)
		if idx := indexOf(norm, "initial balance"); idx >= 0 && i+1 < len(rows) {
			if readSummary(norm, rows[i+1], st) {
				st.Rows.Count(domain.RowHeader, line, "", "")
				st.Rows.Count(domain.RowBalance, line+1, "saldos inicial e final do resumo", joinRow(rows[i+1]))
				i++
				continue
			}
		}
		readAccountLine(fold(strings.Join(row, " ")), st)
		st.Rows.Count(domain.RowHeader, line, "", "")
	}
}

// readAccountLine takes branch, number and period from one folded line; the
// first value found wins.
func readAccountLine(text string, st *domain.Statement) {
	if m := branchRe.FindStringSubmatch(text); m != nil && st.Account.Branch == "" {
		st.Account.Branch = m[1]
	}
	if m := numberRe.FindStringSubmatch(text); m != nil && st.Account.Number == "" {
		st.Account.Number = m[1]
	}
	if m := periodRe.FindStringSubmatch(text); m != nil && st.Period.Start.IsZero() {
		start, err1 := domain.ParseDate(m[1], domain.OrderDMY)
		end, err2 := domain.ParseDate(m[2], domain.OrderDMY)
		if err1 == nil && err2 == nil {
			if end.Before(start) { // Caixa prints the end first
				start, end = end, start
			}
			st.Period = domain.Period{Start: start, End: end}
		}
	}
}

// readSummary reads the balances under a summary title row.
func readSummary(titles, values []string, st *domain.Statement) bool {
	initial, final := indexOf(titles, "initial balance"), indexOf(titles, "final balance")
	style := domain.InferNumberStyle(values)
	ok := false
	if v, err := domain.ParseMoney(cell(values, initial), style); err == nil {
		st.Opening, ok = domain.Known(v), true
	}
	if v, err := domain.ParseMoney(cell(values, final), style); err == nil && final >= 0 {
		st.Closing, ok = domain.Known(v), true
	}
	return ok
}

func indexOf(norm []string, s string) int {
	for i, v := range norm {
		if v == s {
			return i
		}
	}
	return -1
}

// joinRow renders a row for a note, cells separated by ';'.
func joinRow(row []string) string {
	end := len(row)
	for end > 0 && row[end-1] == "" {
		end--
	}
	return strings.Join(row[:end], ";")
}
