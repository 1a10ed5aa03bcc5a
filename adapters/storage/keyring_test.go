package storage

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseKey(t *testing.T) {
	k1 := bytes.Repeat([]byte{0x11}, KeySize)
	k2 := bytes.Repeat([]byte{0x22}, KeySize)
	b64 := base64.StdEncoding.EncodeToString
	cases := []struct {
		in      string
		current string
		keys    map[string][]byte
	}{
		{b64(k1), DeriveKeyID(k1), map[string][]byte{DeriveKeyID(k1): k1}},
		{hex.EncodeToString(k1), DeriveKeyID(k1), map[string][]byte{DeriveKeyID(k1): k1}},
		{base64.RawURLEncoding.EncodeToString(k1), DeriveKeyID(k1), map[string][]byte{DeriveKeyID(k1): k1}},
		{"  " + b64(k1) + "\n", DeriveKeyID(k1), map[string][]byte{DeriveKeyID(k1): k1}},
		{"2025:" + b64(k2) + ",2024:" + hex.EncodeToString(k1), "2025", map[string][]byte{"2025": k2, "2024": k1}},
		{b64(k2) + ", " + b64(k1), DeriveKeyID(k2), map[string][]byte{DeriveKeyID(k2): k2, DeriveKeyID(k1): k1}},
	}
	for _, tc := range cases {
		kr, err := ParseKey(tc.in)
		if err != nil {
			t.Errorf("ParseKey(%.12q...): %v", tc.in, err)
			continue
		}
		if kr.Current != tc.current || len(kr.Keys) != len(tc.keys) {
			t.Errorf("ParseKey(%.12q...) = current %q, %d keys", tc.in, kr.Current, len(kr.Keys))
		}
		for id, want := range tc.keys {
			if !bytes.Equal(kr.Keys[id], want) {
				t.Errorf("ParseKey(%.12q...): key %q wrong", tc.in, id)
			}
		}
		if err := kr.Validate(); err != nil {
			t.Errorf("ParseKey(%.12q...) gave an invalid keyring: %v", tc.in, err)
		}
	}
}

func TestParseKeyErrors(t *testing.T) {
	k := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x33}, KeySize))
	short := base64.StdEncoding.EncodeToString([]byte("sixteen bytes!!!"))
	cases := []struct{ in, want string }{
		{"", "empty"},
		{short, "16 bytes, want 32"},
		{"not a key at all!", "neither base64 nor hex"},
		{"a:" + k + ",a:" + k, "appears twice"},
		{k + ",", "entry 2 is empty"},
		{"bad id:" + k, "may only hold"},
		{":" + k, "1 to 64"},
		{"id:", "no key"},
	}
	for _, tc := range cases {
		_, err := ParseKey(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseKey(%q) error = %v, want it to mention %q", tc.in, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), k) {
			t.Errorf("ParseKey(%q) error echoes the key", tc.in)
		}
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "encryption.key")
	first, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", info.Mode().Perm())
	}
	if dir, _ := os.Stat(filepath.Dir(path)); dir.Mode().Perm() != 0o700 {
		t.Fatalf("key dir mode %04o, want 0700", dir.Mode().Perm())
	}
	second, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if first.Current != second.Current || !bytes.Equal(first.Keys[first.Current], second.Keys[second.Current]) {
		t.Fatal("second load generated a different key")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Fatalf("key dir holds %d entries, want only the key", len(entries))
	}
	// Files sealed with the generated key survive a restart.
	dir := t.TempDir()
	s1, _ := New(dir, first)
	id := put(t, s1, []byte("x"))
	s2, _ := New(dir, second)
	if got, err := readAll(t, s2, id); err != nil || string(got) != "x" {
		t.Fatalf("read after reload: %q, %v", got, err)
	}
}

func TestLoadOrCreateKeyRefusesAnOpenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "encryption.key")
	if _, err := LoadOrCreateKey(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key file: %v", err)
	}
}

func TestNewRejectsBadKeyrings(t *testing.T) {
	good := bytes.Repeat([]byte{1}, KeySize)
	for name, kr := range map[string]Keyring{
		"empty":           {},
		"missing current": {Current: "a", Keys: map[string][]byte{"b": good}},
		"short key":       {Current: "a", Keys: map[string][]byte{"a": good[:16]}},
	} {
		if _, err := New(t.TempDir(), kr); err == nil {
			t.Errorf("%s: New accepted the keyring", name)
		}
	}
}
