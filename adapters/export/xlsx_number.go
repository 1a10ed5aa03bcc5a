package export

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"io/fs"
	"strings"

	"github.com/bankflow/bankflow/domain"
	"github.com/xuri/excelize/v2"
)

// Exact numeric cells with excelize's StreamWriter.
//
// StreamWriter.SetRow writes a number cell only from Go int and float types;
// any other value (a string, a fmt.Stringer) becomes a text cell. Amounts are
// centavos, and no number format can divide by 100, so the only numeric route
// would be float64 — which the money rule forbids. Instead, an amount is
// passed as the text numberMark + Money.String() ("\uE000-1234.56"), which
// the StreamWriter writes verbatim as an inline string cell:
//
//	<c r="D2" s="3" t="inlineStr"><is><t>\uE000-1234.56</t></is></c>
//
// The workbook is saved through excelize's documented ZipWriter hook
// (File.SetZipWriter), and numberFilter rewrites exactly that shape, on its
// way into the zip entry, to a number cell holding the same decimal text:
//
//	<c r="D2" s="3"><v>-1234.56</v></c>
//
// The decimal in the file is therefore Money.String(), digit for digit. clean
// strips numberMark from every text taken from a statement, so no user text
// can be turned into a number this way.

var (
	markedOpen  = []byte(` t="inlineStr"><is><t>` + string(numberMark))
	markedClose = []byte(`</t></is></c>`)
)

// maxMarkedValue bounds the text between markedOpen and markedClose (an int64
// amount needs at most 21 characters): a longer run is not ours.
const maxMarkedValue = 32

// numberCell is the value to pass to SetRow for an exact amount.
func numberCell(m domain.Money, style int) excelize.Cell {
	return excelize.Cell{StyleID: style, Value: string(numberMark) + m.String()}
}

// numberZip wraps archive/zip for excelize: worksheet entries pass through a
// numberFilter; entries are compressed with flate.BestSpeed, since a workbook
// of 100k rows spends more time in deflate than anywhere else.
type numberZip struct {
	zw      *zip.Writer
	current *numberFilter
	// skip names an entry already written by the caller: excelize's copy
	// is discarded.
	skip    string
	skipped bool
}

func newNumberZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, fastDeflate)
	return &numberZip{zw: zw}
}

// fastDeflate compresses zip entries with flate.BestSpeed.
func fastDeflate(out io.Writer) (io.WriteCloser, error) {
	return flate.NewWriter(out, flate.BestSpeed)
}

func (z *numberZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	if z.skip != "" && name == z.skip {
		z.skipped = true
		return io.Discard, nil
	}
	w, err := z.zw.Create(name)
	if err != nil || !strings.HasPrefix(name, "xl/worksheets/") {
		return w, err
	}
	z.current = &numberFilter{w: w}
	return z.current, nil
}

func (z *numberZip) AddFS(fsys fs.FS) error {
	if err := z.finish(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

func (z *numberZip) Close() error {
	if err := z.finish(); err != nil {
		return err
	}
	return z.zw.Close()
}

func (z *numberZip) finish() error {
	if z.current == nil {
		return nil
	}
	err := z.current.flush()
	z.current = nil
	return err
}

// numberFilter turns marked inline-string cells into number cells. It holds
// back the bytes that may be the start of a marked cell split across writes.
type numberFilter struct {
	w       io.Writer
	pending []byte
}

func (f *numberFilter) Write(p []byte) (int, error) {
	buf := p
	if len(f.pending) > 0 {
		f.pending = append(f.pending, p...)
		buf = f.pending
	}
	for {
		i := bytes.Index(buf, markedOpen)
		if i < 0 {
			break
		}
		rest := buf[i+len(markedOpen):]
		j := bytes.Index(rest, markedClose)
		if j < 0 && len(rest) < maxMarkedValue+len(markedClose) {
			// The cell continues in the next write.
			if _, err := f.w.Write(buf[:i]); err != nil {
				return 0, err
			}
			f.pending = append(f.pending[:0], buf[i:]...)
			return len(p), nil
		}
		if j < 0 || j > maxMarkedValue {
			// Not a cell we marked: pass it through.
			if _, err := f.w.Write(buf[:i+len(markedOpen)]); err != nil {
				return 0, err
			}
			buf = rest
			continue
		}
		if err := f.writeAll(buf[:i], []byte("><v>"), rest[:j], []byte("</v></c>")); err != nil {
			return 0, err
		}
		buf = rest[j+len(markedClose):]
	}
	keep := len(markedOpen) - 1
	if keep > len(buf) {
		keep = len(buf)
	}
	if _, err := f.w.Write(buf[:len(buf)-keep]); err != nil {
		return 0, err
	}
	f.pending = append(f.pending[:0], buf[len(buf)-keep:]...)
	return len(p), nil
}

func (f *numberFilter) writeAll(parts ...[]byte) error {
	for _, p := range parts {
		if _, err := f.w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

func (f *numberFilter) flush() error {
	_, err := f.w.Write(f.pending)
	f.pending = nil
	return err
}
