package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	nethttp "net/http"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

const (
	uploadField   = "file"
	bankField     = "bank"
	maxBankField  = 32
	maxFilenameLn = 255
)

// handleStatementUpload accepts a statement file: POST /api/v1/statements,
// multipart/form-data with the file in the field "file" (and optionally the
// bank slug in a "bank" field sent before it, or ?bank=). The part is streamed
// into Jobs.Submit, never held whole in memory.
//
// 202 {"job": {...}} for a new job; 200 {"job": {...}, "duplicate": true}
// when the user already sent the same bytes; 400 without a file; 413 for a
// file over the plan's or the absolute size; 415 when the body is not
// multipart; other plan limits as the application reports them (403 channel
// not in the plan, 429 monthly files or concurrent jobs used up).
func (s *Server) handleStatementUpload(w nethttp.ResponseWriter, r *nethttp.Request) {
	res, err := s.receiveStatement(w, r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if res.Duplicate {
		writeJSON(w, nethttp.StatusOK, map[string]any{"job": newJobJSON(res.Job), "duplicate": true})
		return
	}
	w.Header().Set("Location", apiPrefix+"/jobs/"+url.PathEscape(res.Job.ID))
	writeJSON(w, nethttp.StatusAccepted, map[string]any{"job": newJobJSON(res.Job), "duplicate": false})
}

// receiveStatement streams the multipart upload of r into Jobs.Submit; the
// API and the upload page share it. Errors the adapter detects itself (no
// file, malformed or cut body, too large) are *statusError; the others come
// from the application.
func (s *Server) receiveStatement(w nethttp.ResponseWriter, r *nethttp.Request) (*application.SubmitResult, error) {
	capBytes := s.maxUpload + multipartSlack
	if r.ContentLength > capBytes {
		return nil, s.tooLarge()
	}
	body := &limitedBody{ReadCloser: nethttp.MaxBytesReader(w, r.Body, capBytes)}
	r.Body = body
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &statusError{nethttp.StatusUnsupportedMediaType, domain.CodeUnsupported,
			"Envie o arquivo como multipart/form-data, no campo \"file\"."}
	}
	bank := r.URL.Query().Get(bankField)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, &statusError{nethttp.StatusBadRequest, domain.CodeInvalid,
				"Nenhum arquivo enviado: anexe o extrato no campo \"file\"."}
		}
		if err != nil {
			if body.tooLarge() {
				return nil, s.tooLarge()
			}
			return nil, &statusError{nethttp.StatusBadRequest, domain.CodeInvalid,
				"Envio multipart malformado: tente enviar o arquivo de novo."}
		}
		switch part.FormName() {
		case bankField:
			b, _ := io.ReadAll(io.LimitReader(part, maxBankField))
			bank = strings.TrimSpace(string(b))
		case uploadField:
			return s.submitPart(r, part, bank, body)
		}
		// Other fields are skipped; NextPart discards their rest, bounded
		// by the body cap.
	}
}

// submitPart hands the file part to the application.
func (s *Server) submitPart(r *nethttp.Request, part *multipart.Part, bank string, body *limitedBody) (*application.SubmitResult, error) {
	filename, contentType := part.FileName(), part.Header.Get("Content-Type")
	in := &partReader{r: part}
	res, err := s.jobs.Submit(r.Context(), application.SubmitInput{
		User:        User(r.Context()),
		Source:      uploadSource(r),
		Filename:    cleanFilename(filename),
		ContentType: contentType,
		BankHint:    bank,
		Body:        in,
	})
	if err == nil {
		return res, nil
	}
	switch {
	case body.tooLarge():
		return nil, s.tooLarge()
	case in.cutShort() && (domain.ErrorCode(err) == domain.CodeQuota || domain.ErrorCode(err) == domain.CodeInvalid):
		// The application stopped reading mid-file: the file is over
		// the plan's (or the absolute) size. Its message names the limit;
		// the status says "too large" rather than "too many requests".
		return nil, &statusError{nethttp.StatusRequestEntityTooLarge, domain.ErrorCode(err), domain.ErrorMessage(err)}
	case in.err != nil:
		// The upload itself broke (cut connection, malformed
		// multipart): the client's problem, not the file store's.
		return nil, &statusError{nethttp.StatusBadRequest, domain.CodeInvalid,
			"O envio foi interrompido ou veio malformado: tente enviar o arquivo de novo."}
	}
	return nil, err
}

func (s *Server) tooLarge() error {
	return &statusError{nethttp.StatusRequestEntityTooLarge, domain.CodeInvalid,
		fmt.Sprintf("O arquivo passa do limite de %s por envio.", formatSize(s.maxUpload))}
}

// formatSize renders a byte limit for people: "100 MB", "256 KB".
func formatSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}

// uploadSource is the channel of an API upload. With an API token it is the
// API (a plan feature); with a session token from login it is the same
// upload the browser does, allowed on every plan.
func uploadSource(r *nethttp.Request) domain.JobSource {
	if m, _ := r.Context().Value(ctxAuthMethod).(authMethod); m == authAPIToken {
		return domain.SourceAPI
	}
	return domain.SourceUpload
}

// limitedBody remembers whether http.MaxBytesReader cut the body, whoever
// read it (the multipart reader, or the application through the part).
type limitedBody struct {
	io.ReadCloser
	hit bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && isBodyTooLarge(err) {
		b.hit = true
	}
	return n, err
}

func (b *limitedBody) tooLarge() bool { return b.hit }

// partReader follows how the application read the uploaded part: how far,
// whether to its end, and the first error other than that end.
type partReader struct {
	r   io.Reader
	n   int64
	eof bool
	err error
}

func (p *partReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	switch {
	case errors.Is(err, io.EOF):
		p.eof = true
	case err != nil && p.err == nil:
		p.err = err
	}
	return n, err
}

// cutShort reports that reading began but stopped before the end of the
// file without a read error: the reader hit a size limit.
func (p *partReader) cutShort() bool { return p.n > 0 && !p.eof && p.err == nil }

// cleanFilename keeps the base name of what the client sent, without
// control characters, bounded in length. It is shown to the user and used
// to name downloads, never to name anything on disk.
func cleanFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == "/" || name == ".." {
		name = ""
	}
	for len(name) > maxFilenameLn {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}
