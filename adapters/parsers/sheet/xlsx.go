package sheet

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// XLSX reads Excel 2007+ workbooks.
type XLSX struct{}

// NewXLSX returns the XLSX parser.
func NewXLSX() source.Parser { return XLSX{} }

// Name identifies the parser.
func (XLSX) Name() string { return "xlsx" }

// Detect recognises a zip holding xl/workbook.xml. A zip whose directory
// cannot be read still gets a low score when it is named .xlsx, so the user
// hears that the workbook is corrupt rather than unknown.
func (XLSX) Detect(s *source.Sample) int {
	if s.Kind != source.KindZip {
		return 0
	}
	zr, err := zip.NewReader(bytes.NewReader(s.Raw), int64(len(s.Raw)))
	if err != nil {
		if strings.HasSuffix(strings.ToLower(s.Name), ".xlsx") {
			return 20
		}
		return 0
	}
	for i, f := range zr.File {
		if i > maxZipEntries {
			break
		}
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), "xl/workbook.xml") {
			return 90
		}
	}
	return 0
}

// Parse checks the archive against the zip-bomb limits, reads every sheet
// into a grid and hands the one that looks like a statement to the tabular
// layouts.
func (XLSX) Parse(ctx context.Context, s *source.Sample) (stmts []domain.Statement, err error) {
	grids, err := readWorkbook(s.Raw)
	if err != nil {
		return nil, err
	}
	return parseGrids(ctx, s, grids, domain.FormatXLSX, "planilha")
}

// readWorkbook opens the workbook within the limits and returns every sheet
// as a grid. excelize is not hardened against hostile files, so a panic in
// it becomes an "invalid file" error rather than a crash of the worker.
func readWorkbook(raw []byte) (grids []namedGrid, err error) {
	info, err := inspectZip(raw)
	if err != nil {
		return nil, err
	}
	if !info.workbook {
		return nil, domain.Errorf(domain.CodeUnsupported,
			"O arquivo é um .zip, mas não é uma planilha do Excel (.xlsx): falta a pasta de trabalho (xl/workbook.xml).")
	}
	defer func() {
		if r := recover(); r != nil {
			grids, err = nil, corrupt(fmt.Errorf("excelize panic: %v", r))
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(raw), excelize.Options{
		UnzipSizeLimit:    maxUnzippedTotal,
		UnzipXMLSizeLimit: unzipXMLSizeLimit,
	})
	if err != nil {
		return nil, corrupt(err)
	}
	defer f.Close()
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	for _, name := range f.GetSheetList() {
		g, err := readSheet(f, name, date1904)
		if err != nil {
			return nil, corrupt(fmt.Errorf("sheet %q: %w", name, err))
		}
		grids = append(grids, namedGrid{name: name, grid: g})
	}
	return grids, nil
}

func corrupt(err error) error {
	return domain.Wrap(domain.CodeInvalid, err,
		"Não consegui ler a planilha .xlsx: o arquivo está corrompido ou foi gerado de forma incompleta. "+
			"Abra-o no Excel ou LibreOffice e salve de novo como .xlsx, ou exporte o extrato em CSV ou OFX.")
}

// readSheet returns the cells of a sheet as text: strings as stored,
// numbers as exact decimals in Brazilian notation, dates as DD/MM/YYYY.
func readSheet(f *excelize.File, name string, date1904 bool) ([][]string, error) {
	rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, err
	}
	classes := map[int]numClass{}
	numeric := make([][]bool, len(rows))
	for r, row := range rows {
		numeric[r] = make([]bool, len(row))
		for c, raw := range row {
			if raw == "" {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return nil, err
			}
			typ, err := f.GetCellType(name, cell)
			if err != nil {
				return nil, err
			}
			switch typ {
			case excelize.CellTypeDate:
				if d, ok := isoDate(raw); ok {
					row[c] = d
				}
				continue
			case excelize.CellTypeUnset, excelize.CellTypeNumber:
			default:
				continue // text, booleans, errors: as stored
			}
			class, err := cellClass(f, name, cell, classes)
			if err != nil {
				return nil, err
			}
			if class == classDate {
				if d, ok := serialDate(raw, date1904); ok {
					row[c] = d
					continue
				}
			}
			if v, ok := numberText(raw, class == classDecimal); ok {
				row[c] = v
				numeric[r][c] = true
			}
		}
	}
	convertSerialColumns(rows, numeric, date1904)
	return rows, nil
}

// cellClass classifies the number format of a cell's style, once per style.
func cellClass(f *excelize.File, sheet, cell string, cache map[int]numClass) (numClass, error) {
	idx, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		return classGeneral, err
	}
	if c, ok := cache[idx]; ok {
		return c, nil
	}
	class := classGeneral
	if st, err := f.GetStyle(idx); err == nil && st != nil {
		if st.CustomNumFmt != nil {
			class = customClass(*st.CustomNumFmt)
		} else {
			class = builtinClass(st.NumFmt)
		}
	}
	cache[idx] = class
	return class, nil
}
