package application

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// The in-memory job and transaction repository, split from fake_test.go.

// fakeJobs is a JobRepository and a TransactionRepository.
type fakeJobs struct {
	mu        sync.Mutex
	jobs      map[string]domain.Job
	txs       map[string][]domain.StoredTransaction
	createErr error
	claimErr  error
	onClaim   func(id string) // called after a successful claim, unlocked
	completes int             // successful CompleteJob calls
}

func newFakeJobs() *fakeJobs {
	return &fakeJobs{jobs: map[string]domain.Job{}, txs: map[string][]domain.StoredTransaction{}}
}

func (r *fakeJobs) CreateJob(_ context.Context, j *domain.Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.createErr != nil {
		return r.createErr
	}
	if _, ok := r.jobs[j.ID]; ok {
		return domain.ErrConflict
	}
	r.jobs[j.ID] = *j
	return nil
}

func (r *fakeJobs) GetJob(_ context.Context, id string) (*domain.Job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j, ok := r.jobs[id]
	if !ok {
		return nil, domain.ErrNotFound
	}
	return &j, nil
}

func (r *fakeJobs) ListJobs(_ context.Context, f domain.JobFilter) ([]domain.Job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []domain.Job
	for _, j := range r.jobs {
		if (f.UserID == "" || j.UserID == f.UserID) && (f.Status == "" || j.Status == f.Status) {
			out = append(out, j)
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if !out[a].CreatedAt.Equal(out[b].CreatedAt) {
			return out[a].CreatedAt.After(out[b].CreatedAt)
		}
		return out[a].ID < out[b].ID
	})
	if f.Offset >= len(out) {
		return nil, nil
	}
	out = out[f.Offset:]
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func (r *fakeJobs) FindJobByHash(_ context.Context, userID, hash string) (*domain.Job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var best *domain.Job
	for _, j := range r.jobs {
		if j.UserID == userID && j.FileHash == hash && j.Status != domain.JobFailed {
			if best == nil || j.CreatedAt.After(best.CreatedAt) {
				j := j
				best = &j
			}
		}
	}
	if best == nil {
		return nil, domain.ErrNotFound
	}
	return best, nil
}

func (r *fakeJobs) CountJobsSince(_ context.Context, userID string, since time.Time) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, j := range r.jobs {
		if j.UserID == userID && !j.CreatedAt.Before(since) {
			n++
		}
	}
	return n, nil
}

func (r *fakeJobs) CountActiveJobs(_ context.Context, userID string) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, j := range r.jobs {
		if j.UserID == userID && !j.Status.Final() {
			n++
		}
	}
	return n, nil
}

func (r *fakeJobs) ClaimJob(_ context.Context, id string, now time.Time) (*domain.Job, error) {
	r.mu.Lock()
	if r.claimErr != nil {
		r.mu.Unlock()
		return nil, r.claimErr
	}
	j, ok := r.jobs[id]
	if !ok {
		r.mu.Unlock()
		return nil, domain.ErrNotFound
	}
	if j.Status != domain.JobQueued {
		r.mu.Unlock()
		return nil, domain.ErrConflict
	}
	j.Status, j.StartedAt = domain.JobProcessing, &now
	j.Attempts++
	r.jobs[id] = j
	hook := r.onClaim
	r.mu.Unlock()
	if hook != nil {
		hook(id)
	}
	return &j, nil
}

func (r *fakeJobs) UpdateProgress(_ context.Context, id string, p int) error {
	return r.update(id, func(j *domain.Job) error {
		if j.Status != domain.JobProcessing {
			return domain.ErrConflict
		}
		j.Progress = p
		return nil
	})
}

