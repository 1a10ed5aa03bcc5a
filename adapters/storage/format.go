package storage

import (
	"bufio"
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The file format, version 1:
//
//	"BFE1" | key id length (1 byte) | key id | chunk size (uint32, big endian)
//	then one or more records: nonce (12 bytes) | AES-256-GCM(chunk) (chunk + 16 bytes)
//
// Every chunk holds ChunkSize plaintext bytes except the last, which holds
// 0..ChunkSize bytes and is flagged final (an empty file is one empty final
// chunk). Each record has its own fresh random nonce. The additional data of
// a record binds the file id, the whole header, the chunk index and the final
// flag, so records cannot be reordered, dropped, moved to another file, or
// cut off at a record boundary without Open failing.
const (
	magic     = "BFE1"
	nonceSize = 12
	tagSize   = 16
	maxChunk  = 1 << 20 // largest chunk size a reader accepts from a header
)

// ChunkSize is the plaintext size of every chunk but the last.
const ChunkSize = 64 << 10

// ErrCorrupt reports a stored file that fails authentication: tampered,
// truncated, or sealed under a different id.
var ErrCorrupt = errors.New("stored file is corrupt or was tampered with")

func encodeHeader(keyID string, chunkSize int) []byte {
	h := make([]byte, 0, len(magic)+1+len(keyID)+4)
	h = append(h, magic...)
	h = append(h, byte(len(keyID)))
	h = append(h, keyID...)
	return binary.BigEndian.AppendUint32(h, uint32(chunkSize))
}

// readHeader parses a header from r and returns it raw with its fields.
func readHeader(r io.Reader) (raw []byte, keyID string, chunkSize int, err error) {
	fixed := make([]byte, len(magic)+1)
	if _, err := io.ReadFull(r, fixed); err != nil {
		return nil, "", 0, fmt.Errorf("header: %w", ErrCorrupt)
	}
	if string(fixed[:len(magic)]) != magic {
		return nil, "", 0, fmt.Errorf("header: unknown format: %w", ErrCorrupt)
	}
	rest := make([]byte, int(fixed[len(magic)])+4)
	if _, err := io.ReadFull(r, rest); err != nil {
		return nil, "", 0, fmt.Errorf("header: %w", ErrCorrupt)
	}
	keyID = string(rest[:len(rest)-4])
	chunkSize = int(binary.BigEndian.Uint32(rest[len(rest)-4:]))
	if chunkSize <= 0 || chunkSize > maxChunk {
		return nil, "", 0, fmt.Errorf("header: chunk size %d: %w", chunkSize, ErrCorrupt)
	}
	return append(fixed, rest...), keyID, chunkSize, nil
}

// additionalData is what each record's tag authenticates besides the chunk.
func additionalData(dst, fileID, header []byte, index uint64, final bool) []byte {
	dst = append(dst[:0], fileID...)
	dst = append(dst, header...)
	dst = binary.BigEndian.AppendUint64(dst, index)
	if final {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// seal encrypts src to dst chunk by chunk and returns the plaintext size.
// It holds at most two chunks in memory whatever the size of src.
func seal(ctx context.Context, dst io.Writer, src io.Reader, aead cipher.AEAD, fileID, header []byte, chunkSize int) (int64, error) {
	if _, err := dst.Write(header); err != nil {
		return 0, err
	}
	in := bufio.NewReaderSize(src, chunkSize)
	plain := make([]byte, chunkSize)
	record := make([]byte, 0, nonceSize+chunkSize+tagSize)
	var ad []byte
	var total int64
	for index := uint64(0); ; index++ {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, err := io.ReadFull(in, plain)
		final := false
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			final = true
		case err != nil:
			return total, err
		default:
			// A full chunk is final when nothing follows it.
			if _, perr := in.Peek(1); errors.Is(perr, io.EOF) {
				final = true
			} else if perr != nil {
				return total, perr
			}
		}
		total += int64(n)
		record = record[:nonceSize]
		if _, err := rand.Read(record); err != nil {
			return total, fmt.Errorf("nonce: %w", err)
		}
		ad = additionalData(ad, fileID, header, index, final)
		record = aead.Seal(record, record[:nonceSize], plain[:n], ad)
		if _, err := dst.Write(record); err != nil {
			return total, err
		}
		if final {
			return total, nil
		}
	}
}

// reader decrypts a stored file as it is read. Any authentication failure,
// missing final chunk or trailing data is reported as ErrCorrupt, and no
// plaintext of an unauthenticated chunk is ever returned.
type reader struct {
	src       *bufio.Reader
	closer    io.Closer
	aead      cipher.AEAD
	fileID    []byte
	header    []byte
	chunkSize int
	index     uint64
	record    []byte
	plain     []byte // decrypted, not yet returned
	ad        []byte
	done      bool // the final chunk has been read
	err       error
}

func (r *reader) Read(p []byte) (int, error) {
	for len(r.plain) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		r.err = r.next()
	}
	n := copy(p, r.plain)
	r.plain = r.plain[n:]
	return n, nil
}

func (r *reader) next() error {
	want := nonceSize + r.chunkSize + tagSize
	rec := r.record[:want]
	n, err := io.ReadFull(r.src, rec)
	final := false
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("chunk %d missing: %w", r.index, ErrCorrupt)
	case errors.Is(err, io.ErrUnexpectedEOF):
		final = true
	case err != nil:
		return err
	default:
		if _, perr := r.src.Peek(1); errors.Is(perr, io.EOF) {
			final = true
		} else if perr != nil {
			return perr
		}
	}
	rec = rec[:n]
	if len(rec) < nonceSize+tagSize {
		return fmt.Errorf("chunk %d truncated: %w", r.index, ErrCorrupt)
	}
	r.ad = additionalData(r.ad, r.fileID, r.header, r.index, final)
	plain, err := r.aead.Open(rec[nonceSize:nonceSize], rec[:nonceSize], rec[nonceSize:], r.ad)
	if err != nil {
		return fmt.Errorf("chunk %d: %w", r.index, ErrCorrupt)
	}
	r.plain = plain
	r.index++
	r.done = final
	return nil
}

func (r *reader) Close() error {
	r.plain = nil
	return r.closer.Close()
}
