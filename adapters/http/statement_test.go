package web

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

func TestUpload(t *testing.T) {
	e := newTestEnv(t)
	token, u := e.user("bia@example.com")

	rec := e.upload(token, `C:\Users\bia\Documents\extrato janeiro.ofx`, sampleOFX("up"))
	if rec.Code != nethttp.StatusAccepted {
		t.Fatalf("status = %d, want 202; body %s", rec.Code, rec.Body)
	}
	got := decode[jobEnvelope](t, rec)
	j := got.Job
	if got.Duplicate || j.Status != domain.JobQueued || j.Source != domain.SourceUpload {
		t.Errorf("answer = %+v", got)
	}
	if j.OriginalFilename != "extrato janeiro.ofx" {
		t.Errorf("original_filename = %q, want the base name only", j.OriginalFilename)
	}
	if j.FileSize != int64(len(sampleOFX("up"))) {
		t.Errorf("file_size = %d, want %d", j.FileSize, len(sampleOFX("up")))
	}
	if loc := rec.Header().Get("Location"); loc != "/api/v1/jobs/"+j.ID {
		t.Errorf("Location = %q", loc)
	}
	stored, err := e.store.GetJob(t.Context(), j.ID)
	if err != nil || stored.UserID != u.ID {
		t.Fatalf("stored job %+v, %v", stored, err)
	}
	if len(e.queue.ids) != 1 || e.queue.ids[0] != j.ID {
		t.Errorf("queue = %v, want the job id", e.queue.ids)
	}
}

func TestUploadDuplicate(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	first := decode[jobEnvelope](t, e.upload(token, "a.ofx", sampleOFX("same")))

	rec := e.upload(token, "renamed.ofx", sampleOFX("same"))
	if rec.Code != nethttp.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
	}
	got := decode[jobEnvelope](t, rec)
	if !got.Duplicate || got.Job.ID != first.Job.ID {
		t.Errorf("duplicate answer = %+v, want duplicate of %s", got, first.Job.ID)
	}
	if n := e.files.count(); n != 1 {
		t.Errorf("%d stored files, want 1 (the duplicate is not kept)", n)
	}
}

func TestUploadBankField(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("bank", "bradesco")
	_ = mw.WriteField("comment", "ignored")
	fw, _ := mw.CreateFormFile("file", "x.ofx")
	_, _ = fw.Write(sampleOFX("bank"))
	_ = mw.Close()
	rec := e.request("POST", "/api/v1/statements", token, &buf, mw.FormDataContentType())
	if rec.Code != nethttp.StatusAccepted {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	j, _ := e.store.GetJob(t.Context(), decode[jobEnvelope](t, rec).Job.ID)
	if j.BankHint != "bradesco" {
		t.Errorf("bank hint = %q, want bradesco", j.BankHint)
	}
}

func TestUploadErrors(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")

	t.Run("no file field", func(t *testing.T) {
		body, ct := multipartBody(t, "arquivo", "a.ofx", sampleOFX("x"))
		rec := e.request("POST", "/api/v1/statements", token, body, ct)
		wantError(t, rec, nethttp.StatusBadRequest, domain.CodeInvalid, "Nenhum arquivo enviado")
	})
	t.Run("empty multipart", func(t *testing.T) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.Close()
		rec := e.request("POST", "/api/v1/statements", token, &buf, mw.FormDataContentType())
		wantError(t, rec, nethttp.StatusBadRequest, domain.CodeInvalid, "campo \"file\"")
	})
	t.Run("not multipart", func(t *testing.T) {
		rec := e.request("POST", "/api/v1/statements", token, strings.NewReader("OFXHEADER"), "application/octet-stream")
		wantError(t, rec, nethttp.StatusUnsupportedMediaType, domain.CodeUnsupported, "multipart/form-data")
	})
	t.Run("empty file", func(t *testing.T) {
		body, ct := multipartBody(t, "file", "a.ofx", nil)
		rec := e.request("POST", "/api/v1/statements", token, body, ct)
		wantError(t, rec, nethttp.StatusBadRequest, domain.CodeInvalid, "")
	})
	t.Run("truncated multipart", func(t *testing.T) {
		body, ct := multipartBody(t, "file", "a.ofx", sampleOFX("cut"))
		cut := body.Bytes()[:body.Len()-20]
		rec := e.request("POST", "/api/v1/statements", token, bytes.NewReader(cut), ct)
		if rec.Code < 400 || rec.Code >= 500 {
			t.Fatalf("status %d, want a 4xx; body %s", rec.Code, rec.Body)
		}
	})
}

