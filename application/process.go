package application

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// Progress marks recorded while a job is processed.
const (
	progressClaimed  = 10
	progressParsed   = 50
	progressExported = 80
)

const msgTryAgain = "Confira se é o extrato exportado pelo banco (OFX, CSV, XLSX ou CNAB 240) e envie novamente."

// Process runs one job: claim, read the stored input, detect and parse,
// reconcile, export the workbook, and complete the job with its transactions
// in one repository call. It is idempotent: a job that is not queued (taken
// by another worker, final, deleted) is left alone and nil returned. A file
// that cannot be read leaves the job failed with a message for the user and
// returns nil. Transient failures (database, file store, cancelled ctx) put
// the job back in the queued state and are returned, so the delivery is
// retried.
func (s *Jobs) Process(ctx context.Context, jobID string) error {
	j, err := s.d.Jobs.ClaimJob(ctx, jobID, s.d.Now().UTC())
	switch domain.ErrorCode(err) {
	case "":
	case domain.CodeConflict, domain.CodeNotFound:
		s.d.Log.Debug("job not claimable; nothing to do", "job", jobID, "err", err)
		return nil
	default:
		return fmt.Errorf("claim job %s: %w", jobID, err)
	}
	log := s.d.Log.With("job", j.ID, "user", j.UserID)
	s.progress(ctx, j.ID, progressClaimed)
	if err := s.testDelay(ctx); err != nil {
		s.release(ctx, j.ID)
		return fmt.Errorf("process job %s: %w", j.ID, err)
	}

	data, msg, err := s.readInput(ctx, j)
	if err != nil {
		s.release(ctx, j.ID)
		return fmt.Errorf("read input of job %s: %w", j.ID, err)
	}
	if msg != "" {
		return s.fail(ctx, j, msg, false)
	}

	stmts, err := s.d.Statements.Read(ctx, domain.Input{Name: j.OriginalFilename, Data: data, Bank: j.BankHint})
	if err != nil {
		if ctx.Err() != nil {
			s.release(ctx, j.ID)
			return fmt.Errorf("parse job %s: %w", j.ID, ctx.Err())
		}
		return s.fail(ctx, j, parseFailure(err, log), true)
	}
	if len(stmts) == 0 {
		return s.fail(ctx, j, "Nenhuma conta ou movimentação foi encontrada neste arquivo. "+msgTryAgain, true)
	}
	s.progress(ctx, j.ID, progressParsed)

	summary, err := encodeSummary(stmts)
	if err != nil {
		return s.fail(ctx, j, "Erro interno ao registrar o resultado deste arquivo. Nossa equipe foi avisada.", false)
	}
	if ctx.Err() != nil {
		s.release(ctx, j.ID)
		return fmt.Errorf("export job %s: %w", j.ID, ctx.Err())
	}
	outID, err := s.writeWorkbook(ctx, stmts)
	if err != nil {
		s.release(ctx, j.ID)
		return fmt.Errorf("export job %s: %w", j.ID, err)
	}
	s.progress(ctx, j.ID, progressExported)

	if ctx.Err() != nil {
		s.discard(ctx, outID)
		s.release(ctx, j.ID)
		return fmt.Errorf("complete job %s: %w", j.ID, ctx.Err())
	}
	res := domain.JobResult{
		Statements:   stmts,
		DetectedBank: stmts[0].Bank,
		Format:       string(stmts[0].Format),
		OutputFileID: outID,
		Summary:      summary,
	}
	err = s.d.Jobs.CompleteJob(ctx, j.ID, res, s.d.Now().UTC())
	switch domain.ErrorCode(err) {
	case "":
	case domain.CodeConflict, domain.CodeNotFound:
		// Cancelled or deleted meanwhile: the result must not exist anywhere.
		s.discard(ctx, outID)
		log.Info("job cancelled during processing; result discarded")
		return nil
	default:
		s.discard(ctx, outID)
		s.release(ctx, j.ID)
		return fmt.Errorf("complete job %s: %w", j.ID, err)
	}
	j.DetectedBank = res.DetectedBank
	s.d.Metrics.JobFinished(string(domain.JobCompleted), bankLabel(j), s.elapsed(j))
	log.Info("job completed", "bank", res.DetectedBank, "format", res.Format, "statements", len(stmts))
	s.notify(ctx, j.ID)
	return nil
}

