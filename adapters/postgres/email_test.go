package postgres

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

func inbound(mailbox string, uidvalidity, uid uint32, key string) *domain.InboundEmail {
	return &domain.InboundEmail{Mailbox: mailbox, UIDValidity: uidvalidity, UID: uid, DedupKey: key, MessageID: "<" + key + "@mail.example>", ClaimedAt: t0}
}

func TestEmailClaimIsExactlyOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")

		// Two instances race for the same message: exactly one claims it.
		var wg sync.WaitGroup
		wins := make(chan string, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m := inbound("INBOX", 7, 1, "k1")
				ok, _, err := db.ClaimEmail(ctx, m, t0.Add(-time.Hour))
				if err != nil {
					t.Errorf("claim: %v", err)
				}
				if ok {
					wins <- m.ID
				}
			}()
		}
		wg.Wait()
		close(wins)
		var ids []string
		for id := range wins {
			ids = append(ids, id)
		}
		if len(ids) != 1 {
			t.Fatalf("%d claims won, want 1", len(ids))
		}

		// The outcome is stored; a later claim of the same place, or of the
		// same message renumbered under a new UIDVALIDITY, returns it.
		done := &domain.InboundEmail{ID: ids[0], MessageID: "<k1@mail.example>", UserID: u.ID, Status: domain.EmailSubmitted,
			ReplyTo: "ana@example.com", Subject: "Extrato", References: "<k1@mail.example>",
			Files: []domain.EmailFile{{Filename: "extrato_março.ofx", JobID: "00000000-0000-0000-0000-0000000000a1"}, {Filename: "foto.pdf", Error: "Formato não suportado."}}}
		if err := db.SaveEmail(ctx, done); err != nil {
			t.Fatalf("save: %v", err)
		}
		for _, again := range []*domain.InboundEmail{inbound("INBOX", 7, 1, "other"), inbound("INBOX", 8, 30, "k1")} {
			ok, old, err := db.ClaimEmail(ctx, again, t0.Add(time.Hour))
			if err != nil || ok || old == nil {
				t.Fatalf("reclaim %+v: ok=%v old=%v err=%v", again, ok, old, err)
			}
			if old.ID != ids[0] || old.Status != domain.EmailSubmitted || old.UserID != u.ID || len(old.Files) != 2 ||
				old.Files[0].Filename != "extrato_março.ofx" || old.Files[1].Error != "Formato não suportado." {
				t.Errorf("existing = %+v", old)
			}
		}
		// A different message at a different place is claimed.
		if ok, _, err := db.ClaimEmail(ctx, inbound("INBOX", 7, 2, "k2"), t0); err != nil || !ok {
			t.Fatalf("new message: ok=%v err=%v", ok, err)
		}
	})
}

func TestEmailStaleClaimIsTakenOver(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		first := inbound("INBOX", 7, 1, "k1")
		if ok, _, err := db.ClaimEmail(ctx, first, t0); err != nil || !ok {
			t.Fatalf("first claim: %v %v", ok, err)
		}
		// Fresh claim of a live instance: not taken.
		second := inbound("INBOX", 7, 1, "k1")
		second.ClaimedAt = t0.Add(time.Minute)
		if ok, old, err := db.ClaimEmail(ctx, second, t0); err != nil || ok || old.Status != domain.EmailClaimed {
			t.Fatalf("fresh claim taken: ok=%v old=%+v err=%v", ok, old, err)
		}
		// Its instance died: after the lease the claim is taken over once.
		third := inbound("INBOX", 7, 1, "k1")
		third.ClaimedAt = t0.Add(20 * time.Minute)
		if ok, _, err := db.ClaimEmail(ctx, third, t0.Add(10*time.Minute)); err != nil || !ok || third.ID != first.ID {
			t.Fatalf("stale claim not taken over: ok=%v id=%s want %s err=%v", ok, third.ID, first.ID, err)
		}
		fourth := inbound("INBOX", 7, 1, "k1")
		if ok, _, err := db.ClaimEmail(ctx, fourth, t0.Add(10*time.Minute)); err != nil || ok {
			t.Fatalf("taken over twice: ok=%v err=%v", ok, err)
		}
	})
}

