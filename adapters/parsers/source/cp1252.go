package source

import (
	"unicode/utf8"
	"unsafe"
)

// Windows-1252 decoding, fast: Brazilian bank files are almost all ASCII,
// so ASCII runs are found eight bytes at a time and copied whole, and each
// other byte is one table lookup. Bytes Windows-1252 leaves undefined
// (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD, as golang.org/x/text's
// charmap.Windows1252 decodes them (a test holds the two equal).

// c1 is what Windows-1252 puts at 0x80-0x9F, where Latin-1 has controls.
var c1 = [32]rune{
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
}

const highBits = 0x8080808080808080

// Windows1252 decodes Windows-1252 (a superset of Latin-1) bytes to UTF-8.
func Windows1252(b []byte) string {
	out := AppendWindows1252(make([]byte, 0, len(b)+len(b)/16+8), b)
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// AppendWindows1252 appends the UTF-8 decoding of Windows-1252 bytes to dst.
func AppendWindows1252[T string | []byte](dst []byte, b T) []byte {
	var enc [4]byte
	for i := 0; i < len(b); {
		j := asciiRun(b, i)
		dst = append(dst, b[i:j]...)
		if j == len(b) {
			break
		}
		c := b[j]
		if c >= 0xA0 {
			dst = append(dst, 0xC0|c>>6, 0x80|c&0x3F)
		} else {
			n := utf8.EncodeRune(enc[:], c1[c-0x80])
			dst = append(dst, enc[:n]...)
		}
		i = j + 1
	}
	return dst
}

// asciiRun returns the end of the run of ASCII bytes starting at i.
func asciiRun[T string | []byte](b T, i int) int {
	for i+32 <= len(b) && (word(b[i:i+8])|word(b[i+8:i+16])|word(b[i+16:i+24])|word(b[i+24:i+32]))&highBits == 0 {
		i += 32
	}
	for i+8 <= len(b) && word(b[i:i+8])&highBits == 0 {
		i += 8
	}
	for i < len(b) && b[i] < 0x80 {
		i++
	}
	return i
}

// word reads eight bytes little-endian.
func word[T string | []byte](b T) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// ASCII reports whether s holds only ASCII bytes, eight at a time.
func ASCII(s string) bool { return asciiRun(s, 0) == len(s) }

// Windows1252String is Windows1252 for text that may still hold undecoded
// bytes; ASCII text is returned as it is, without copying.
func Windows1252String(s string) string {
	if ASCII(s) {
		return s
	}
	return Windows1252([]byte(s))
}

// hasUTF8Sequences reports whether raw holds at least one valid multi-byte
// UTF-8 sequence (Windows-1252 text almost never does by accident).
func hasUTF8Sequences(raw []byte) bool {
	for i := 0; i < len(raw); {
		if raw[i] < utf8.RuneSelf {
			i = asciiRun(raw, i)
			continue
		}
		r, n := utf8.DecodeRune(raw[i:])
		if r != utf8.RuneError && n > 1 {
			return true
		}
		i++
	}
	return false
}
