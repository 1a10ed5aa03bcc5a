package bootstrap

import (
	"github.com/bankflow/bankflow/adapters/export"
	"github.com/bankflow/bankflow/adapters/parsers"
	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// NewStatements wires the statement engine by hand: every parser, with
// detection, and every exporter. `bankflow convert` uses it directly; the
// service provides it to fx from here too. It needs no configuration.
func NewStatements() *application.Statements {
	return application.NewStatements(parsers.Default(), Exporters()...)
}

// Exporters returns one exporter per output format.
func Exporters() []domain.Exporter {
	return []domain.Exporter{export.NewXLSX(), export.NewCSV(), export.NewOFX(), export.NewJSON()}
}
