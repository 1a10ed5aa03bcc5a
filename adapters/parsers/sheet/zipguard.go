package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// Limits applied to an uploaded XLSX before excelize unpacks it. A bank
// statement workbook is a few hundred kilobytes unpacked; these bounds leave
// room for 100k-row exports and refuse zip bombs.
const (
	maxZipEntries     = 1000
	maxUnzippedTotal  = 100 << 20 // all entries together
	maxUnzippedEntry  = 64 << 20  // one part (a worksheet)
	maxRatio          = 200       // uncompressed / compressed, for parts above ratioFloor
	ratioFloor        = 1 << 20   // small parts may compress as they like
	unzipXMLSizeLimit = 16 << 20  // worksheets above this are streamed from a temp file
)

// zipInfo is what the zip check learned.
type zipInfo struct {
	workbook bool // has xl/workbook.xml
}

// inspectZip opens the zip's central directory and checks entry count,
// declared sizes and compression ratios against the limits. archive/zip
// refuses to inflate an entry past its declared size, so the declared sizes
// are binding for excelize too.
func inspectZip(raw []byte) (zipInfo, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return zipInfo{}, domain.Wrap(domain.CodeInvalid, fmt.Errorf("open zip: %w", err),
			"O arquivo parece ser uma planilha .xlsx, mas está corrompido (o conteúdo compactado não abre). "+
				"Baixe o extrato de novo ou salve-o outra vez no Excel ou LibreOffice.")
	}
	if len(zr.File) > maxZipEntries {
		return zipInfo{}, bomb(fmt.Sprintf("tem %d partes internas (o limite é %d)", len(zr.File), maxZipEntries))
	}
	var info zipInfo
	var total uint64
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), "xl/workbook.xml") {
			info.workbook = true
		}
		size := f.UncompressedSize64
		if size > maxUnzippedEntry {
			return zipInfo{}, bomb(fmt.Sprintf("a parte %q descompactada teria %s", f.Name, mib(size)))
		}
		total += size
		if total > maxUnzippedTotal {
			return zipInfo{}, bomb(fmt.Sprintf("descompactado teria mais de %s", mib(maxUnzippedTotal)))
		}
		if size > ratioFloor && (f.CompressedSize64 == 0 || size/f.CompressedSize64 > maxRatio) {
			return zipInfo{}, bomb(fmt.Sprintf("a parte %q se expande %d vezes ao descompactar", f.Name, ratio(size, f.CompressedSize64)))
		}
	}
	return info, nil
}

// bomb is the error for an archive over the limits.
func bomb(detail string) error {
	return domain.Errorf(domain.CodeInvalid,
		"Planilha recusada por segurança: o arquivo .xlsx %s, o que não é um extrato bancário normal "+
			"(possível \"bomba zip\"). Exporte o extrato de novo pelo banco ou envie em CSV ou OFX.", detail)
}

func mib(n uint64) string { return fmt.Sprintf("%d MB", n>>20) }

func ratio(size, compressed uint64) uint64 {
	if compressed == 0 {
		return size
	}
	return size / compressed
}
