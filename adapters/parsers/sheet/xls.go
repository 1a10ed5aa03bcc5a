package sheet

import (
	"context"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// XLS recognises legacy binary Excel files (BIFF inside an OLE2 container)
// and asks the user to re-save them. The pure-Go BIFF readers on the module
// proxy were judged not fit for untrusted uploads: github.com/extrame/xls
// has had one tagged release (2017) and github.com/shakinm/xlsReader none
// since 2022, and both have open reports of panics on ordinary files. Banks
// rarely send real BIFF files (their ".xls" is usually an HTML table, which
// HTML reads), so a clear instruction serves users better than a reader that
// may misread cents.
type XLS struct{}

// NewXLS returns the binary .xls parser.
func NewXLS() source.Parser { return XLS{} }

// Name identifies the parser.
func (XLS) Name() string { return "xls" }

// Detect claims every OLE2 container: legacy .xls, and also password
// protected .xlsx files, which Office wraps the same way.
func (XLS) Detect(s *source.Sample) int {
	if s.Kind == source.KindOLE {
		return 90
	}
	return 0
}

// Parse always refuses, telling the user how to re-save the file.
func (XLS) Parse(context.Context, *source.Sample) ([]domain.Statement, error) {
	return nil, domain.Errorf(domain.CodeUnsupported,
		"Este arquivo é uma planilha no formato antigo do Excel (.xls binário, ou um .xlsx protegido por senha), "+
			"que o BankFlow não lê. Abra o arquivo no Excel ou LibreOffice e use Arquivo › Salvar como › "+
			"Pasta de Trabalho do Excel (.xlsx) ou CSV (remova a senha, se houver), e envie o novo arquivo.")
}
