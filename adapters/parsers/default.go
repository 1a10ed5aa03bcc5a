package parsers

import (
	"github.com/bankflow/bankflow/adapters/parsers/ofx"
)

// Default returns the engine with every parser of BankFlow registered, the
// most specific first (ties go to the first registered).
func Default() *Engine {
	return NewEngine(
		ofx.New(),
	)
}
