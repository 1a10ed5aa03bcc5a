package export

import (
	"archive/zip"
	"compress/flate"
	"io"
	"io/fs"
)

// partZip is the zip writer excelize saves the workbook through (its
// documented File.SetZipWriter hook): the zip the "Transações" sheet was
// already streamed into, so excelize adds the other parts after it. skip
// names the part written by us; excelize's empty copy of it is discarded.
type partZip struct {
	zw      *zip.Writer
	skip    string
	skipped bool
}

// fastDeflate compresses zip entries with flate.BestSpeed: a workbook of
// 100k rows spends more time in deflate than anywhere else.
func fastDeflate(out io.Writer) (io.WriteCloser, error) {
	return flate.NewWriter(out, flate.BestSpeed)
}

// Create implements excelize.ZipWriter.
func (z *partZip) Create(name string) (io.Writer, error) {
	if name == z.skip {
		z.skipped = true
		return io.Discard, nil
	}
	return z.zw.Create(name)
}

// AddFS implements excelize.ZipWriter.
func (z *partZip) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }

// Close implements excelize.ZipWriter.
func (z *partZip) Close() error { return z.zw.Close() }