// TestUploadTooLarge sends bodies past the absolute cap. The cap is checked
// while streaming, so a body without Content-Length is cut as well.
func TestUploadTooLarge(t *testing.T) {
	const capBytes = 256 << 10
	e := newTestEnv(t, func(d *Deps) { d.MaxUploadBytes = capBytes })
	token, u := e.user("bia@example.com")
	e.setTier(u.ID, domain.TierEnterprise) // the plan allows 100 MB: only the cap stops it
	big := append(sampleOFX("big"), bytes.Repeat([]byte("A"), capBytes+multipartSlack)...)

	t.Run("announced by Content-Length", func(t *testing.T) {
		rec := e.upload(token, "big.ofx", big)
		wantError(t, rec, nethttp.StatusRequestEntityTooLarge, domain.CodeInvalid, "limite de 256 KB")
	})
	t.Run("streamed without Content-Length", func(t *testing.T) {
		body, ct := multipartBody(t, "file", "big.ofx", big)
		req := httptest.NewRequest("POST", "/api/v1/statements", io.NopCloser(body))
		req.ContentLength = -1
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := serve(e.handler, req)
		wantError(t, rec, nethttp.StatusRequestEntityTooLarge, domain.CodeInvalid, "limite")
	})
	if n := e.files.count(); n != 0 {
		t.Errorf("%d files stored from refused uploads, want 0", n)
	}
	if n := len(e.queue.ids); n != 0 {
		t.Errorf("%d jobs enqueued from refused uploads, want 0", n)
	}
}

// TestUploadPlanLimits checks that the application's plan limits reach the
// client with their status and message.
func TestUploadPlanLimits(t *testing.T) {
	e := newTestEnv(t)
	token, _ := e.user("bia@example.com")

	t.Run("file over the free plan's size", func(t *testing.T) {
		big := append(sampleOFX("big"), bytes.Repeat([]byte("A"), 6<<20)...)
		rec := e.upload(token, "big.ofx", big)
		wantError(t, rec, nethttp.StatusRequestEntityTooLarge, domain.CodeQuota, "5 MB")
	})
	t.Run("unknown bank hint", func(t *testing.T) {
		body, ct := multipartBody(t, "file", "a.ofx", sampleOFX("hint"))
		rec := e.request("POST", "/api/v1/statements?bank=banco-imaginario", token, body, ct)
		wantError(t, rec, nethttp.StatusBadRequest, domain.CodeInvalid, "")
	})
	t.Run("concurrent jobs", func(t *testing.T) {
		for i := 0; ; i++ {
			rec := e.upload(token, "a.ofx", sampleOFX(fmt.Sprint("c", i)))
			if rec.Code == nethttp.StatusAccepted {
				if i > 10 {
					t.Fatal("no concurrency limit on the free plan")
				}
				continue
			}
			wantError(t, rec, nethttp.StatusTooManyRequests, domain.CodeQuota, "")
			break
		}
	})
}

// TestUploadStreams proves the upload is handed to the file store while the
// client is still sending it: the test withholds the end of the body until
// the store has read the first half. A handler that buffered the whole
// upload first would never let that happen.
func TestUploadStreams(t *testing.T) {
	e := newTestEnv(t)
	token, u := e.user("bia@example.com")
	e.setTier(u.ID, domain.TierEnterprise)
	const half = 1 << 20
	storeReadHalf := make(chan struct{})
	var once sync.Once
	e.files.progress = func(n int64) {
		if n >= half {
			once.Do(func() { close(storeReadHalf) })
		}
	}

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req := httptest.NewRequest("POST", "/api/v1/statements", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	done := make(chan *httptest.ResponseRecorder)
	go func() { done <- serve(e.handler, req) }()

	fw, err := mw.CreateFormFile("file", "grande.ofx")
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("A"), 64<<10)
	total, _ := fw.Write(sampleOFX("stream"))
	for total < half+len(chunk) {
		n, err := fw.Write(chunk)
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	select {
	case <-storeReadHalf:
	case rec := <-done:
		t.Fatalf("handler answered %d before the upload ended: %s", rec.Code, rec.Body)
	case <-time.After(30 * time.Second): // a deadlock guard, not a speed requirement
		t.Fatal("the file store saw nothing while the client was still sending: the upload is buffered")
	}
	n, _ := fw.Write(chunk)
	total += n
	_ = mw.Close()
	_ = pw.Close()
	rec := <-done
	if rec.Code != nethttp.StatusAccepted {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if size := decode[jobEnvelope](t, rec).Job.FileSize; size != int64(total) {
		t.Errorf("file_size = %d, want the whole upload, %d", size, total)
	}
}
