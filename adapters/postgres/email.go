package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/bankflow/bankflow/domain"
)

var (
	_ domain.EmailRepository       = (*DB)(nil)
	_ domain.EmailCursorRepository = (*DB)(nil)
	_ domain.InboxUserRepository   = (*DB)(nil)
)

type emailRow struct {
	bun.BaseModel `bun:"table:email_messages,alias:e"`

	ID          string     `bun:"id,pk"`
	Mailbox     string     `bun:"mailbox"`
	UIDValidity int64      `bun:"uidvalidity"`
	UID         int64      `bun:"uid"`
	DedupKey    string     `bun:"dedup_key"`
	MessageID   string     `bun:"message_id"`
	UserID      string     `bun:"user_id,nullzero"`
	Status      string     `bun:"status"`
	ReplyTo     string     `bun:"reply_to"`
	Subject     string     `bun:"subject"`
	Refs        string     `bun:"refs"`
	Note        string     `bun:"note"`
	Files       string     `bun:"files"`
	Failed      bool       `bun:"failed"`
	ClaimedAt   time.Time  `bun:"claimed_at"`
	RepliedAt   *time.Time `bun:"replied_at"`
}

// emailFile is the stored shape of a domain.EmailFile.
type emailFile struct {
	Filename  string `json:"filename"`
	JobID     string `json:"job_id,omitempty"`
	Duplicate bool   `json:"duplicate,omitempty"`
	Error     string `json:"error,omitempty"`
}

func emailToRow(m *domain.InboundEmail) (*emailRow, error) {
	files := make([]emailFile, len(m.Files))
	for i, f := range m.Files {
		files[i] = emailFile{Filename: f.Filename, JobID: f.JobID, Duplicate: f.Duplicate, Error: f.Error}
	}
	b, err := json.Marshal(files)
	if err != nil {
		return nil, fmt.Errorf("encode email files: %w", err)
	}
	status := m.Status
	if status == "" {
		status = domain.EmailClaimed
	}
	return &emailRow{
		ID: m.ID, Mailbox: m.Mailbox, UIDValidity: int64(m.UIDValidity), UID: int64(m.UID),
		DedupKey: m.DedupKey, MessageID: m.MessageID, UserID: m.UserID, Status: string(status),
		ReplyTo: m.ReplyTo, Subject: m.Subject, Refs: m.References, Note: m.Note, Files: string(b),
		Failed: m.Failed, ClaimedAt: m.ClaimedAt.UTC(), RepliedAt: utcPtr(m.RepliedAt),
	}, nil
}

func (r *emailRow) domain() (*domain.InboundEmail, error) {
	var files []emailFile
	if r.Files != "" {
		if err := json.Unmarshal([]byte(r.Files), &files); err != nil {
			return nil, fmt.Errorf("decode files of email %s: %w", r.ID, err)
		}
	}
	m := &domain.InboundEmail{
		ID: r.ID, Mailbox: r.Mailbox, UIDValidity: uint32(r.UIDValidity), UID: uint32(r.UID),
		DedupKey: r.DedupKey, MessageID: r.MessageID, UserID: r.UserID, Status: domain.EmailStatus(r.Status),
		ReplyTo: r.ReplyTo, Subject: r.Subject, References: r.Refs, Note: r.Note, Failed: r.Failed,
		ClaimedAt: r.ClaimedAt.UTC(), RepliedAt: utcPtr(r.RepliedAt),
	}
	for _, f := range files {
		m.Files = append(m.Files, domain.EmailFile{Filename: f.Filename, JobID: f.JobID, Duplicate: f.Duplicate, Error: f.Error})
	}
	return m, nil
}

