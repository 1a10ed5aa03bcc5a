package application

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/domain"
)

func TestProcessCompletesWithTransactionsReconciliationAndWorkbook(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	j := e.completed(t, u, "STMT itau janeiro")

	if j.TransactionCount != 3 || j.DetectedBank != domain.BankItau || j.Format != "ofx" || j.Progress != 100 {
		t.Fatalf("completed job %+v", j)
	}
	if !e.files.has(j.OutputFileID) || !e.files.has(j.InputFileID) {
		t.Fatal("workbook not stored or input not kept until retention")
	}
	rc, _ := e.files.Open(ctx, j.OutputFileID)
	wb, _ := io.ReadAll(rc)
	if !strings.HasPrefix(string(wb), "xlsx itau 12345-6\n2024-01-02;-150.00;PIX ENVIADO JOAO\n") {
		t.Fatalf("workbook content %q", wb)
	}

	var sums []map[string]any
	if err := json.Unmarshal(j.Summary, &sums); err != nil || len(sums) != 2 {
		t.Fatalf("summary %s: %v", j.Summary, err)
	}
	recon := sums[0]["reconciliation"].(map[string]any)
	if recon["status"] != "balanced" || sums[0]["opening_balance"] != "1000.00" || sums[0]["closing_balance"] != "1234.56" {
		t.Fatalf("summary of the checking account %v", sums[0])
	}
	if sums[1]["opening_balance"] != nil || sums[1]["reconciliation"].(map[string]any)["status"] != "unknown" {
		t.Fatalf("summary of the savings account %v", sums[1])
	}
	if _, has := sums[0]["transactions"]; has {
		t.Fatal("summary carries the transactions")
	}

	if len(e.notifier.jobs) != 1 || e.notifier.jobs[0].Status != domain.JobCompleted {
		t.Fatalf("notifications %+v", e.notifier.jobs)
	}
}

func TestStatementsRebuiltFromStorageMatchTheParse(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	j := e.completed(t, u, "STMT itau janeiro")
	want, err := e.jobs.d.Statements.Read(ctx, domain.Input{Data: []byte("STMT")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.jobs.Statements(ctx, u, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d statements, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		for k := range w.Transactions {
			w.Transactions[k].Line, g.Transactions[k].Line = 0, 0 // source lines are not stored
		}
		wj, _ := json.Marshal(w)
		gj, _ := json.Marshal(g)
		if string(wj) != string(gj) {
			t.Errorf("statement %d rebuilt as\n%s\nwant\n%s", i, gj, wj)
		}
	}
}

func TestProcessUnsupportedFileFailsWithAMessageAndKeepsInput(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	j := e.submit(t, u, "%PDF-1.4 not a statement")
	if err := e.jobs.Process(ctx, j.ID); err != nil {
		t.Fatalf("a bad file is final, not an error: %v", err)
	}
	got := e.repo.job(j.ID)
	if got.Status != domain.JobFailed {
		t.Fatalf("status %s", got.Status)
	}
	if !strings.Contains(got.ErrorMessage, "não reconhecido") || !strings.Contains(got.ErrorMessage, "envie novamente") {
		t.Fatalf("message %q does not say what happened and what to do", got.ErrorMessage)
	}
	if !e.files.has(got.InputFileID) || got.OutputFileID != "" || e.files.count() != 1 {
		t.Fatal("input must be kept and no output written")
	}
	_, err := e.jobs.Statements(ctx, u, j.ID)
	wantCode(t, err, domain.CodeConflict)
	if domain.ErrorMessage(err) != got.ErrorMessage {
		t.Errorf("statements of a failed job: %q", domain.ErrorMessage(err))
	}
	if len(e.notifier.jobs) != 1 || e.notifier.jobs[0].Status != domain.JobFailed {
		t.Fatalf("notifications %+v", e.notifier.jobs)
	}
}

func TestProcessTwiceIsANoOp(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	j := e.completed(t, u, "STMT x")
	if err := e.jobs.Process(ctx, j.ID); err != nil {
		t.Fatalf("second delivery: %v", err)
	}
	if e.repo.completes != 1 || e.reader.reads != 1 {
		t.Fatalf("completed %d times, read %d times", e.repo.completes, e.reader.reads)
	}
	if n := len(e.repo.stored(j.ID)); n != 3 {
		t.Fatalf("%d stored transactions, want 3", n)
	}
	if e.files.count() != 2 {
		t.Fatalf("%d stored files, want input and one workbook", e.files.count())
	}
}

func TestProcessCancelledMeanwhileWritesNothing(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	j := e.submit(t, u, "STMT x")
	e.reader.onRead = func(context.Context) {
		if err := e.jobs.Cancel(ctx, u, j.ID); err != nil {
			t.Errorf("cancel: %v", err)
		}
	}
	if err := e.jobs.Process(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	got := e.repo.job(j.ID)
	if got.Status != domain.JobCancelled || got.OutputFileID != "" {
		t.Fatalf("job %+v", got)
	}
	if n := len(e.repo.stored(j.ID)); n != 0 {
		t.Fatalf("%d transactions written for a cancelled job", n)
	}
	if e.files.count() != 1 {
		t.Fatalf("%d files: the workbook of a cancelled job must be deleted", e.files.count())
	}
}

func TestProcessTransientFailuresReturnTheJobToTheQueue(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	j := e.submit(t, u, "STMT x")

	e.repo.claimErr = errDown
	if err := e.jobs.Process(ctx, j.ID); !errors.Is(err, errDown) {
		t.Fatalf("database down at claim: %v", err)
	}
	e.repo.claimErr = nil
	if got := e.repo.job(j.ID); got.Status != domain.JobQueued {
		t.Fatalf("status %s", got.Status)
	}

	e.files.putFails = 1 // the workbook cannot be stored
	if err := e.jobs.Process(ctx, j.ID); err == nil {
		t.Fatal("file store failure not returned")
	}
	if got := e.repo.job(j.ID); got.Status != domain.JobQueued || e.files.count() != 1 {
		t.Fatalf("after a store failure: status %s, %d files", got.Status, e.files.count())
	}
	if err := e.jobs.Process(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	if got := e.repo.job(j.ID); got.Status != domain.JobCompleted {
		t.Fatalf("retry ended %s", got.Status)
	}
}

func TestProcessInputGoneFailsTheJob(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	u := e.addUser(t, domain.TierFree)
	j := e.submit(t, u, "STMT x")
	_ = e.files.Delete(ctx, j.InputFileID)
	if err := e.jobs.Process(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	got := e.repo.job(j.ID)
	if got.Status != domain.JobFailed || !strings.Contains(got.ErrorMessage, "Envie-o novamente") {
		t.Fatalf("job %s %q", got.Status, got.ErrorMessage)
	}
}

func TestProcessUnknownJobIsANoOp(t *testing.T) {
	e := newTestEnv(t)
	if err := e.jobs.Process(context.Background(), "no-such-job"); err != nil {
		t.Fatal(err)
	}
}
