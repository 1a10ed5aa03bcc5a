package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

func TestRevokedSessions(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		revoked := func(jti string) bool {
			t.Helper()
			ok, err := db.SessionRevoked(ctx, jti)
			if err != nil {
				t.Fatalf("revoked %s: %v", jti, err)
			}
			return ok
		}
		if revoked("jti-live") {
			t.Fatal("a session never signed out reads as revoked")
		}
		if err := db.RevokeSession(ctx, "jti-old", u.ID, t0.Add(time.Hour)); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		if err := db.RevokeSession(ctx, "jti-new", u.ID, t0.Add(12*time.Hour)); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		if err := db.RevokeSession(ctx, "jti-old", u.ID, t0.Add(time.Hour)); err != nil {
			t.Fatalf("revoking twice must be harmless: %v", err)
		}
		if !revoked("jti-old") || !revoked("jti-new") || revoked("jti-live") {
			t.Fatal("revocations not read back")
		}

		n, err := db.PurgeRevokedSessions(ctx, t0.Add(2*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("purge = %d, %v; want 1 (only the expired session)", n, err)
		}
		if revoked("jti-old") || !revoked("jti-new") {
			t.Fatal("purge removed the wrong revocation")
		}
	})
}

func TestSessionEpochOnlyGrows(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		if u.SessionEpoch != 0 {
			t.Fatalf("new user epoch %d", u.SessionEpoch)
		}
		stale, err := db.GetUser(ctx, u.ID) // read before the password change
		if err != nil {
			t.Fatal(err)
		}
		changed := *stale
		changed.SessionEpoch, changed.PasswordHash = 1, "$argon2id$new"
		if err := db.UpdateUser(ctx, &changed); err != nil {
			t.Fatalf("update: %v", err)
		}
		if got, _ := db.GetUser(ctx, u.ID); got.SessionEpoch != 1 {
			t.Fatalf("epoch after change = %d, want 1", got.SessionEpoch)
		}
		stale.Name = "Ana S." // a profile edit racing the change
		if err := db.UpdateUser(ctx, stale); err != nil {
			t.Fatalf("stale update: %v", err)
		}
		got, err := db.GetUser(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.SessionEpoch != 1 || got.Name != "Ana S." {
			t.Fatalf("after a stale update: epoch %d name %q; want 1 and the new name", got.SessionEpoch, got.Name)
		}
	})
}

func TestTouchToken(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		hash := "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
		tok := &domain.APIToken{UserID: u.ID, Name: "ERP", Hash: hash, Prefix: "bf_2c26", CreatedAt: t0}
		if err := db.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		used := t0.Add(90 * time.Minute)
		if err := db.TouchToken(ctx, tok.ID, used); err != nil {
			t.Fatalf("touch: %v", err)
		}
		got, err := db.GetTokenByHash(ctx, hash)
		if err != nil || got.LastUsedAt == nil || !got.LastUsedAt.Equal(used) {
			t.Fatalf("last used = %v, %v; want %v", got.LastUsedAt, err, used)
		}
	})
}
