package storage

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// tamperCase changes the raw bytes of a stored 3-chunk file.
type tamperCase struct {
	name   string
	change func(raw []byte, hdr, rec int) []byte
}

func TestTamperingIsDetected(t *testing.T) {
	flip := func(at func(hdr, rec int) int) func([]byte, int, int) []byte {
		return func(raw []byte, hdr, rec int) []byte {
			raw[at(hdr, rec)] ^= 0x01
			return raw
		}
	}
	cases := []tamperCase{
		{"flip magic", flip(func(hdr, rec int) int { return 0 })},
		{"flip chunk size", flip(func(hdr, rec int) int { return hdr - 1 })},
		{"flip first nonce", flip(func(hdr, rec int) int { return hdr })},
		{"flip first ciphertext byte", flip(func(hdr, rec int) int { return hdr + nonceSize })},
		{"flip middle chunk", flip(func(hdr, rec int) int { return hdr + rec + rec/2 })},
		{"flip last tag byte", func(raw []byte, hdr, rec int) []byte { raw[len(raw)-1] ^= 0x80; return raw }},
		{"truncate last byte", func(raw []byte, hdr, rec int) []byte { return raw[:len(raw)-1] }},
		{"truncate at a chunk boundary", func(raw []byte, hdr, rec int) []byte { return raw[:hdr+2*rec] }},
		{"truncate after the header", func(raw []byte, hdr, rec int) []byte { return raw[:hdr] }},
		{"truncate inside the header", func(raw []byte, hdr, rec int) []byte { return raw[:hdr-2] }},
		{"drop the middle chunk", func(raw []byte, hdr, rec int) []byte {
			return append(append([]byte{}, raw[:hdr+rec]...), raw[hdr+2*rec:]...)
		}},
		{"swap the first two chunks", func(raw []byte, hdr, rec int) []byte {
			out := append([]byte{}, raw[:hdr]...)
			out = append(out, raw[hdr+rec:hdr+2*rec]...)
			out = append(out, raw[hdr:hdr+rec]...)
			return append(out, raw[hdr+2*rec:]...)
		}},
		{"duplicate a chunk", func(raw []byte, hdr, rec int) []byte {
			out := append([]byte{}, raw[:hdr+rec]...)
			out = append(out, raw[hdr:hdr+rec]...)
			return append(out, raw[hdr+rec:]...)
		}},
		{"append a byte", func(raw []byte, hdr, rec int) []byte { return append(raw, 0) }},
	}
	s := newStore(t)
	data := randomBytes(t, 2*ChunkSize+100)
	hdr := len(encodeHeader("k1", ChunkSize))
	rec := nonceSize + ChunkSize + tagSize
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := put(t, s, data)
			raw, err := os.ReadFile(s.path(id))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(s.path(id), tc.change(raw, hdr, rec), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, s, id)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("read of a tampered file: %d bytes, err %v; want ErrCorrupt", len(got), err)
			}
		})
	}
}

// TestChunksAreBoundToTheirFile moves a sealed file under another id, as an
// attacker with disk access might to hand one user's upload to another.
func TestChunksAreBoundToTheirFile(t *testing.T) {
	s := newStore(t)
	a := put(t, s, []byte("statement of user A"))
	b := put(t, s, []byte("statement of user B"))
	if err := os.Rename(s.path(a), s.path(b)); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, s, b); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("read of a file moved to another id: %v, want ErrCorrupt", err)
	}
}

// TestTruncationToWholeChunksOfAnExactMultiple covers a file whose last chunk
// is full: dropping that final chunk leaves a valid-looking prefix.
func TestTruncationToWholeChunksOfAnExactMultiple(t *testing.T) {
	s := newStore(t)
	id := put(t, s, randomBytes(t, 2*ChunkSize))
	raw, _ := os.ReadFile(s.path(id))
	hdr := len(encodeHeader("k1", ChunkSize))
	rec := nonceSize + ChunkSize + tagSize
	if len(raw) != hdr+2*rec {
		t.Fatalf("file of two full chunks has %d bytes, want %d", len(raw), hdr+2*rec)
	}
	if err := os.WriteFile(s.path(id), raw[:hdr+rec], 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, s, id)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("truncated file read as %d bytes, err %v", len(got), err)
	}
	if len(got) != 0 {
		t.Fatalf("returned %d bytes of an unauthenticated chunk", len(got))
	}
}

func TestHeaderRoundTrip(t *testing.T) {
	h := encodeHeader("rotated-2025", ChunkSize)
	raw, id, size, err := readHeader(bytes.NewReader(append(h, 1, 2, 3)))
	if err != nil || id != "rotated-2025" || size != ChunkSize || !bytes.Equal(raw, h) {
		t.Fatalf("readHeader = %q, %d, %v", id, size, err)
	}
}
