package application

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// zeros is an endless reader: a client that never stops sending.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestSubmitQueuesAJob(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree)
	res, err := e.jobs.Submit(context.Background(), SubmitInput{
		User: u, Source: domain.SourceUpload, Filename: `C:\Users\ana\Downloads\extrato jan.ofx`,
		ContentType: "application/x-ofx", BankHint: "Itau", Body: strings.NewReader("STMT janeiro"),
	})
	if err != nil {
		t.Fatal(err)
	}
	j := e.repo.job(res.Job.ID)
	if res.Duplicate || j.Status != domain.JobQueued || j.UserID != u.ID || j.BankHint != domain.BankItau {
		t.Fatalf("job %+v duplicate=%v", j, res.Duplicate)
	}
	if j.OriginalFilename != "extrato jan.ofx" {
		t.Errorf("filename %q", j.OriginalFilename)
	}
	sum := sha256.Sum256([]byte("STMT janeiro"))
	if j.FileSize != 12 || j.FileHash != hex.EncodeToString(sum[:]) {
		t.Errorf("size %d hash %q", j.FileSize, j.FileHash)
	}
	if want := e.clock.Now().Add(30 * time.Minute); !j.ExpiresAt.Equal(want) {
		t.Errorf("expires %v, want %v (free tier retention)", j.ExpiresAt, want)
	}
	if !e.files.has(j.InputFileID) {
		t.Error("input not stored")
	}
	d, _ := e.queue.Receive(context.Background())
	if d.JobID != j.ID {
		t.Errorf("queued %q, want %q", d.JobID, j.ID)
	}
}

func TestSubmitMonthlyQuota(t *testing.T) {
	e := newTestEnv(t)
	free := e.limits[domain.TierFree]
	free.FilesPerMonth, free.ConcurrentJobs = 3, 0
	e.limits[domain.TierFree] = free
	u := e.addUser(t, domain.TierFree)
	for i := range 3 {
		e.submit(t, u, fmt.Sprintf("STMT %d", i))
	}
	_, err := e.jobs.Submit(context.Background(), SubmitInput{User: u, Source: domain.SourceUpload, Body: strings.NewReader("STMT 4")})
	wantCode(t, err, domain.CodeQuota)
	msg := domain.ErrorMessage(err)
	if !strings.Contains(msg, "3 arquivos") || !strings.Contains(msg, "Gratuito") {
		t.Fatalf("quota message %q does not name the limit and plan", msg)
	}
	if e.files.count() != 3 {
		t.Fatalf("%d files stored, want 3", e.files.count())
	}

	// A new month gives a new quota.
	e.clock.Add(20 * 24 * time.Hour) // 15 March + 20 days = 4 April
	e.submit(t, u, "STMT abril")
}

func TestSubmitConcurrentJobsLimit(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree) // 2 concurrent jobs
	e.submit(t, u, "STMT a")
	e.submit(t, u, "STMT b")
	_, err := e.jobs.Submit(context.Background(), SubmitInput{User: u, Source: domain.SourceUpload, Body: strings.NewReader("STMT c")})
	wantCode(t, err, domain.CodeQuota)
}

func TestSubmitRefusesTooLargeWithoutStoringAnything(t *testing.T) {
	tests := []struct {
		name string
		tier domain.Tier
		body io.Reader
		code domain.Code
		size string
	}{
		{"over the plan's 5 MB", domain.TierFree, io.LimitReader(zeros{}, 5<<20+1), domain.CodeQuota, "5 MB"},
		{"endless body on the free plan", domain.TierFree, zeros{}, domain.CodeQuota, "5 MB"},
		{"over the absolute 2 MB cap", domain.TierEnterprise, io.LimitReader(zeros{}, 2<<20+1), domain.CodeInvalid, "2 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			e.jobs.d.MaxInputBytes = 2 << 20
			if tt.tier == domain.TierFree {
				e.jobs.d.MaxInputBytes = 100 << 20
			}
			u := e.addUser(t, tt.tier)
			_, err := e.jobs.Submit(context.Background(), SubmitInput{User: u, Source: domain.SourceUpload, Body: tt.body})
			wantCode(t, err, tt.code)
			if !strings.Contains(domain.ErrorMessage(err), tt.size) {
				t.Errorf("message %q does not give the limit %s", domain.ErrorMessage(err), tt.size)
			}
			if e.files.count() != 0 || len(e.repo.jobs) != 0 {
				t.Fatalf("left %d files and %d jobs", e.files.count(), len(e.repo.jobs))
			}
		})
	}
}

