package parsers

import (
	"github.com/bankflow/bankflow/adapters/parsers/cnab240"
	"github.com/bankflow/bankflow/adapters/parsers/ofx"
	"github.com/bankflow/bankflow/adapters/parsers/sheet"
	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/adapters/parsers/table"
)

// Default returns the engine with every parser of BankFlow registered, the
// most specific first (ties go to the first registered): OFX, CNAB 240, then
// the spreadsheets (XLSX, HTML-table .xls, binary .xls), the CSV/TXT layouts
// of each bank and the generic CSV.
func Default() *Engine {
	ps := []source.Parser{
		ofx.New(),
		cnab240.New(),
		sheet.NewXLSX(),
		sheet.NewHTML(),
		sheet.NewXLS(),
	}
	ps = append(ps, table.Parsers()...)
	return NewEngine(ps...)
}
