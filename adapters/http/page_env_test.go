package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// newPageEnv is the test env with a transaction store that honours the
// search filters and a reader that also makes large statements, so the
// results page's paging, sorting and filtering are exercised for real.
func newPageEnv(tb testing.TB, opts ...envOption) *testEnv {
	tb.Helper()
	e := newTestEnv(tb)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.jobs = application.NewJobs(application.JobsDeps{
		Jobs: e.store, Transactions: searchStore{e.store}, Users: e.store, Files: e.files, Queue: e.queue,
		Statements: application.NewStatements(bulkReader{}, newTestStatementsExporters()...),
		Audit:      e.store, Log: log, Metrics: e.metrics,
	})
	deps := Deps{Accounts: e.accounts, Jobs: e.jobs, Metrics: e.metrics, Log: log}
	for _, o := range opts {
		o(&deps)
	}
	e.handler = NewServer(deps).Handler()
	return e
}

func newTestStatementsExporters() []domain.Exporter {
	var out []domain.Exporter
	for _, f := range exportFormats {
		out = append(out, fakeExporter{format: f})
	}
	return out
}

// bulkReader reads "BULK <n>" as one balanced Bradesco statement of n
// transactions (descriptions "PAGAMENTO <i>", amounts alternating sign),
// with one rejected and one ignored row; anything else goes to fakeReader.
type bulkReader struct{}

func (bulkReader) Read(ctx context.Context, in domain.Input) ([]domain.Statement, error) {
	var n int
	if _, err := fmt.Sscanf(string(in.Data), "BULK %d", &n); err != nil {
		return fakeReader{}.Read(ctx, in)
	}
	st := domain.Statement{Bank: domain.BankBradesco, Format: domain.FormatCSV, Parser: "fake-bulk",
		Account: domain.Account{BankCode: "237", Branch: "1234", Number: "98765-4", Currency: "BRL"},
		Opening: domain.Known(1000000)}
	sum := domain.Money(0)
	for i := 1; i <= n; i++ {
		amt := domain.Money(i * 100)
		if i%2 == 0 {
			amt = -amt
		}
		sum += amt
		st.Transactions = append(st.Transactions, domain.Transaction{
			Date:   domain.Date{Year: 2024, Month: 3, Day: 1 + i%28},
			Amount: amt, Description: fmt.Sprintf("PAGAMENTO %d", i), Line: i + 1})
		st.Rows.Count(domain.RowTransaction, i+1, "", "")
	}
	st.Rows.Count(domain.RowHeader, 1, "", "Data;Histórico;Valor")
	st.Rows.Count(domain.RowIgnored, n+2, "Linha de total", "TOTAL")
	st.Rows.Count(domain.RowRejected, n+3, "Valor ilegível", "05/03/2024;TARIFA;abc")
	st.Warn("Uma linha foi rejeitada.")
	st.Closing = domain.Known(st.Opening.Value + sum)
	st.FillPeriod()
	domain.Reconcile(&st)
	return []domain.Statement{st}, nil
}

// searchStore is memStore with the search filters, sorts and paging a real
// repository applies (text as a case-insensitive substring).
type searchStore struct{ *memStore }

func (s searchStore) SearchTransactions(_ context.Context, q domain.TransactionQuery) ([]domain.StoredTransaction, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []domain.StoredTransaction
	for jobID, txs := range s.txs {
		if q.JobID != "" && jobID != q.JobID {
			continue
		}
		for _, t := range txs {
			switch {
			case t.UserID != q.UserID,
				q.Text != "" && !strings.Contains(strings.ToLower(t.Description), strings.ToLower(q.Text)),
				q.MinAmount != nil && t.Amount < *q.MinAmount,
				q.MaxAmount != nil && t.Amount > *q.MaxAmount,
				!q.From.IsZero() && t.Date.Before(q.From),
				!q.To.IsZero() && t.Date.After(q.To):
				continue
			}
			out = append(out, t)
		}
	}
	less := map[string]func(a, b domain.StoredTransaction) bool{
		"":        func(a, b domain.StoredTransaction) bool { return a.Seq < b.Seq },
		"seq":     func(a, b domain.StoredTransaction) bool { return a.Seq < b.Seq },
		"date":    func(a, b domain.StoredTransaction) bool { return a.Date.Before(b.Date) },
		"-date":   func(a, b domain.StoredTransaction) bool { return a.Date.After(b.Date) },
		"amount":  func(a, b domain.StoredTransaction) bool { return a.Amount < b.Amount },
		"-amount": func(a, b domain.StoredTransaction) bool { return a.Amount > b.Amount },
	}[q.Sort]
	if less == nil {
		return nil, 0, domain.Errorf(domain.CodeInvalid, "Ordenação inválida: %s.", q.Sort)
	}
	sort.SliceStable(out, func(a, b int) bool { return less(out[a], out[b]) })
	total := len(out)
	out = out[min(q.Offset, len(out)):]
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, total, nil
}

