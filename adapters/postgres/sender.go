package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/bankflow/bankflow/domain"
)

var _ domain.SenderRepository = (*DB)(nil)

type cursorRow struct {
	bun.BaseModel `bun:"table:email_cursors,alias:c"`

	Mailbox     string    `bun:"mailbox,pk"`
	UIDValidity int64     `bun:"uidvalidity"`
	LastUID     int64     `bun:"last_uid"`
	UpdatedAt   time.Time `bun:"updated_at"`
}

// AddSender registers a sender address (normalized) with its pending
// verification link, if any; CodeConflict when any user already has it.
func (db *DB) AddSender(ctx context.Context, s domain.SenderAddress) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now().UTC()
	}
	row := &senderRow{UserID: s.UserID, Email: domain.NormalizeEmail(s.Email), CreatedAt: s.CreatedAt.UTC(), VerifiedAt: utcPtr(s.VerifiedAt)}
	if s.VerifyHash != "" {
		exp := s.VerifyExpiresAt.UTC()
		row.VerifyHash, row.VerifyExpiresAt = s.VerifyHash, &exp
	}
	if _, err := db.bun.NewInsert().Model(row).Exec(ctx); err != nil {
		if isUniqueViolation(err) {
			return domain.Wrap(domain.CodeConflict, err, "Este endereço de e-mail já está cadastrado como remetente.")
		}
		return fmt.Errorf("add sender: %w", err)
	}
	return nil
}

// VerifySender marks the user's address verified.
func (db *DB) VerifySender(ctx context.Context, userID, email string, at time.Time) error {
	if !validID(userID) {
		return errNotFound(fmt.Errorf("user id %q", userID))
	}
	res, err := db.bun.NewUpdate().Model((*senderRow)(nil)).
		Set("verified_at = ?", at.UTC()).Set("verify_hash = NULL").Set("verify_expires_at = NULL").
		Where("user_id = ? AND email = ?", userID, domain.NormalizeEmail(email)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("verify sender: %w", err)
	}
	return affectedOne(res, "verify sender")
}

// ListSenders returns the user's sender addresses by address.
func (db *DB) ListSenders(ctx context.Context, userID string) ([]domain.SenderAddress, error) {
	if !validID(userID) {
		return nil, nil
	}
	var rows []senderRow
	if err := db.bun.NewSelect().Model(&rows).Where("s.user_id = ?", userID).Order("s.email").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list senders: %w", err)
	}
	out := make([]domain.SenderAddress, len(rows))
	for i, r := range rows {
		out[i] = *r.domain()
	}
	return out, nil
}

// ConsumeSenderVerification verifies the user's address whose pending link
// has hash: one conditional update, so a link works once, only before it
// expires and only for its own user. ErrNotFound otherwise.
func (db *DB) ConsumeSenderVerification(ctx context.Context, userID, hash string, now time.Time) (*domain.SenderAddress, error) {
	if !validID(userID) || hash == "" {
		return nil, errNotFound(fmt.Errorf("sender verification for user %q", userID))
	}
	var r senderRow
	err := db.bun.NewUpdate().Model(&r).
		Set("verified_at = ?", now.UTC()).Set("verify_hash = NULL").Set("verify_expires_at = NULL").
		Where("user_id = ?", userID).Where("verify_hash = ?", hash).
		Where("verified_at IS NULL").Where("verify_expires_at > ?", now.UTC()).
		Returning("*").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound(err)
	}
	if err != nil {
		return nil, fmt.Errorf("consume sender verification: %w", err)
	}
	return r.domain(), nil
}

// RemoveSender deletes the user's address; ErrNotFound when absent.
func (db *DB) RemoveSender(ctx context.Context, userID, email string) error {
	if !validID(userID) {
		return errNotFound(fmt.Errorf("user id %q", userID))
	}
	res, err := db.bun.NewDelete().Model((*senderRow)(nil)).
		Where("user_id = ? AND email = ?", userID, domain.NormalizeEmail(email)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("remove sender: %w", err)
	}
	return affectedOne(res, "remove sender")
}

func (r *senderRow) domain() *domain.SenderAddress {
	s := &domain.SenderAddress{UserID: r.UserID, Email: r.Email, CreatedAt: r.CreatedAt.UTC(),
		VerifiedAt: utcPtr(r.VerifiedAt), VerifyHash: r.VerifyHash}
	if r.VerifyExpiresAt != nil {
		s.VerifyExpiresAt = r.VerifyExpiresAt.UTC()
	}
	return s
}

// UserBySender returns the owner of a verified sender address.
func (db *DB) UserBySender(ctx context.Context, email string) (*domain.User, error) {
	var r userRow
	err := db.bun.NewSelect().Model(&r).
		Join("JOIN sender_addresses AS s ON s.user_id = u.id").
		Where("s.email = ? AND s.verified_at IS NOT NULL", domain.NormalizeEmail(email)).
		Scan(ctx)
	if err != nil {
		return nil, notFound(err, "user by sender")
	}
	return r.domain(), nil
}

// GetEmailCursor returns the cursor of a mailbox, or ErrNotFound.
func (db *DB) GetEmailCursor(ctx context.Context, mailbox string) (*domain.EmailCursor, error) {
	var r cursorRow
	if err := db.bun.NewSelect().Model(&r).Where("c.mailbox = ?", mailbox).Scan(ctx); err != nil {
		return nil, notFound(err, "get email cursor")
	}
	return &domain.EmailCursor{Mailbox: r.Mailbox, UIDValidity: uint32(r.UIDValidity), LastUID: uint32(r.LastUID), UpdatedAt: r.UpdatedAt.UTC()}, nil
}

// SaveEmailCursor moves the cursor forward (never back under the same
// UIDVALIDITY, so two instances cannot rewind each other) and replaces it
// under a new UIDVALIDITY.
func (db *DB) SaveEmailCursor(ctx context.Context, c domain.EmailCursor) error {
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = time.Now().UTC()
	}
	row := &cursorRow{Mailbox: c.Mailbox, UIDValidity: int64(c.UIDValidity), LastUID: int64(c.LastUID), UpdatedAt: c.UpdatedAt.UTC()}
	_, err := db.bun.NewInsert().Model(row).
		On("CONFLICT (mailbox) DO UPDATE").
		Set("last_uid = CASE WHEN c.uidvalidity = EXCLUDED.uidvalidity AND c.last_uid > EXCLUDED.last_uid THEN c.last_uid ELSE EXCLUDED.last_uid END").
		Set("uidvalidity = EXCLUDED.uidvalidity").
		Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("save email cursor: %w", err)
	}
	return nil
}