func (r *fakeJobs) CompleteJob(_ context.Context, id string, res domain.JobResult, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	j, ok := r.jobs[id]
	if !ok {
		return domain.ErrNotFound
	}
	if j.Status != domain.JobProcessing {
		return domain.ErrConflict
	}
	var stored []domain.StoredTransaction
	j.Reconciliation, j.Difference = domain.ReconBalanced, 0
	for _, st := range res.Statements {
		for _, t := range st.Transactions {
			stored = append(stored, domain.StoredTransaction{Transaction: t, ID: int64(len(stored) + 1), JobID: id,
				UserID: j.UserID, Seq: len(stored), Account: st.Account.Number, Bank: st.Bank})
		}
		switch st.Reconciliation.Status {
		case domain.ReconMismatch:
			j.Reconciliation = domain.ReconMismatch
			j.Difference += st.Reconciliation.Difference
		case domain.ReconUnknown:
			if j.Reconciliation == domain.ReconBalanced {
				j.Reconciliation = domain.ReconUnknown
			}
		}
	}
	r.txs[id] = stored
	j.Status, j.Progress, j.CompletedAt = domain.JobCompleted, 100, &now
	j.DetectedBank, j.Format, j.OutputFileID, j.Summary = res.DetectedBank, res.Format, res.OutputFileID, res.Summary
	j.TransactionCount = len(stored)
	r.jobs[id] = j
	r.completes++
	return nil
}

func (r *fakeJobs) FailJob(_ context.Context, id, message string, now time.Time) error {
	return r.update(id, func(j *domain.Job) error {
		if j.Status.Final() {
			return domain.ErrConflict
		}
		j.Status, j.ErrorMessage, j.CompletedAt = domain.JobFailed, message, &now
		return nil
	})
}

func (r *fakeJobs) CancelJob(_ context.Context, id string, now time.Time) error {
	return r.update(id, func(j *domain.Job) error { return j.Cancel(now) })
}

func (r *fakeJobs) RequeueJob(_ context.Context, id string) error {
	return r.update(id, func(j *domain.Job) error {
		if j.Status != domain.JobProcessing {
			return domain.ErrConflict
		}
		j.Status, j.Progress, j.StartedAt = domain.JobQueued, 0, nil
		return nil
	})
}

func (r *fakeJobs) DeleteJob(_ context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.jobs[id]; !ok {
		return domain.ErrNotFound
	}
	delete(r.jobs, id)
	delete(r.txs, id)
	return nil
}

func (r *fakeJobs) UnfinishedJobs(context.Context) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for id, j := range r.jobs {
		if !j.Status.Final() {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

func (r *fakeJobs) ExpiredFiles(_ context.Context, now time.Time, limit int) ([]domain.Job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []domain.Job
	for _, j := range r.jobs {
		if j.FileDeletedAt == nil && j.InputFileID != "" && !j.ExpiresAt.After(now) && len(out) < limit {
			out = append(out, j)
		}
	}
	return out, nil
}

func (r *fakeJobs) MarkFileDeleted(_ context.Context, id string, now time.Time) error {
	return r.update(id, func(j *domain.Job) error {
		j.FileDeletedAt, j.InputFileID, j.OutputFileID = &now, "", ""
		return nil
	})
}

func (r *fakeJobs) SearchTransactions(_ context.Context, q domain.TransactionQuery) ([]domain.StoredTransaction, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var all []domain.StoredTransaction
	for jobID, txs := range r.txs {
		if q.JobID != "" && jobID != q.JobID {
			continue
		}
		for _, t := range txs {
			if t.UserID == q.UserID {
				all = append(all, t)
			}
		}
	}
	sort.Slice(all, func(a, b int) bool { return all[a].Seq < all[b].Seq })
	total := len(all)
	if q.Offset >= total {
		return nil, total, nil
	}
	all = all[q.Offset:]
	if q.Limit > 0 && len(all) > q.Limit {
		all = all[:q.Limit]
	}
	return all, total, nil
}

func (r *fakeJobs) update(id string, f func(*domain.Job) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	j, ok := r.jobs[id]
	if !ok {
		return domain.ErrNotFound
	}
	if err := f(&j); err != nil {
		return err
	}
	r.jobs[id] = j
	return nil
}

func (r *fakeJobs) job(id string) domain.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.jobs[id]
}

func (r *fakeJobs) stored(id string) []domain.StoredTransaction {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]domain.StoredTransaction(nil), r.txs[id]...)
}
