package postgres

import (
	"context"
	"testing"
	"time"
)

func TestRecordLogin(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		old := u.PasswordHash
		at := t0.Add(time.Hour)
		if err := db.RecordLogin(ctx, u.ID, at, old, "upgraded"); err != nil {
			t.Fatal(err)
		}
		got, _ := db.GetUser(ctx, u.ID)
		if got.PasswordHash != "upgraded" || got.LastLogin == nil || !got.LastLogin.Equal(at) {
			t.Fatalf("after login: hash %q, last login %v", got.PasswordHash, got.LastLogin)
		}
		// A sign-in that read the user before a password change must not
		// put its (re)hash of the old password back.
		if err := db.RecordLogin(ctx, u.ID, at.Add(time.Minute), old, "stale-rehash"); err != nil {
			t.Fatal(err)
		}
		got, _ = db.GetUser(ctx, u.ID)
		if got.PasswordHash != "upgraded" || !got.LastLogin.Equal(at.Add(time.Minute)) {
			t.Fatalf("raced login overwrote the hash: %q (last login %v)", got.PasswordHash, got.LastLogin)
		}
		wantNotFound(t, db.RecordLogin(ctx, "00000000-0000-0000-0000-000000000000", at, "", ""))
	})
}
