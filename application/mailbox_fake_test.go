package application

import (
	"bytes"
	"context"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/bankflow/bankflow/domain"
)

// fakeEmails is an EmailRepository in memory.
type fakeEmails struct {
	mu   sync.Mutex
	byID map[string]domain.InboundEmail
}

func newFakeEmails() *fakeEmails { return &fakeEmails{byID: map[string]domain.InboundEmail{}} }

func (r *fakeEmails) ClaimEmail(_ context.Context, m *domain.InboundEmail, staleBefore time.Time) (bool, *domain.InboundEmail, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, o := range r.byID {
		same := o.Mailbox == m.Mailbox && o.UIDValidity == m.UIDValidity && o.UID == m.UID
		if !same && o.DedupKey != m.DedupKey {
			continue
		}
		if o.Status == domain.EmailClaimed && o.ClaimedAt.Before(staleBefore) {
			o.ClaimedAt = m.ClaimedAt
			r.byID[id] = o
			m.ID = id
			return true, nil, nil
		}
		cp := o
		return false, &cp, nil
	}
	m.ID = uuid.NewString()
	m.Status = domain.EmailClaimed
	r.byID[m.ID] = *m
	return true, nil, nil
}

func (r *fakeEmails) SaveEmail(_ context.Context, m *domain.InboundEmail) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	o, ok := r.byID[m.ID]
	if !ok {
		return domain.ErrNotFound
	}
	o.MessageID, o.UserID, o.Status, o.ReplyTo, o.Subject, o.References, o.Note, o.Failed =
		m.MessageID, m.UserID, m.Status, m.ReplyTo, m.Subject, m.References, m.Note, m.Failed
	o.Files = append([]domain.EmailFile(nil), m.Files...)
	r.byID[m.ID] = o
	return nil
}

func (r *fakeEmails) EmailsAwaitingReply(_ context.Context, jobID string, limit int) ([]domain.InboundEmail, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []domain.InboundEmail
	for _, o := range r.byID {
		if o.Status != domain.EmailSubmitted || o.RepliedAt != nil {
			continue
		}
		hit := jobID == ""
		for _, f := range o.Files {
			hit = hit || f.JobID == jobID
		}
		if hit {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ClaimedAt.Before(out[b].ClaimedAt) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (r *fakeEmails) ClaimReply(_ context.Context, id string, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	o, ok := r.byID[id]
	if !ok {
		return domain.ErrNotFound
	}
	if o.RepliedAt != nil {
		return domain.ErrConflict
	}
	o.RepliedAt = &now
	if o.Status == domain.EmailSubmitted {
		o.Status = domain.EmailReplied
	}
	r.byID[id] = o
	return nil
}

func (r *fakeEmails) ReleaseReply(_ context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	o := r.byID[id]
	o.RepliedAt = nil
	if o.Status == domain.EmailReplied {
		o.Status = domain.EmailSubmitted
	}
	r.byID[id] = o
	return nil
}

func (r *fakeEmails) all() []domain.InboundEmail {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []domain.InboundEmail
	for _, o := range r.byID {
		out = append(out, o)
	}
	return out
}

// fakeInbox finds users of fakeUsers by inbox token.
type fakeInbox struct{ users *fakeUsers }

func (f fakeInbox) GetUserByInboxToken(_ context.Context, token string) (*domain.User, error) {
	f.users.mu.Lock()
	defer f.users.mu.Unlock()
	for _, u := range f.users.byID {
		if u.InboxToken == token && token != "" {
			return &u, nil
		}
	}
	return nil, domain.ErrNotFound
}

// fakeMailer records sent e-mails; fail makes Send fail.
type fakeMailer struct {
	mu   sync.Mutex
	sent []domain.OutgoingEmail
	fail error
}

func (m *fakeMailer) Send(_ context.Context, e *domain.OutgoingEmail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.sent = append(m.sent, *e)
	return nil
}

func (m *fakeMailer) messages() []domain.OutgoingEmail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]domain.OutgoingEmail(nil), m.sent...)
}

// statementReader accepts what looks like an OFX or CSV statement and
// returns the sample statements; anything else is unsupported.
type statementReader struct{ stmts []domain.Statement }

func (r statementReader) Read(_ context.Context, in domain.Input) ([]domain.Statement, error) {
	if !bytes.Contains(in.Data, []byte("OFX")) && !bytes.Contains(in.Data, []byte("Data")) && !bytes.Contains(in.Data, []byte("data")) {
		return nil, domain.Errorf(domain.CodeUnsupported, "Formato de arquivo não reconhecido.")
	}
	return append([]domain.Statement(nil), r.stmts...), nil
}

// allJobs lists the jobs of a fakeJobs.
func allJobs(r *fakeJobs) []domain.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]domain.Job, 0, len(r.jobs))
	for _, j := range r.jobs {
		out = append(out, j)
	}
	return out
}
