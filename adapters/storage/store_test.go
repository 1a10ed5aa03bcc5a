package storage

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/bankflow/bankflow/domain"
)

func testKeyring(t testing.TB, ids ...string) Keyring {
	t.Helper()
	kr := Keyring{Current: ids[0], Keys: map[string][]byte{}}
	for _, id := range ids {
		key := make([]byte, KeySize)
		if _, err := rand.Read(key); err != nil {
			t.Fatal(err)
		}
		kr.Keys[id] = key
	}
	return kr
}

func newStore(t testing.TB) *Store {
	t.Helper()
	s, err := New(filepath.Join(t.TempDir(), "uploads"), testKeyring(t, "k1"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func put(t testing.TB, s *Store, data []byte) string {
	t.Helper()
	id, size, err := s.Put(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatalf("put: %v", err)
	}
	if size != int64(len(data)) {
		t.Fatalf("put size = %d, want %d", size, len(data))
	}
	return id
}

func readAll(t testing.TB, s *Store, id string) ([]byte, error) {
	t.Helper()
	rc, err := s.Open(context.Background(), id)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func TestRoundTrip(t *testing.T) {
	s := newStore(t)
	for _, n := range []int{0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1, 2 * ChunkSize, 5_000_000} {
		data := randomBytes(t, n)
		id := put(t, s, data)
		got, err := readAll(t, s, id)
		if err != nil {
			t.Fatalf("size %d: open: %v", n, err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("size %d: content differs after round trip (got %d bytes)", n, len(got))
		}
		raw, err := os.ReadFile(s.path(id))
		if err != nil {
			t.Fatal(err)
		}
		if n >= 16 && bytes.Contains(raw, data[:16]) {
			t.Fatalf("size %d: plaintext visible on disk", n)
		}
	}
}

func TestSameBytesGiveDifferentCiphertexts(t *testing.T) {
	s := newStore(t)
	data := bytes.Repeat([]byte("SALDO ANTERIOR 1.000,00\n"), 10_000)
	a, b := put(t, s, data), put(t, s, data)
	if a == b {
		t.Fatal("two puts returned the same id")
	}
	ra, _ := os.ReadFile(s.path(a))
	rb, _ := os.ReadFile(s.path(b))
	if bytes.Equal(ra, rb) {
		t.Fatal("identical ciphertexts for identical input")
	}
	// Every chunk of a file has its own nonce.
	hdr := len(encodeHeader("k1", ChunkSize))
	rec := nonceSize + ChunkSize + tagSize
	if bytes.Equal(ra[hdr:hdr+nonceSize], ra[hdr+rec:hdr+rec+nonceSize]) {
		t.Fatal("two chunks share a nonce")
	}
}

func TestFilesAndDirectoryArePrivate(t *testing.T) {
	s := newStore(t)
	id := put(t, s, []byte("x"))
	for path, want := range map[string]os.FileMode{s.dir: 0o700, s.path(id): 0o600} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s mode = %04o, want %04o", path, got, want)
		}
	}
	entries, _ := os.ReadDir(s.dir)
	if len(entries) != 1 || entries[0].Name() != id {
		t.Fatalf("store dir holds %v, want only %s", entries, id)
	}
}

func TestOpenMissingIsNotFound(t *testing.T) {
	s := newStore(t)
	_, err := s.Open(context.Background(), "0b6f5d1e-6a53-4c39-9d1b-6b2c1f8e7a10")
	if !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("open missing: %v, want ErrNotFound", err)
	}
}

func TestDeleteIsIdempotent(t *testing.T) {
	s := newStore(t)
	id := put(t, s, []byte("extrato"))
	for i := 0; i < 2; i++ {
		if err := s.Delete(context.Background(), id); err != nil {
			t.Fatalf("delete #%d: %v", i+1, err)
		}
	}
	if _, err := s.Open(context.Background(), id); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("open deleted: %v, want ErrNotFound", err)
	}
}

func TestBadIDsAreRejected(t *testing.T) {
	s := newStore(t)
	// A file next to the store that a traversal would reach.
	secret := filepath.Join(filepath.Dir(s.dir), "secret")
	if err := os.WriteFile(secret, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{
		"", "../secret", "..", "/etc/passwd", "0b6f5d1e-6a53-4c39-9d1b-6b2c1f8e7a10/../../secret",
		"0B6F5D1E-6A53-4C39-9D1B-6B2C1F8E7A10", "{0b6f5d1e-6a53-4c39-9d1b-6b2c1f8e7a10}",
		"urn:uuid:0b6f5d1e-6a53-4c39-9d1b-6b2c1f8e7a10", "0b6f5d1e6a534c399d1b6b2c1f8e7a10",
	} {
		if _, err := s.Open(context.Background(), id); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Errorf("open %q: %v, want CodeInvalid", id, err)
		}
		if err := s.Delete(context.Background(), id); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Errorf("delete %q: %v, want CodeInvalid", id, err)
		}
	}
	if _, err := os.Stat(secret); err != nil {
		t.Fatalf("file outside the store was touched: %v", err)
	}
}