func TestEmailReplyClaim(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		jobA, jobB := "00000000-0000-0000-0000-0000000000a1", "00000000-0000-0000-0000-0000000000b2"
		m := inbound("INBOX", 1, 1, "k1")
		if _, _, err := db.ClaimEmail(ctx, m, t0); err != nil {
			t.Fatal(err)
		}
		m.UserID, m.Status = u.ID, domain.EmailSubmitted
		m.Files = []domain.EmailFile{{Filename: "a.ofx", JobID: jobA}, {Filename: "b.csv", JobID: jobB}}
		if err := db.SaveEmail(ctx, m); err != nil {
			t.Fatal(err)
		}
		other := inbound("INBOX", 1, 2, "k2")
		if _, _, err := db.ClaimEmail(ctx, other, t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			job  string
			want int
		}{{"", 1}, {jobA, 1}, {jobB, 1}, {"00000000-0000-0000-0000-0000000000c3", 0}} {
			got, err := db.EmailsAwaitingReply(ctx, tc.job, 10)
			if err != nil || len(got) != tc.want {
				t.Errorf("awaiting reply for job %q: %d (%v), want %d", tc.job, len(got), err, tc.want)
			}
		}
		if err := db.ClaimReply(ctx, m.ID, t0); err != nil {
			t.Fatalf("claim reply: %v", err)
		}
		wantCode(t, db.ClaimReply(ctx, m.ID, t0), domain.CodeConflict)
		if got, _ := db.EmailsAwaitingReply(ctx, "", 10); len(got) != 0 {
			t.Errorf("replied message still awaiting: %+v", got)
		}
		if err := db.ReleaseReply(ctx, m.ID); err != nil {
			t.Fatalf("release: %v", err)
		}
		if got, _ := db.EmailsAwaitingReply(ctx, jobA, 10); len(got) != 1 || got[0].Status != domain.EmailSubmitted {
			t.Errorf("released message not awaiting: %+v", got)
		}
	})
}

func TestEmailCursor(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		_, err := db.GetEmailCursor(ctx, "INBOX")
		wantNotFound(t, err)
		steps := []struct {
			validity, uid, want uint32
		}{
			{5, 10, 10},
			{5, 12, 12},
			{5, 11, 12}, // a slower instance never rewinds the cursor
			{6, 3, 3},   // UIDVALIDITY changed: the cursor restarts
		}
		for _, s := range steps {
			if err := db.SaveEmailCursor(ctx, domain.EmailCursor{Mailbox: "INBOX", UIDValidity: s.validity, LastUID: s.uid, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
			c, err := db.GetEmailCursor(ctx, "INBOX")
			if err != nil || c.UIDValidity != s.validity || c.LastUID != s.want {
				t.Errorf("after saving %d/%d: %+v %v, want last %d", s.validity, s.uid, c, err, s.want)
			}
		}
	})
}

func TestSenders(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u := newUser(t, db, "ana@example.com")
		other := newUser(t, db, "bia@example.com")
		if err := db.AddSender(ctx, domain.SenderAddress{UserID: u.ID, Email: " Cliente@Empresa.com.br", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.AddSender(ctx, domain.SenderAddress{UserID: other.ID, Email: "cliente@empresa.com.br", CreatedAt: t0}), domain.CodeConflict)
		_, err := db.UserBySender(ctx, "cliente@empresa.com.br")
		wantNotFound(t, err) // not verified yet
		wantNotFound(t, db.VerifySender(ctx, other.ID, "cliente@empresa.com.br", t0))
		if err := db.VerifySender(ctx, u.ID, "CLIENTE@empresa.com.br", t0); err != nil {
			t.Fatal(err)
		}
		got, err := db.UserBySender(ctx, "cliente@EMPRESA.com.br")
		if err != nil || got.ID != u.ID {
			t.Fatalf("user by sender: %+v %v", got, err)
		}
		list, err := db.ListSenders(ctx, u.ID)
		if err != nil || len(list) != 1 || list[0].VerifiedAt == nil || list[0].Email != "cliente@empresa.com.br" {
			t.Errorf("list: %+v %v", list, err)
		}
	})
}
