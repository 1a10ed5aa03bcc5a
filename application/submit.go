package application

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"path"
	"strings"
	"unicode"

	"github.com/google/uuid"

	"github.com/bankflow/bankflow/domain"
)

// SubmitInput is one statement file handed in through a channel.
type SubmitInput struct {
	User           *domain.User
	Source         domain.JobSource
	Filename       string
	ContentType    string
	BankHint       string // a bank slug forced by the user, "" to detect
	EmailMessageID string
	Body           io.Reader
}

// SubmitResult is the job a submission produced or found.
type SubmitResult struct {
	Job *domain.Job
	// Duplicate: the same bytes were already submitted by this user; Job is
	// the existing job and nothing is processed again.
	Duplicate bool
}

// Submit checks the user's plan, stores the file encrypted and queues a job
// for it. Errors: CodeForbidden for a channel the plan lacks; CodeQuota for
// the monthly or concurrent-job limit or a file above the plan's size;
// CodeInvalid for an empty or oversized file or a bad bank hint;
// CodeUnavailable when storage or database fail (nothing is left behind).
func (s *Jobs) Submit(ctx context.Context, in SubmitInput) (*SubmitResult, error) {
	u := in.User
	if u == nil || !u.Active {
		return nil, domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	if in.Body == nil {
		return nil, domain.Errorf(domain.CodeInvalid, "Nenhum arquivo enviado.")
	}
	hint := strings.ToLower(strings.TrimSpace(in.BankHint))
	if hint != "" && !knownBank(hint) {
		return nil, domain.Errorf(domain.CodeInvalid, "Banco desconhecido: %q.", in.BankHint)
	}
	limits := limitsFor(s.d.Limits, u.Tier)
	if err := channelAllowed(in.Source, u.Tier, limits, s.d.Limits); err != nil {
		return nil, err
	}
	if err := s.checkQuota(ctx, u, limits); err != nil {
		return nil, err
	}

	fileID, size, sum, err := s.store(ctx, in.Body, limits, u.Tier)
	if err != nil {
		return nil, err
	}

	if dup, err := s.duplicate(ctx, u.ID, sum); err != nil || dup != nil {
		s.discard(ctx, fileID)
		if err != nil {
			return nil, err
		}
		return &SubmitResult{Job: dup, Duplicate: true}, nil
	}

	now := s.d.Now().UTC()
	j := &domain.Job{
		ID:               uuid.NewString(),
		UserID:           u.ID,
		Source:           in.Source,
		OriginalFilename: cleanFilename(in.Filename),
		FileSize:         size,
		FileHash:         sum,
		ContentType:      truncate(strings.TrimSpace(in.ContentType), 200),
		BankHint:         hint,
		Status:           domain.JobQueued,
		InputFileID:      fileID,
		EmailMessageID:   truncate(in.EmailMessageID, 998),
		CreatedAt:        now,
		ExpiresAt:        now.Add(limits.Retention),
		Retention:        limits.Retention,
	}
	if err := s.d.Jobs.CreateJob(ctx, j); err != nil {
		s.discard(ctx, fileID)
		if domain.ErrorCode(err) == domain.CodeConflict {
			// Lost a race with an identical submission: report that one.
			if dup, derr := s.duplicate(ctx, u.ID, sum); derr == nil && dup != nil {
				return &SubmitResult{Job: dup, Duplicate: true}, nil
			}
		}
		s.d.Log.Error("create job", "user", u.ID, "err", err)
		return nil, domain.Wrap(domain.CodeUnavailable, err, msgUnavailable)
	}
	s.d.Metrics.JobSubmitted(string(in.Source))
	if err := s.d.Queue.Enqueue(ctx, j.ID); err != nil {
		// The job row is the truth: start-up recovery enqueues it again.
		s.d.Log.Warn("enqueue job; it stays queued for recovery", "job", j.ID, "err", err)
	}
	return &SubmitResult{Job: j}, nil
}

// channelAllowed refuses e-mail and API submissions on plans without them.
func channelAllowed(src domain.JobSource, tier domain.Tier, l domain.Limits, all map[domain.Tier]domain.Limits) error {
	switch src {
	case domain.SourceEmail:
		if !l.EmailIngestion {
			return domain.Errorf(domain.CodeForbidden,
				"O envio de extratos por e-mail não está incluído no plano %s. %s Você também pode enviar o arquivo pelo site.",
				tier.Label(), wayUp(all, tier, func(l domain.Limits) bool { return l.EmailIngestion }))
		}
	case domain.SourceAPI:
		if !l.API {
			return domain.Errorf(domain.CodeForbidden,
				"O acesso pela API não está incluído no plano %s. %s Você também pode enviar o arquivo pelo site.",
				tier.Label(), wayUp(all, tier, func(l domain.Limits) bool { return l.API }))
		}
	case domain.SourceUpload, domain.SourceCLI:
	default:
		return domain.Errorf(domain.CodeInvalid, "Canal de envio desconhecido.")
	}
	return nil
}

// checkQuota enforces the monthly file count and the concurrent-job limit.
func (s *Jobs) checkQuota(ctx context.Context, u *domain.User, l domain.Limits) error {
	if l.FilesPerMonth > 0 {
		n, err := s.d.Jobs.CountJobsSince(ctx, u.ID, monthStart(s.d.Now()))
		if err != nil {
			return unavailable(err)
		}
		if n >= l.FilesPerMonth {
			return domain.Errorf(domain.CodeQuota,
				"Você usou os %d arquivos do mês do plano %s. %s Ou aguarde o início do próximo mês.",
				l.FilesPerMonth, u.Tier.Label(), wayUp(s.d.Limits, u.Tier, func(n domain.Limits) bool {
					return n.FilesPerMonth == 0 || n.FilesPerMonth > l.FilesPerMonth
				}))
		}
	}
	if l.ConcurrentJobs > 0 {
		n, err := s.d.Jobs.CountActiveJobs(ctx, u.ID)
		if err != nil {
			return unavailable(err)
		}
		if n >= l.ConcurrentJobs {
			return domain.Errorf(domain.CodeQuota,
				"Você já tem %d arquivos em processamento, o limite do plano %s. Aguarde algum terminar e envie de novo.",
				n, u.Tier.Label())
		}
	}
	return nil
}

// store streams body into the file store through a size limit while hashing
// it. A file over the limit or empty is deleted and refused.
func (s *Jobs) store(ctx context.Context, body io.Reader, l domain.Limits, tier domain.Tier) (id string, size int64, sum string, err error) {
	limit := s.d.MaxInputBytes
	byPlan := l.MaxFileBytes > 0 && l.MaxFileBytes < limit
	if byPlan {
		limit = l.MaxFileBytes
	}
	lr := &limitReader{r: body, left: limit, h: sha256.New()}
	id, _, err = s.d.Files.Put(ctx, lr)
	if lr.over {
		if id != "" {
			s.discard(ctx, id)
		}
		if byPlan {
			return "", 0, "", domain.Errorf(domain.CodeQuota,
				"O arquivo passa do limite de %s do plano %s. Divida o extrato em períodos menores. %s",
				sizeLabel(limit), tier.Label(), wayUp(s.d.Limits, tier, func(n domain.Limits) bool { return n.MaxFileBytes > limit }))
		}
		return "", 0, "", domain.Errorf(domain.CodeInvalid,
			"O arquivo passa do limite de %s. Divida o extrato em períodos menores.", sizeLabel(limit))
	}
	if err != nil {
		if id != "" {
			s.discard(ctx, id)
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return "", 0, "", err
		}
		s.d.Log.Error("store upload", "err", err)
		return "", 0, "", domain.Wrap(domain.CodeUnavailable, err, "Não foi possível guardar o arquivo agora. Tente novamente em instantes.")
	}
	if lr.n == 0 {
		s.discard(ctx, id)
		return "", 0, "", domain.Errorf(domain.CodeInvalid, "O arquivo está vazio.")
	}
	return id, lr.n, hex.EncodeToString(lr.h.Sum(nil)), nil
}

// duplicate returns the user's existing live job for the same bytes, nil when
// there is none. A cancelled job does not count: the user wants it again.
func (s *Jobs) duplicate(ctx context.Context, userID, sum string) (*domain.Job, error) {
	j, err := s.d.Jobs.FindJobByHash(ctx, userID, sum)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, unavailable(err)
	}
	if j.Status == domain.JobCancelled || j.Status == domain.JobFailed {
		return nil, nil
	}
	return j, nil
}