func TestSubmitAcceptsAFileExactlyAtTheLimit(t *testing.T) {
	e := newTestEnv(t)
	e.jobs.d.MaxInputBytes = 100 << 20
	u := e.addUser(t, domain.TierFree)
	res, err := e.jobs.Submit(context.Background(), SubmitInput{User: u, Source: domain.SourceUpload, Body: io.LimitReader(zeros{}, 5<<20)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Job.FileSize != 5<<20 {
		t.Fatalf("size %d", res.Job.FileSize)
	}
}

func TestSubmitRefusesEmptyFile(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree)
	_, err := e.jobs.Submit(context.Background(), SubmitInput{User: u, Source: domain.SourceUpload, Body: strings.NewReader("")})
	wantCode(t, err, domain.CodeInvalid)
	if e.files.count() != 0 || len(e.repo.jobs) != 0 {
		t.Fatal("empty file left something behind")
	}
}

func TestSubmitDuplicateReturnsTheExistingJob(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	first := e.submit(t, u, "STMT same bytes")
	res, err := e.jobs.Submit(ctx, SubmitInput{User: u, Source: domain.SourceUpload, Filename: "copia.ofx", Body: strings.NewReader("STMT same bytes")})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Duplicate || res.Job.ID != first.ID {
		t.Fatalf("duplicate=%v job %s, want the existing %s", res.Duplicate, res.Job.ID, first.ID)
	}
	if e.files.count() != 1 || len(e.repo.jobs) != 1 {
		t.Fatalf("%d files, %d jobs after a duplicate", e.files.count(), len(e.repo.jobs))
	}
	if depth, _ := e.queue.Depth(ctx); depth != 1 {
		t.Fatalf("queue depth %d, the duplicate must not be queued again", depth)
	}

	// Another user sending the same bytes gets their own job.
	other := e.addUser(t, domain.TierFree)
	if j := e.submit(t, other, "STMT same bytes"); j.ID == first.ID {
		t.Fatal("another user's duplicate shared the job")
	}

	// A cancelled job does not block sending the file again.
	if err := e.jobs.Cancel(ctx, u, first.ID); err != nil {
		t.Fatal(err)
	}
	res, err = e.jobs.Submit(ctx, SubmitInput{User: u, Source: domain.SourceUpload, Body: strings.NewReader("STMT same bytes")})
	if err != nil || res.Duplicate {
		t.Fatalf("resubmit after cancel: duplicate=%v err=%v", res != nil && res.Duplicate, err)
	}
}

func TestSubmitChannelsByPlan(t *testing.T) {
	tests := []struct {
		tier   domain.Tier
		source domain.JobSource
		code   domain.Code
	}{
		{domain.TierFree, domain.SourceEmail, domain.CodeForbidden},
		{domain.TierFree, domain.SourceAPI, domain.CodeForbidden},
		{domain.TierFree, domain.SourceUpload, ""},
		{domain.TierFree, domain.SourceCLI, ""},
		{domain.TierProfessional, domain.SourceEmail, ""},
		{domain.TierProfessional, domain.SourceAPI, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.tier)+"/"+string(tt.source), func(t *testing.T) {
			e := newTestEnv(t)
			u := e.addUser(t, tt.tier)
			_, err := e.jobs.Submit(context.Background(), SubmitInput{User: u, Source: tt.source, Body: strings.NewReader("STMT x")})
			wantCode(t, err, tt.code)
			if tt.code != "" {
				if !strings.Contains(domain.ErrorMessage(err), "Gratuito") {
					t.Errorf("message %q does not name the plan", domain.ErrorMessage(err))
				}
				if e.files.count() != 0 {
					t.Error("refused file was stored")
				}
			}
		})
	}
}

func TestSubmitDatabaseDownLeavesNothingBehind(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree)
	e.repo.createErr = errDown
	_, err := e.jobs.Submit(context.Background(), SubmitInput{User: u, Source: domain.SourceUpload, Body: strings.NewReader("STMT x")})
	wantCode(t, err, domain.CodeUnavailable)
	if !strings.Contains(domain.ErrorMessage(err), "temporariamente indisponível") {
		t.Errorf("message %q", domain.ErrorMessage(err))
	}
	if e.files.count() != 0 {
		t.Fatal("stored file kept after the job could not be created")
	}
}

func TestSubmitFileStoreDown(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree)
	e.files.putErr = errDown
	_, err := e.jobs.Submit(context.Background(), SubmitInput{User: u, Source: domain.SourceUpload, Body: strings.NewReader("STMT x")})
	wantCode(t, err, domain.CodeUnavailable)
	if len(e.repo.jobs) != 0 {
		t.Fatal("job created without its file")
	}
}

func TestSubmitEnqueueFailureIsRecoveredAtStartup(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	e.queue.enqErr = errDown
	j := e.submit(t, u, "STMT x")
	if got := e.repo.job(j.ID); got.Status != domain.JobQueued {
		t.Fatalf("status %s", got.Status)
	}
	e.queue.enqErr = nil
	w := NewWorker(e.jobs, e.queue, e.repo, WorkerConfig{}, e.log)
	if err := w.RecoverUnfinished(ctx); err != nil {
		t.Fatal(err)
	}
	d, _ := e.queue.Receive(ctx)
	if d.JobID != j.ID {
		t.Fatalf("recovered %q", d.JobID)
	}
}

func TestSubmitRefusesUnknownBankHint(t *testing.T) {
	e := newTestEnv(t)
	u := e.addUser(t, domain.TierFree)
	_, err := e.jobs.Submit(context.Background(), SubmitInput{User: u, Source: domain.SourceUpload, BankHint: "banco-x", Body: strings.NewReader("STMT x")})
	wantCode(t, err, domain.CodeInvalid)
}
