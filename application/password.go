package application

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argonParams are the Argon2id cost parameters. They are written into every
// hash string, so raising them later keeps old hashes verifiable.
type argonParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// defaultArgon is the production cost: 64 MiB, 2 passes, 2 lanes.
var defaultArgon = argonParams{Memory: 64 * 1024, Time: 2, Threads: 2}

const (
	argonSaltLen = 16
	argonKeyLen  = 32
	// Upper bounds on parameters read back from a stored hash, so a tampered
	// row cannot make a login allocate gigabytes or spin for minutes.
	maxArgonMemory  = 1 << 20 // 1 GiB
	maxArgonTime    = 16
	maxArgonThreads = 64
)

var errMalformedHash = errors.New("malformed password hash")

// hashPassword returns "$argon2id$v=19$m=...,t=...,p=...$salt$hash" with a
// fresh random salt.
func hashPassword(password string, p argonParams) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(key)), nil
}

// verifyPassword reports whether password matches encoded, using the
// parameters recorded in encoded and a constant-time comparison.
func verifyPassword(password, encoded string) (bool, error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// decodeHash splits an encoded Argon2id hash into its parameters, salt and key.
func decodeHash(encoded string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errMalformedHash
	}
	var m, t, threads uint64
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &threads); err != nil {
		return p, nil, nil, errMalformedHash
	}
	if m < 8 || m > maxArgonMemory || t < 1 || t > maxArgonTime || threads < 1 || threads > maxArgonThreads {
		return p, nil, nil, errMalformedHash
	}
	p = argonParams{Memory: uint32(m), Time: uint32(t), Threads: uint8(threads)}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, errMalformedHash
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, errMalformedHash
	}
	return p, salt, key, nil
}

// hashOutdated reports whether encoded was made with a lower cost than p
// (memory, passes or lanes) or a shorter salt or key, so the password
// should be rehashed at the next successful sign-in. An unreadable hash is
// not outdated: it cannot have verified.
func hashOutdated(encoded string, p argonParams) bool {
	got, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false
	}
	return got.Memory < p.Memory || got.Time < p.Time || got.Threads < p.Threads ||
		len(salt) < argonSaltLen || len(key) < argonKeyLen
}