// discard deletes a stored file that must not stay, logging a failure (the
// file is encrypted and unreferenced; it is only wasted space).
func (s *Jobs) discard(ctx context.Context, id string) {
	if id == "" {
		return
	}
	if err := s.d.Files.Delete(context.WithoutCancel(ctx), id); err != nil {
		s.d.Log.Error("delete stored file", "file", id, "err", err)
	}
}

// errTooLarge stops a store write once the size limit is passed.
var errTooLarge = errors.New("input exceeds size limit")

// limitReader passes at most left bytes, fails once more arrive, and hashes
// and counts what it passes.
type limitReader struct {
	r    io.Reader
	left int64
	n    int64
	h    hash.Hash
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.over {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if int64(n) > l.left {
		l.over = true
		return 0, errTooLarge
	}
	l.left -= int64(n)
	l.n += int64(n)
	l.h.Write(p[:n])
	return n, err
}

// cleanFilename keeps the base name of what the user sent, without control
// characters, at most 255 bytes. It is only ever displayed.
func cleanFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == "" {
		return "extrato"
	}
	return truncate(name, 255)
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

func knownBank(slug string) bool {
	switch slug {
	case domain.BankItau, domain.BankBradesco, domain.BankBB, domain.BankCaixa, domain.BankSantander,
		domain.BankNubank, domain.BankInter, domain.BankC6, domain.BankSicoob, domain.BankSicredi, domain.BankBTG:
		return true
	}
	return false
}

// sizeLabel renders a byte limit for users: "5 MB", "512 KB".
func sizeLabel(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