// ClaimEmail inserts m with INSERT ... ON CONFLICT DO NOTHING: of two
// instances fetching the same message only one inserts. A claim left
// without an outcome since before staleBefore is taken over by a
// conditional update.
func (db *DB) ClaimEmail(ctx context.Context, m *domain.InboundEmail, staleBefore time.Time) (bool, *domain.InboundEmail, error) {
	if m.ID == "" {
		m.ID = newID()
	}
	if m.ClaimedAt.IsZero() {
		m.ClaimedAt = time.Now().UTC()
	}
	m.Status = domain.EmailClaimed
	row, err := emailToRow(m)
	if err != nil {
		return false, nil, err
	}
	res, err := db.bun.NewInsert().Model(row).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return false, nil, fmt.Errorf("claim email: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, nil, fmt.Errorf("claim email: %w", err)
	} else if n == 1 {
		return true, nil, nil
	}

	var old emailRow
	err = db.bun.NewSelect().Model(&old).
		Where("(e.mailbox = ? AND e.uidvalidity = ? AND e.uid = ?) OR e.dedup_key = ?", m.Mailbox, int64(m.UIDValidity), int64(m.UID), m.DedupKey).
		OrderExpr("e.claimed_at").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		// The conflicting row vanished (its user was deleted): try once more.
		return db.claimAgain(ctx, row)
	}
	if err != nil {
		return false, nil, fmt.Errorf("claim email: find existing: %w", err)
	}
	existing, err := old.domain()
	if err != nil {
		return false, nil, err
	}
	if existing.Status != domain.EmailClaimed || !old.ClaimedAt.Before(staleBefore) {
		return false, existing, nil
	}
	res, err = db.bun.NewUpdate().Model((*emailRow)(nil)).
		Set("claimed_at = ?", m.ClaimedAt.UTC()).
		Where("id = ? AND status = ? AND claimed_at = ?", old.ID, string(domain.EmailClaimed), old.ClaimedAt).
		Exec(ctx)
	if err != nil {
		return false, nil, fmt.Errorf("take over stale email claim: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, existing, nil
	}
	m.ID = old.ID
	return true, nil, nil
}

func (db *DB) claimAgain(ctx context.Context, row *emailRow) (bool, *domain.InboundEmail, error) {
	res, err := db.bun.NewInsert().Model(row).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return false, nil, fmt.Errorf("claim email: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil, nil
	}
	return false, nil, fmt.Errorf("claim email: conflicting row not found")
}

// SaveEmail stores the outcome fields of a claimed message.
func (db *DB) SaveEmail(ctx context.Context, m *domain.InboundEmail) error {
	if !validID(m.ID) {
		return errNotFound(fmt.Errorf("email id %q", m.ID))
	}
	row, err := emailToRow(m)
	if err != nil {
		return err
	}
	res, err := db.bun.NewUpdate().Model(row).
		Column("message_id", "user_id", "status", "reply_to", "subject", "refs", "note", "files", "failed").
		WherePK().Exec(ctx)
	if err != nil {
		return fmt.Errorf("save email: %w", err)
	}
	return affectedOne(res, "save email")
}

// EmailsAwaitingReply returns submitted, unanswered messages, oldest first.
func (db *DB) EmailsAwaitingReply(ctx context.Context, jobID string, limit int) ([]domain.InboundEmail, error) {
	var rows []emailRow
	q := db.bun.NewSelect().Model(&rows).
		Where("e.status = ? AND e.replied_at IS NULL", string(domain.EmailSubmitted)).
		OrderExpr("e.claimed_at").Limit(clampLimit(limit))
	if jobID != "" {
		// The file list is small JSON; a LIKE on the quoted id is exact
		// (UUIDs never contain each other) and works on both dialects.
		col := "e.files"
		if db.isPostgres() {
			col = "e.files::text"
		}
		q = q.Where(col+" LIKE ?", "%\""+jobID+"\"%")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("emails awaiting reply: %w", err)
	}
	out := make([]domain.InboundEmail, 0, len(rows))
	for i := range rows {
		m, err := rows[i].domain()
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, nil
}

// ClaimReply sets replied_at when it is still unset.
func (db *DB) ClaimReply(ctx context.Context, id string, now time.Time) error {
	if !validID(id) {
		return errNotFound(fmt.Errorf("email id %q", id))
	}
	res, err := db.bun.NewUpdate().Model((*emailRow)(nil)).
		Set("replied_at = ?", now.UTC()).
		Set("status = CASE WHEN status = ? THEN ? ELSE status END", string(domain.EmailSubmitted), string(domain.EmailReplied)).
		Where("id = ? AND replied_at IS NULL", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("claim reply: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return domain.Wrap(domain.CodeConflict, errors.New("reply already claimed"), domain.ErrConflict.Message)
	}
	return nil
}

// ReleaseReply clears replied_at so that the reply is tried again.
func (db *DB) ReleaseReply(ctx context.Context, id string) error {
	if !validID(id) {
		return errNotFound(fmt.Errorf("email id %q", id))
	}
	res, err := db.bun.NewUpdate().Model((*emailRow)(nil)).
		Set("replied_at = NULL").
		Set("status = CASE WHEN status = ? THEN ? ELSE status END", string(domain.EmailReplied), string(domain.EmailSubmitted)).
		Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("release reply: %w", err)
	}
	return affectedOne(res, "release reply")
}
