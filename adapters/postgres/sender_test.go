package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// TestSenderVerificationLink: the link of a pending sender verifies it
// once, only for its owner and only before it expires; removing an address
// stops it routing mail.
func TestSenderVerificationLink(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		other := newUser(t, db, "bia@example.com")
		add := func(owner *domain.User, email, hash string) {
			t.Helper()
			err := db.AddSender(ctx, domain.SenderAddress{UserID: owner.ID, Email: email, CreatedAt: t0,
				VerifyHash: hash, VerifyExpiresAt: t0.Add(24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
		}
		add(u, "Cliente@Empresa.com.br", "hash-1")
		add(u, "velho@empresa.com.br", "hash-2")

		list, err := db.ListSenders(ctx, u.ID)
		if err != nil || len(list) != 2 || list[0].VerifyHash != "hash-1" || !list[0].VerifyExpiresAt.Equal(t0.Add(24*time.Hour)) || list[0].VerifiedAt != nil {
			t.Fatalf("pending list: %+v %v", list, err)
		}

		// Another user's session cannot use the link; the owner still can.
		_, err = db.ConsumeSenderVerification(ctx, other.ID, "hash-1", t0.Add(time.Hour))
		wantNotFound(t, err)
		// An expired link does nothing.
		_, err = db.ConsumeSenderVerification(ctx, u.ID, "hash-2", t0.Add(24*time.Hour))
		wantNotFound(t, err)
		_, err = db.ConsumeSenderVerification(ctx, u.ID, "no-such-hash", t0.Add(time.Hour))
		wantNotFound(t, err)

		got, err := db.ConsumeSenderVerification(ctx, u.ID, "hash-1", t0.Add(time.Hour))
		if err != nil || got.Email != "cliente@empresa.com.br" || got.VerifiedAt == nil || !got.VerifiedAt.Equal(t0.Add(time.Hour)) || got.VerifyHash != "" {
			t.Fatalf("consume: %+v %v", got, err)
		}
		_, err = db.ConsumeSenderVerification(ctx, u.ID, "hash-1", t0.Add(2*time.Hour))
		wantNotFound(t, err) // used once
		owner, err := db.UserBySender(ctx, "cliente@empresa.com.br")
		if err != nil || owner.ID != u.ID {
			t.Fatalf("user by sender: %+v %v", owner, err)
		}
		_, err = db.UserBySender(ctx, "velho@empresa.com.br")
		wantNotFound(t, err) // never verified

		// Removal: only the owner's, and the address stops routing.
		wantNotFound(t, db.RemoveSender(ctx, other.ID, "cliente@empresa.com.br"))
		if err := db.RemoveSender(ctx, u.ID, "CLIENTE@empresa.com.br"); err != nil {
			t.Fatal(err)
		}
		_, err = db.UserBySender(ctx, "cliente@empresa.com.br")
		wantNotFound(t, err)
		wantNotFound(t, db.RemoveSender(ctx, u.ID, "cliente@empresa.com.br"))
		// Once removed, another user may register the address.
		add(other, "cliente@empresa.com.br", "hash-3")
		list, err = db.ListSenders(ctx, u.ID)
		if err != nil || len(list) != 1 || list[0].Email != "velho@empresa.com.br" {
			t.Errorf("after removal: %+v %v", list, err)
		}
	})
}
