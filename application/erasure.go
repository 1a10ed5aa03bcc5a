package application

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/bankflow/bankflow/domain"
)

// Eraser removes a user's data for good (the database adapter implements
// it). Together the three calls leave nothing of the user but a
// pseudonymous audit trace.
type Eraser interface {
	// DeleteUserData deletes the user's transactions, jobs, tokens and
	// sender addresses and returns the file ids the jobs referenced.
	DeleteUserData(ctx context.Context, userID string) ([]string, error)
	// DeleteUser deletes the user row (and whatever still cascades from it).
	DeleteUser(ctx context.Context, id string) error
	// PseudonymizeAudit replaces subject by pseudonym in the audit log and
	// removes the e-mail address and the subject's IPs from it.
	PseudonymizeAudit(ctx context.Context, subject, pseudonym, email string) (int64, error)
}

// Privacy serves the data subject's rights (LGPD): a copy of all their data
// and the erasure of their account.
type Privacy struct {
	jobs   *Jobs
	eraser Eraser
	key    []byte
}

// NewPrivacy returns the privacy service. key salts the pseudonyms left in
// the audit log (derived from a server secret, so a pseudonym cannot be
// recomputed from a user id without it); it must be at least 16 bytes.
func NewPrivacy(jobs *Jobs, eraser Eraser, key []byte) *Privacy {
	return &Privacy{jobs: jobs, eraser: eraser, key: key}
}

// Pseudonym is the stable, salted stand-in for an erased user id in the
// audit log: "anon-" and 24 hex digits of HMAC-SHA256(key, id).
func (p *Privacy) Pseudonym(userID string) string {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(userID))
	return "anon-" + hex.EncodeToString(m.Sum(nil))[:24]
}

// DeleteAccount erases the account after checking the user's password:
// stored files first, then transactions (and their search index), jobs,
// tokens and the user row, and finally the audit trail is pseudonymised.
// Sessions and API tokens stop working at once (the user no longer
// exists). Errors: CodeInvalid for a wrong password; CodeUnavailable when
// storage fails (what was already erased stays erased; trying again
// finishes the job).
func (p *Privacy) DeleteAccount(ctx context.Context, u *domain.User, password, ip string) error {
	if u == nil {
		return domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	if len(p.key) < 16 {
		return domain.Wrap(domain.CodeInternal, errors.New("pseudonym key shorter than 16 bytes"), msgInternalErr)
	}
	stored, err := p.jobs.d.Users.GetUser(ctx, u.ID)
	if err != nil {
		return unavailable(err)
	}
	if ok, _ := verifyPassword(password, stored.PasswordHash); !ok {
		return domain.Errorf(domain.CodeInvalid, "Senha incorreta. A conta não foi excluída.")
	}
	jobs, err := p.jobs.allJobs(ctx, u.ID)
	if err != nil {
		return err
	}
	for i := range jobs {
		if err := p.deleteFiles(ctx, jobs[i].InputFileID, jobs[i].OutputFileID); err != nil {
			return err
		}
	}
	left, err := p.eraser.DeleteUserData(ctx, u.ID)
	if err != nil {
		return unavailable(err)
	}
	// A job submitted meanwhile may have brought a file of its own.
	if err := p.deleteFiles(ctx, left...); err != nil {
		return err
	}
	if err := p.eraser.DeleteUser(ctx, u.ID); err != nil && !errors.Is(err, domain.ErrNotFound) {
		return unavailable(err)
	}
	pseudo := p.Pseudonym(u.ID)
	if _, err := p.eraser.PseudonymizeAudit(ctx, u.ID, pseudo, stored.Email); err != nil {
		return unavailable(fmt.Errorf("pseudonymize audit: %w", err))
	}
	p.jobs.audit(ctx, domain.AuditEvent{ActorID: pseudo, Action: "privacy.delete", TargetID: pseudo,
		Detail: detail(map[string]int{"jobs": len(jobs)})})
	return nil
}

func (p *Privacy) deleteFiles(ctx context.Context, ids ...string) error {
	for _, id := range ids {
		if id == "" {
			continue
		}
		if err := p.jobs.d.Files.Delete(ctx, id); err != nil {
			return unavailable(err)
		}
	}
	return nil
}
