package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/adapters/parsers/source"
	"github.com/bankflow/bankflow/domain"
)

// zipOf builds a zip from name → content.
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, content); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombBook is a workbook whose sheet XML inflates to size bytes of
// repetitive rows: a few hundred kilobytes on the wire.
func bombBook(t testing.TB, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for name, content := range minimalParts() {
		w, _ := zw.Create(name)
		io.WriteString(w, content)
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	row := []byte(strings.Repeat(`<row><c t="inlineStr"><is><t>AAAAAAAA</t></is></c></row>`, 1000))
	for written := 0; written < size; written += len(row) {
		if _, err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	io.WriteString(w, `</sheetData></worksheet>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// minimalParts are the parts of a one-sheet workbook other than the sheet.
func minimalParts() map[string]string {
	return map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Extrato" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	}
}

// brokenSheet is a well-formed zip whose sheet XML is not XML.
func brokenSheet(t testing.TB) []byte {
	parts := minimalParts()
	parts["xl/worksheets/sheet1.xml"] = `<worksheet><sheetData><row><c r="A1"><v>1</v></c></row><row><c r="ZZZZZZZZ9999999999">`
	return zipOf(t, parts)
}

func TestZipBomb(t *testing.T) {
	many := map[string]string{"xl/workbook.xml": "<workbook/>"}
	for i := 0; i < maxZipEntries+1; i++ {
		many[fmt.Sprintf("xl/media/image%d.png", i)] = "x"
	}
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"sheet inflating to 80 MB", bombBook(t, 80<<20), "descompactada teria 80 MB"},
		{"sheet inflating 1000 times", bombBook(t, 8<<20), "se expande"},
		{"too many entries", zipOf(t, many), "1002 partes internas"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := source.NewSample("bomba.xlsx", "", tc.data)
			if got := NewXLSX().Detect(s); got != 90 {
				t.Errorf("Detect = %d, want 90: a bomb must reach Parse and its clear refusal", got)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := NewXLSX().Parse(context.Background(), s)
			runtime.ReadMemStats(&after)
			if domain.ErrorCode(err) != domain.CodeInvalid || !strings.Contains(domain.ErrorMessage(err), "bomba zip") ||
				!strings.Contains(domain.ErrorMessage(err), tc.msg) {
				t.Errorf("err = %v, want a zip-bomb refusal with %q", err, tc.msg)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
				t.Errorf("refusing the bomb allocated %d bytes; it must not inflate anything", alloc)
			}
		})
	}
}
