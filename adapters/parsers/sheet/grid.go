// Package sheet reads bank statements saved as spreadsheets: XLSX workbooks
// (excelize, behind zip-bomb limits), the HTML tables many Brazilian banks
// save with an .xls name, and legacy binary .xls, which it names and asks
// the user to re-save. Each sheet or table becomes a grid of text cells that
// the tabular layouts of package table read.
package sheet

import (
	"context"
	"fmt"
	"strings"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/adapters/parsers/table"
	"github.com/bankflow/bankflow/domain"
)

// namedGrid is one sheet (or HTML table) as rows of text cells.
type namedGrid struct {
	name string
	grid [][]string
}

// bankScore is the confidence from which another sheet of the same workbook
// is read too (several months or accounts in one workbook).
const bankScore = 80

// parseGrids reads the grid that looks most like a statement, and any other
// grid that a bank layout recognises with confidence; the rest are named in
// a warning.
func parseGrids(ctx context.Context, s *source.Sample, grids []namedGrid, format domain.Format, what string) ([]domain.Statement, error) {
	scores := make([]int, len(grids))
	best := -1
	for i, g := range grids {
		_, scores[i] = table.DetectGrid(g.grid)
		if scores[i] > 0 && (best < 0 || scores[i] > scores[best]) {
			best = i
		}
	}
	if best < 0 {
		return nil, noStatement(grids, what)
	}
	stmts, err := table.ParseGrid(ctx, s, grids[best].grid, format)
	if err != nil {
		return nil, err
	}
	var skipped []string
	for i, g := range grids {
		switch {
		case i == best:
		case scores[i] >= bankScore:
			more, err := table.ParseGrid(ctx, s, g.grid, format)
			if err != nil {
				skipped = append(skipped, fmt.Sprintf("%q (%s)", g.name, domain.ErrorMessage(err)))
				continue
			}
			stmts = append(stmts, more...)
		case !emptyGrid(g.grid):
			skipped = append(skipped, fmt.Sprintf("%q", g.name))
		}
	}
	if len(skipped) > 0 && len(stmts) > 0 {
		stmts[0].Warn(fmt.Sprintf("Foi lida a %s %q; estas não parecem extrato e foram ignoradas: %s.",
			what, grids[best].name, strings.Join(skipped, ", ")))
	}
	return stmts, nil
}

// noStatement says which sheets were looked at.
func noStatement(grids []namedGrid, what string) error {
	names := make([]string, 0, len(grids))
	for _, g := range grids {
		names = append(names, fmt.Sprintf("%q", g.name))
	}
	if len(names) == 0 {
		return domain.Errorf(domain.CodeUnsupported, "O arquivo não tem nenhuma %s com dados.", what)
	}
	return domain.Errorf(domain.CodeUnsupported,
		"Nenhuma %s do arquivo parece um extrato (%s): não encontrei colunas de data e valor (ou crédito/débito). "+
			"Exporte o extrato do banco em OFX, CSV ou na planilha padrão do banco.", what, strings.Join(names, ", "))
}

func emptyGrid(grid [][]string) bool {
	for _, row := range grid {
		for _, c := range row {
			if strings.TrimSpace(c) != "" {
				return false
			}
		}
	}
	return true
}
