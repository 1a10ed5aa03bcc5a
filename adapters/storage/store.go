// Package storage keeps uploaded statement files encrypted on local disk
// (AES-256-GCM, streamed in chunks) under random UUID names.
package storage

import (
	"bufio"
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/bankflow/bankflow/domain"
)

// tempPrefix marks files still being written; they never count as stored.
const tempPrefix = ".tmp-"

// staleTemp is the age after which New removes a leftover temporary file (a
// crash during Put). It is long so that another node sharing the directory
// is never disturbed mid-write.
const staleTemp = time.Hour

// Store is a domain.FileStore on a local directory (UPLOAD_DIR, possibly a
// volume shared by several nodes). Files are named by UUID, created with
// mode 0600, written to a temporary file and renamed into place, so a
// reader never sees a partial file.
type Store struct {
	dir     string
	current string
	aeads   map[string]cipher.AEAD
	now     func() time.Time
}

var _ domain.FileStore = (*Store)(nil)

// New opens the store in dir, creating it with mode 0700 if needed.
func New(dir string, keys Keyring) (*Store, error) {
	aeads, err := keys.aeads()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	s := &Store{dir: dir, current: keys.Current, aeads: aeads, now: time.Now}
	if err := s.removeStaleTemps(); err != nil {
		return nil, err
	}
	return s, nil
}

// Put encrypts r into a new file and returns its id and plaintext size. It
// streams: memory use does not grow with the size of r. When ctx ends or r
// fails, nothing is left behind.
func (s *Store) Put(ctx context.Context, r io.Reader) (string, int64, error) {
	id := uuid.New()
	tmp, err := os.CreateTemp(s.dir, tempPrefix+"*")
	if err != nil {
		return "", 0, fmt.Errorf("storage put: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, ChunkSize+nonceSize+tagSize)
	size, err := seal(ctx, w, r, s.aeads[s.current], id[:], encodeHeader(s.current, ChunkSize), ChunkSize)
	if err != nil {
		return "", 0, fmt.Errorf("storage put: %w", err)
	}
	if err := w.Flush(); err != nil {
		return "", 0, fmt.Errorf("storage put: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("storage put: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("storage put: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path(id.String())); err != nil {
		return "", 0, fmt.Errorf("storage put: %w", err)
	}
	committed = true
	return id.String(), size, nil
}

// Open returns a reader that decrypts the file as it is read. A missing
// file is domain.ErrNotFound; a malformed id is a CodeInvalid error; a file
// that was tampered with or truncated makes Open or a later Read fail with
// ErrCorrupt, so a caller must treat a Read error as fatal for the file.
func (s *Store) Open(ctx context.Context, id string) (io.ReadCloser, error) {
	uid, err := parseID(id)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("storage open %s: %w", id, domain.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("storage open %s: %w", id, err)
	}
	src := bufio.NewReaderSize(f, ChunkSize+nonceSize+tagSize)
	header, keyID, chunkSize, err := readHeader(src)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("storage open %s: %w", id, err)
	}
	aead, ok := s.aeads[keyID]
	if !ok {
		f.Close()
		return nil, fmt.Errorf("storage open %s: sealed with key %q, which is not configured", id, keyID)
	}
	return &reader{
		src:       src,
		closer:    f,
		aead:      aead,
		fileID:    append([]byte(nil), uid[:]...),
		header:    header,
		chunkSize: chunkSize,
		record:    make([]byte, nonceSize+chunkSize+tagSize),
	}, nil
}

// Delete removes the file. Deleting a missing file is not an error.
func (s *Store) Delete(ctx context.Context, id string) error {
	if _, err := parseID(id); err != nil {
		return err
	}
	if err := os.Remove(s.path(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("storage delete %s: %w", id, err)
	}
	return nil
}

// Usage counts the stored files and their bytes on disk (the admin system
// page). Files being written are not counted.
func (s *Store) Usage() (files int, bytes int64, err error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return 0, 0, fmt.Errorf("storage usage: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if _, perr := parseID(e.Name()); perr != nil {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted meanwhile
		}
		if err != nil {
			return 0, 0, fmt.Errorf("storage usage: %w", err)
		}
		files++
		bytes += info.Size()
	}
	return files, bytes, nil
}

func (s *Store) path(id string) string {
	return filepath.Join(s.dir, id)
}

// removeStaleTemps deletes temporary files left by a crash during Put.
func (s *Store) removeStaleTemps() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tempPrefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || s.now().Sub(info.ModTime()) < staleTemp {
			continue
		}
		if err := os.Remove(filepath.Join(s.dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("storage: %w", err)
		}
	}
	return nil
}

// parseID accepts only the canonical lowercase UUID form Put returns, so an
// id can never name a path outside the store.
func parseID(id string) (uuid.UUID, error) {
	u, err := uuid.Parse(id)
	if err != nil || u.String() != id {
		return uuid.UUID{}, domain.Errorf(domain.CodeInvalid, "Identificador de arquivo inválido.")
	}
	return u, nil
}
