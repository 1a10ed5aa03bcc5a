package source

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// Every byte, alone and inside ASCII runs of every alignment, decodes as
// golang.org/x/text's Windows-1252 decoder does.
func TestWindows1252MatchesCharmap(t *testing.T) {
	var all []byte
	for c := 0; c < 256; c++ {
		all = append(all, byte(c))
	}
	inputs := [][]byte{all, []byte("TRANSFER\xcaNCIA PIX CART\xc3O \x80 \x93aspas\x94"), nil, []byte("ascii only, longer than eight")}
	for pad := 0; pad < 9; pad++ {
		inputs = append(inputs, append([]byte(strings.Repeat("a", pad)), all...))
	}
	for _, in := range inputs {
		want, err := charmap.Windows1252.NewDecoder().Bytes(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := Windows1252(in); got != string(want) {
			t.Errorf("Windows1252(%q) = %q, want %q", in, got, want)
		}
		if got := Windows1252String(string(in)); got != string(want) {
			t.Errorf("Windows1252String(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkWindows1252(b *testing.B) {
	line := []byte("<MEMO>TRANSFER\xcaNCIA PIX RECEBIDA CLIENTE 1234 CART\xc3O    \r\n<TRNAMT>        -1234,56\r\n")
	raw := bytes.Repeat(line, 1<<20/len(line))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		Windows1252(raw)
	}
}