// testDelay waits ProcessDelay (a test and chaos knob, zero in production)
// or until ctx ends.
func (s *Jobs) testDelay(ctx context.Context) error {
	if s.d.ProcessDelay <= 0 {
		return nil
	}
	t := time.NewTimer(s.d.ProcessDelay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// readInput returns the stored input, or a user message when it is gone or
// too large, or an error for a transient failure.
func (s *Jobs) readInput(ctx context.Context, j *domain.Job) ([]byte, string, error) {
	if j.InputFileID == "" {
		return nil, "O arquivo enviado não está mais disponível (prazo de retenção). Envie-o novamente.", nil
	}
	rc, err := s.d.Files.Open(ctx, j.InputFileID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, "O arquivo enviado não está mais disponível (prazo de retenção). Envie-o novamente.", nil
	}
	if err != nil {
		return nil, "", err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, s.d.MaxInputBytes+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(data)) > s.d.MaxInputBytes {
		return nil, fmt.Sprintf("O arquivo passa do limite de %s. Divida o extrato em períodos menores.", sizeLabel(s.d.MaxInputBytes)), nil
	}
	return data, "", nil
}

// parseFailure turns a reader error into the message the user sees.
func parseFailure(err error, log *slog.Logger) string {
	switch domain.ErrorCode(err) {
	case domain.CodeUnsupported, domain.CodeInvalid:
		return domain.ErrorMessage(err) + " " + msgTryAgain
	}
	log.Error("statement reader failed", "err", err)
	return "Não conseguimos ler este arquivo por um erro interno. Nossa equipe foi avisada; tente novamente mais tarde."
}

// fail marks the job failed with msg, which is final: nil is returned unless
// the database is unreachable (then the job is released for a retry).
func (s *Jobs) fail(ctx context.Context, j *domain.Job, msg string, parse bool) error {
	err := s.d.Jobs.FailJob(ctx, j.ID, msg, s.d.Now().UTC())
	switch domain.ErrorCode(err) {
	case "":
	case domain.CodeConflict, domain.CodeNotFound:
		return nil
	default:
		s.release(ctx, j.ID)
		return fmt.Errorf("fail job %s: %w", j.ID, err)
	}
	if parse {
		s.d.Metrics.ParseFailed(bankLabel(j))
	}
	s.d.Metrics.JobFinished(string(domain.JobFailed), bankLabel(j), s.elapsed(j))
	s.d.Log.Info("job failed", "job", j.ID, "reason", msg)
	s.notify(ctx, j.ID)
	return nil
}

// giveUp marks a job failed after too many deliveries (the worker's delivery
// limit). A job already final is left alone.
func (s *Jobs) giveUp(ctx context.Context, jobID string) error {
	j, err := s.d.Jobs.GetJob(ctx, jobID)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("get job %s: %w", jobID, err)
	case j.Status.Final():
		return nil
	}
	return s.fail(ctx, j, "Não foi possível processar este arquivo após várias tentativas. Envie-o novamente mais tarde; se o problema continuar, fale com o suporte.", false)
}

// writeWorkbook streams the XLSX export of stmts into the file store.
func (s *Jobs) writeWorkbook(ctx context.Context, stmts []domain.Statement) (string, error) {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := s.d.Statements.Export(ctx, pw, domain.ExportXLSX, stmts)
		pw.CloseWithError(err)
		done <- err
	}()
	id, _, err := s.d.Files.Put(ctx, pr)
	pr.CloseWithError(errors.New("file store stopped reading"))
	expErr := <-done
	if err == nil && expErr != nil {
		err = expErr
	}
	if err != nil {
		s.discard(ctx, id)
		return "", err
	}
	return id, nil
}

// progress records progress; a failure only costs the progress bar.
func (s *Jobs) progress(ctx context.Context, id string, p int) {
	if err := s.d.Jobs.UpdateProgress(ctx, id, p); err != nil {
		s.d.Log.Debug("update progress", "job", id, "err", err)
	}
}

// release puts a processing job back to queued so a redelivery can claim it.
func (s *Jobs) release(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.d.Jobs.RequeueJob(ctx, id); err != nil {
		s.d.Log.Warn("requeue job", "job", id, "err", err)
	}
}

// notify tells the owner that the job reached a final state.
func (s *Jobs) notify(ctx context.Context, id string) {
	if s.d.Notifier == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	j, err := s.d.Jobs.GetJob(ctx, id)
	if err != nil {
		s.d.Log.Warn("notify: load job", "job", id, "err", err)
		return
	}
	u, err := s.d.Users.GetUser(ctx, j.UserID)
	if err != nil {
		s.d.Log.Warn("notify: load user", "job", id, "err", err)
		return
	}
	if err := s.d.Notifier.JobFinished(ctx, u, j); err != nil {
		s.d.Log.Warn("notify job finished", "job", id, "err", err)
	}
}
