package storage

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

const maxKeyIDLen = 64

// DefaultKeyFile is the name of the generated key file inside DATA_DIR in
// the embedded default (see LoadOrCreateKey).
const DefaultKeyFile = "encryption.key"

// Keyring holds the encryption keys of a Store. New files are sealed with
// the Current key; files written under an older key stay readable as long as
// its id is in Keys. Rotating means putting a new key first and keeping the
// old ones until every file sealed with them has been deleted (retention).
type Keyring struct {
	// Current is the id of the key new files are sealed with.
	Current string
	// Keys maps key ids to 32-byte AES-256 keys; it includes Current.
	Keys map[string][]byte
}

// Validate reports whether the keyring is usable: a current key that is
// present, and every key 32 bytes long under a well-formed id.
func (k Keyring) Validate() error {
	if k.Current == "" {
		return errors.New("keyring: no current key")
	}
	if _, ok := k.Keys[k.Current]; !ok {
		return fmt.Errorf("keyring: current key %q is missing", k.Current)
	}
	for id, key := range k.Keys {
		if err := checkKeyID(id); err != nil {
			return fmt.Errorf("keyring: %w", err)
		}
		if len(key) != KeySize {
			return fmt.Errorf("keyring: key %q has %d bytes, want %d", id, len(key), KeySize)
		}
	}
	return nil
}

// aeads builds one AES-256-GCM cipher per key.
func (k Keyring) aeads() (map[string]cipher.AEAD, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	out := make(map[string]cipher.AEAD, len(k.Keys))
	for id, key := range k.Keys {
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("keyring: key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("keyring: key %q: %w", id, err)
		}
		out[id] = aead
	}
	return out, nil
}

// ParseKey reads BANKFLOW_ENCRYPTION_KEY: one or more comma-separated keys,
// the first being current. Each key is 32 bytes written in base64 (standard
// or URL alphabet, padded or not) or hex, optionally preceded by "id:".
// A key without an id gets one derived from the key itself ("k" and the
// first 8 hex digits of its SHA-256), so "NEW,OLD" rotates without naming
// anything. Errors never echo key material.
func ParseKey(s string) (Keyring, error) {
	kr := Keyring{Keys: map[string][]byte{}}
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return Keyring{}, fmt.Errorf("encryption key: entry %d is empty", i+1)
		}
		id, enc, named := strings.Cut(part, ":")
		if !named {
			enc, id = id, ""
		}
		key, err := decodeKey(strings.TrimSpace(enc))
		if err != nil {
			return Keyring{}, fmt.Errorf("encryption key: entry %d: %w", i+1, err)
		}
		id = strings.TrimSpace(id)
		if !named {
			id = DeriveKeyID(key)
		}
		if err := checkKeyID(id); err != nil {
			return Keyring{}, fmt.Errorf("encryption key: entry %d: %w", i+1, err)
		}
		if _, dup := kr.Keys[id]; dup {
			return Keyring{}, fmt.Errorf("encryption key: entry %d: key id %q appears twice", i+1, id)
		}
		kr.Keys[id] = key
		if i == 0 {
			kr.Current = id
		}
	}
	return kr, nil
}

// DeriveKeyID names a key that was given without an id.
func DeriveKeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return "k" + hex.EncodeToString(sum[:4])
}

// LoadOrCreateKey reads the keyring kept in the file at path (the format of
// ParseKey), creating the file with one fresh random key and mode 0600 when
// it does not exist. It is the embedded default's substitute for
// BANKFLOW_ENCRYPTION_KEY: losing this file makes stored uploads unreadable.
// A key file readable by group or others is refused.
func LoadOrCreateKey(path string) (Keyring, error) {
	kr, err := readKeyFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return kr, err
	}
	if err := createKeyFile(path); err != nil {
		return Keyring{}, err
	}
	return readKeyFile(path)
}

func readKeyFile(path string) (Keyring, error) {
	info, err := os.Stat(path)
	if err != nil {
		return Keyring{}, fmt.Errorf("key file: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return Keyring{}, fmt.Errorf("key file %s is accessible by other users (mode %04o): run chmod 600 on it", path, perm)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Keyring{}, fmt.Errorf("key file: %w", err)
	}
	kr, err := ParseKey(strings.TrimSpace(string(data)))
	if err != nil {
		return Keyring{}, fmt.Errorf("key file %s: %w", path, err)
	}
	return kr, nil
}

// createKeyFile writes a new key to a temporary file and links it into
// place, so that two processes starting together agree on one key and a
// crash never leaves a half-written key file.
func createKeyFile(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".key-*")
	if err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	line := DeriveKeyID(key) + ":" + base64.StdEncoding.EncodeToString(key) + "\n"
	if _, err := tmp.WriteString(line); err != nil {
		tmp.Close()
		return fmt.Errorf("key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("key file: %w", err)
	}
	return nil
}

func decodeKey(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("no key")
	}
	if len(s) == 2*KeySize {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(b) != KeySize {
			return nil, fmt.Errorf("key decodes to %d bytes, want %d (generate one with: openssl rand -base64 32)", len(b), KeySize)
		}
		return b, nil
	}
	return nil, fmt.Errorf("key is neither base64 nor hex of %d bytes (generate one with: openssl rand -base64 32)", KeySize)
}

func checkKeyID(id string) error {
	if id == "" || len(id) > maxKeyIDLen {
		return fmt.Errorf("key id %q must have 1 to %d characters", id, maxKeyIDLen)
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return fmt.Errorf("key id %q may only hold letters, digits, '-', '_' and '.'", id)
		}
	}
	return nil
}