func TestKeyRotation(t *testing.T) {
	dir := t.TempDir()
	old := testKeyring(t, "old")
	s1, err := New(dir, old)
	if err != nil {
		t.Fatal(err)
	}
	oldData := []byte("sealed under the old key")
	oldID := put(t, s1, oldData)

	rotated := testKeyring(t, "new")
	rotated.Keys["old"] = old.Keys["old"]
	s2, err := New(dir, rotated)
	if err != nil {
		t.Fatal(err)
	}
	newID := put(t, s2, []byte("sealed under the new key"))
	if got, err := readAll(t, s2, oldID); err != nil || !bytes.Equal(got, oldData) {
		t.Fatalf("old file after rotation: %q, %v", got, err)
	}
	raw, _ := os.ReadFile(s2.path(newID))
	if !bytes.Equal(raw[:len(encodeHeader("new", ChunkSize))], encodeHeader("new", ChunkSize)) {
		t.Fatal("new file is not sealed under the current key")
	}
	// A store that dropped the old key cannot read old files, and says why.
	s3, err := New(dir, testKeyring(t, "new"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(t, s3, oldID); err == nil {
		t.Fatal("read an old file without its key")
	}
	// The same id with a different key fails authentication.
	wrong := testKeyring(t, "old")
	s4, _ := New(dir, wrong)
	if _, err := readAll(t, s4, oldID); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("read with a wrong key: %v, want ErrCorrupt", err)
	}
}

func TestPutLeavesNothingOnFailure(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := s.Put(ctx, bytes.NewReader(randomBytes(t, 3*ChunkSize))); !errors.Is(err, context.Canceled) {
		t.Fatalf("put with cancelled ctx: %v", err)
	}
	src := io.MultiReader(bytes.NewReader(randomBytes(t, 2*ChunkSize)), iotestErrReader{})
	if _, _, err := s.Put(context.Background(), src); err == nil {
		t.Fatal("put of a failing reader succeeded")
	}
	if files, _, _ := s.Usage(); files != 0 {
		t.Fatalf("usage after failed puts = %d files", files)
	}
	if entries, _ := os.ReadDir(s.dir); len(entries) != 0 {
		t.Fatalf("failed puts left %d entries", len(entries))
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestUsage(t *testing.T) {
	s := newStore(t)
	put(t, s, randomBytes(t, 1000))
	id := put(t, s, randomBytes(t, ChunkSize+1))
	files, n, err := s.Usage()
	if err != nil || files != 2 {
		t.Fatalf("usage = %d files, %v", files, err)
	}
	hdr := int64(len(encodeHeader("k1", ChunkSize)))
	want := (hdr + nonceSize + 1000 + tagSize) + (hdr + 2*(nonceSize+tagSize) + ChunkSize + 1)
	if n != want {
		t.Fatalf("usage bytes = %d, want %d", n, want)
	}
	_ = s.Delete(context.Background(), id)
	if files, _, _ := s.Usage(); files != 1 {
		t.Fatalf("usage after delete = %d files", files)
	}
}

// TestLargePutStreams puts and reads back 200 MB and checks that the bytes
// allocated do not grow with the file: the file is never held in memory.
func TestLargePutStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("200 MB of disk I/O")
	}
	const size = 200 << 20
	s := newStore(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	src := &patternReader{left: size}
	id, n, err := s.Put(context.Background(), src)
	if err != nil || n != size {
		t.Fatalf("put: %d, %v", n, err)
	}
	rc, err := s.Open(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		t.Fatal(err)
	}
	rc.Close()
	runtime.ReadMemStats(&after)
	if !bytes.Equal(h.Sum(nil), src.sum.Sum(nil)) {
		t.Fatal("200 MB round trip differs")
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d KiB for a %d MiB put and read", allocated>>10, size>>20)
	if allocated > 8<<20 {
		t.Fatalf("allocated %d MiB to stream %d MiB: memory grows with the file", allocated>>20, size>>20)
	}
}

// patternReader yields left bytes of a cheap pseudo-random pattern and
// hashes what it yields.
type patternReader struct {
	left int
	x    uint64
	sum  hashWriter
}

type hashWriter interface {
	io.Writer
	Sum([]byte) []byte
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.sum == nil {
		p.sum = sha256.New()
	}
	if p.left == 0 {
		return 0, io.EOF
	}
	b = b[:min(len(b), p.left)]
	for i := range b {
		p.x = p.x*6364136223846793005 + 1442695040888963407
		b[i] = byte(p.x >> 56)
	}
	p.left -= len(b)
	p.sum.Write(b)
	return len(b), nil
}