// browser is a client with a cookie jar, as a person's browser would be.
type browser struct {
	tb      testing.TB
	h       nethttp.Handler
	cookies map[string]string
}

func (e *testEnv) browser() *browser {
	return &browser{tb: e.tb, h: e.handler, cookies: map[string]string{}}
}

// signedIn is a browser holding the session of a user (registered once per
// test binary, see testEnv.user).
func (e *testEnv) signedIn(email string) (*browser, *domain.User) {
	e.tb.Helper()
	token, u := e.user(email)
	b := e.browser()
	b.cookies[sessionCookie] = token
	return b, u
}

func (b *browser) do(method, target string, body io.Reader, header map[string]string) *httptest.ResponseRecorder {
	b.tb.Helper()
	req := httptest.NewRequest(method, target, body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for k, v := range b.cookies {
		req.AddCookie(&nethttp.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
			continue
		}
		b.cookies[c.Name] = c.Value
	}
	return rec
}

func (b *browser) get(target string) *httptest.ResponseRecorder {
	b.tb.Helper()
	return b.do(nethttp.MethodGet, target, nil, nil)
}

// htmx sends a GET as htmx does, aimed at target.
func (b *browser) htmx(path, target string) *httptest.ResponseRecorder {
	b.tb.Helper()
	return b.do(nethttp.MethodGet, path, nil, map[string]string{"HX-Request": "true", "HX-Target": target})
}

// post submits a url-encoded form; withCSRF adds the token the page would
// have rendered.
func (b *browser) post(target string, form url.Values, withCSRF bool) *httptest.ResponseRecorder {
	b.tb.Helper()
	form = cloneValues(form)
	if withCSRF {
		form.Set(csrfField, b.csrf())
	}
	return b.do(nethttp.MethodPost, target, strings.NewReader(form.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

// csrf is the token pages render for this browser.
func (b *browser) csrf() string {
	if t := b.cookies[sessionCookie]; t != "" {
		return csrfToken(t)
	}
	return csrfToken(b.cookies[csrfCookie])
}

// upload sends a file as app.js does: multipart, CSRF header, HX-Request.
func (b *browser) upload(filename string, content []byte, withCSRF bool) *httptest.ResponseRecorder {
	b.tb.Helper()
	body, ct := multipartBody(b.tb, "file", filename, content)
	h := map[string]string{"Content-Type": ct, "HX-Request": "true"}
	if withCSRF {
		h[csrfHeader] = b.csrf()
	}
	return b.do(nethttp.MethodPost, "/upload", body, h)
}

// jobOf uploads content through the page and processes the job.
func (b *browser) jobOf(e *testEnv, filename string, content []byte) string {
	b.tb.Helper()
	rec := b.upload(filename, content, true)
	if rec.Code != nethttp.StatusAccepted {
		b.tb.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	m := regexp.MustCompile(`data-job-id="([^"]+)"`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		b.tb.Fatalf("no job id in %s", rec.Body)
	}
	_ = e.jobs.Process(context.Background(), m[1]) // a failed job is a result too
	return m[1]
}

// wantPage asserts status, an HTML answer and that every fragment is in the
// body.
func wantPage(tb testing.TB, rec *httptest.ResponseRecorder, status int, fragments ...string) {
	tb.Helper()
	if rec.Code != status {
		tb.Fatalf("status = %d, want %d; body:\n%s", rec.Code, status, clip(rec.Body.String()))
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		tb.Fatalf("Content-Type = %q, want HTML", ct)
	}
	for _, f := range fragments {
		if !strings.Contains(rec.Body.String(), f) {
			tb.Errorf("body lacks %q:\n%s", f, clip(rec.Body.String()))
		}
	}
}

// wantRedirect asserts a 303 to location.
func wantRedirect(tb testing.TB, rec *httptest.ResponseRecorder, location string) {
	tb.Helper()
	if rec.Code != nethttp.StatusSeeOther || rec.Header().Get("Location") != location {
		tb.Fatalf("got %d Location %q, want 303 to %q; body %s", rec.Code, rec.Header().Get("Location"), location, clip(rec.Body.String()))
	}
}

// countRows counts the tbody rows of the table with id.
func countRows(tb testing.TB, html, id string) int {
	tb.Helper()
	i := strings.Index(html, `id="`+id+`"`)
	if i < 0 {
		tb.Fatalf("no table #%s", id)
	}
	rest := html[i:]
	body := rest[strings.Index(rest, "<tbody>"):strings.Index(rest, "</tbody>")]
	return strings.Count(body, "<tr")
}

func clip(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "..."
	}
	return s
}

func bulk(n int, tag string) []byte {
	return []byte("BULK " + strconv.Itoa(n) + " " + tag)
}

func applicationLogin(email, password string) application.LoginInput {
	return application.LoginInput{Email: email, Password: password}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func cookieOf(b *browser) *nethttp.Cookie {
	return &nethttp.Cookie{Name: sessionCookie, Value: b.cookies[sessionCookie]}
}
