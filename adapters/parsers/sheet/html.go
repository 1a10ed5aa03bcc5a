package sheet

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// HTML reads the HTML tables that internet banking saves with an .xls name
// (and Excel 2003 SpreadsheetML, which has the same table/row/cell shape).
type HTML struct{}

// NewHTML returns the HTML-table parser.
func NewHTML() source.Parser { return HTML{} }

// Name identifies the parser.
func (HTML) Name() string { return "html-xls" }

// Detect recognises an HTML (or SpreadsheetML) document holding a table.
func (HTML) Detect(s *source.Sample) int {
	if s.Kind != source.KindHTML {
		return 0
	}
	head := strings.ToLower(s.Text)
	if strings.Contains(head, "<table") {
		return 80
	}
	return 0
}

// Parse turns every table into a grid and reads the one that looks like a
// statement.
func (HTML) Parse(ctx context.Context, s *source.Sample) ([]domain.Statement, error) {
	if s.Kind != source.KindHTML {
		return nil, domain.Errorf(domain.CodeUnsupported, "O arquivo não é uma tabela HTML.")
	}
	tables := htmlTables(s.Text)
	grids := make([]namedGrid, 0, len(tables))
	for i, t := range tables {
		grids = append(grids, namedGrid{name: fmt.Sprintf("tabela %d", i+1), grid: t})
	}
	return parseGrids(ctx, s, grids, domain.FormatXLS, "tabela")
}

// Bounds against hostile markup: a colspan of a million must not allocate
// a million cells.
const (
	maxColspan = 64
	maxColumns = 512
)

// tableBuilder collects one table while the tokenizer walks it. Tables
// nest: a cell that holds a table keeps only its own text.
type tableBuilder struct {
	rows    [][]string
	row     []string
	inRow   bool
	inCell  bool
	cell    strings.Builder
	span    int    // colspan of the open cell
	dataTyp string // SpreadsheetML ss:Type of the open cell's Data
	spans   []int  // rowspan still owed per column
}

// htmlTables returns every table of the document as a grid, in the order
// their end tags close.
func htmlTables(text string) [][][]string {
	z := html.NewTokenizer(strings.NewReader(text))
	var stack []*tableBuilder
	var out [][][]string
	skip := "" // inside <script> or <style>
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		var top *tableBuilder
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tt {
		case html.TextToken:
			if skip == "" && top != nil && top.inCell {
				top.cell.WriteString(tok.Data)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			if skip != "" {
				continue
			}
			switch tok.Data {
			case "script", "style":
				if tt == html.StartTagToken {
					skip = tok.Data
				}
			case "table":
				stack = append(stack, &tableBuilder{})
			case "tr", "row":
				if top != nil {
					top.startRow()
				}
			case "td", "th", "cell":
				if top != nil {
					top.startCell(tok)
					if tt == html.SelfClosingTagToken {
						top.endCell()
					}
				}
			case "data":
				if top != nil && top.inCell {
					top.dataTyp = strings.ToLower(attr(tok, "ss:type"))
				}
			case "br", "p", "div":
				if top != nil && top.inCell {
					top.cell.WriteByte(' ')
				}
			}
		case html.EndTagToken:
			if skip != "" {
				if tok.Data == skip {
					skip = ""
				}
				continue
			}
			switch tok.Data {
			case "table":
				if top != nil {
					top.endRow()
					out = append(out, top.rows)
					stack = stack[:len(stack)-1]
				}
			case "tr", "row":
				if top != nil {
					top.endRow()
				}
			case "td", "th", "cell":
				if top != nil {
					top.endCell()
				}
			case "p", "div":
				if top != nil && top.inCell {
					top.cell.WriteByte(' ')
				}
			}
		}
	}
	for i := len(stack) - 1; i >= 0; i-- { // unclosed tables at EOF
		stack[i].endRow()
		out = append(out, stack[i].rows)
	}
	return out
}

func (t *tableBuilder) startRow() {
	t.endRow()
	t.inRow = true
}

func (t *tableBuilder) endRow() {
	t.endCell()
	if !t.inRow {
		return
	}
	// Columns still covered by a rowspan from above get an empty cell.
	for len(t.row) < len(t.spans) && t.spans[len(t.row)] > 0 {
		t.spans[len(t.row)]--
		t.row = append(t.row, "")
	}
	t.rows = append(t.rows, t.row)
	t.row, t.inRow = nil, false
}

func (t *tableBuilder) startCell(tok html.Token) {
	t.endCell()
	if !t.inRow { // a cell without <tr>
		t.inRow = true
	}
	// Skip columns still covered by a rowspan from a row above.
	for len(t.row) < len(t.spans) && t.spans[len(t.row)] > 0 && len(t.row) < maxColumns {
		t.spans[len(t.row)]--
		t.row = append(t.row, "")
	}
	// SpreadsheetML ss:Index is the 1-based column of the cell.
	if idx, err := strconv.Atoi(attr(tok, "ss:index")); err == nil && idx > len(t.row) && idx <= maxColumns {
		for len(t.row) < idx-1 {
			t.row = append(t.row, "")
		}
	}
	t.span = 1
	if n, err := strconv.Atoi(strings.TrimSpace(attr(tok, "colspan"))); err == nil && n > 1 {
		t.span = min(n, maxColspan)
	}
	if n, err := strconv.Atoi(attr(tok, "ss:mergeacross")); err == nil && n > 0 {
		t.span = min(n+1, maxColspan)
	}
	if n, err := strconv.Atoi(strings.TrimSpace(attr(tok, "rowspan"))); err == nil && n > 1 {
		n = min(n, 1000)
		for i := 0; i < t.span; i++ {
			col := len(t.row) + i
			for len(t.spans) <= col && col < maxColumns {
				t.spans = append(t.spans, 0)
			}
			if col < maxColumns {
				t.spans[col] = n - 1
			}
		}
	}
	t.inCell = true
	t.cell.Reset()
	t.dataTyp = ""
}

func (t *tableBuilder) endCell() {
	if !t.inCell {
		return
	}
	t.inCell = false
	v := cellText(t.cell.String())
	switch t.dataTyp {
	case "number":
		if n, ok := numberText(v, false); ok {
			v = n
		}
	case "datetime":
		if d, ok := isoDate(v); ok {
			v = d
		}
	}
	if len(t.row) >= maxColumns {
		return
	}
	t.row = append(t.row, v)
	for i := 1; i < t.span && len(t.row) < maxColumns; i++ {
		t.row = append(t.row, "")
	}
}

// cellText collapses the whitespace of a cell (including &nbsp;, which the
// tokenizer has already decoded to U+00A0, like every other entity).
func cellText(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0'
	}), " ")
}

func attr(tok html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
