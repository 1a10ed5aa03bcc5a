package table

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzSplitRow holds the one-pass splitters (splitRow, and scanRow where it
// accepts the record) equal to the line-by-line reference on any text and
// delimiter.
func FuzzSplitRow(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(raw[:min(len(raw), 2048)]), byte(';'))
	}
	f.Add(" a ;\"b;\"\"c\"\" \" ; \u00a0d\u00a0 \r\n\"multi\nline\";x\r\n;;\n", byte(';'))
	f.Add("a\tb\t c \r\n", byte('\t'))
	f.Add(strings.Repeat(";", maxSpans-1)+"\n"+strings.Repeat(";", maxSpans)+"\r", byte(';'))
	f.Fuzz(func(t *testing.T, text string, delim byte) {
		if delim != ';' && delim != ',' && delim != '\t' && delim != '|' {
			delim = ';'
		}
		rest, ref := text, text
		for rest != "" || ref != "" {
			got, r1 := splitRow(nil, rest, delim)
			want, r2 := splitLine(nil, ref, delim)
			if !reflect.DeepEqual(got, want) || r1 != r2 {
				t.Fatalf("splitRow(%q) = %q, %q; want %q, %q", rest, got, r1, want, r2)
			}
			var sp [maxSpans]span
			if n, next, ok := scanRow(rest, delim, &sp); ok {
				cells := make([]string, n)
				for k := range n {
					cells[k] = rest[sp[k].lo:sp[k].hi]
				}
				if !reflect.DeepEqual(cells, want) || rest[next:] != r2 {
					t.Fatalf("scanRow(%q) = %q, %q; want %q, %q", rest, cells, rest[next:], want, r2)
				}
			}
			rest, ref = r1, r2
		}
	})
}

// splitLine is the reference splitter splitRow must equal (the line-by-line splitter it replaced).
func splitLine(cells []string, text string, delim byte) ([]string, string) {
	nl := strings.IndexByte(text, '\n')
	line := text
	if nl >= 0 {
		line = text[:nl]
	}
	if strings.IndexByte(line, '"') >= 0 {
		return splitQuoted(cells, text, delim)
	}
	cells = splitPlain(cells, line, delim)
	if nl < 0 {
		return cells, ""
	}
	return cells, text[nl+1:]
}

// splitPlain splits a line without quotes.
func splitPlain(cells []string, line string, delim byte) []string {
	line = strings.TrimSuffix(line, "\r")
	for {
		i := strings.IndexByte(line, delim)
		if i < 0 {
			return append(cells, strings.TrimSpace(line))
		}
		cells = append(cells, strings.TrimSpace(line[:i]))
		line = line[i+1:]
	}
}
