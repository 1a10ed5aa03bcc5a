package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// apiClient calls the JSON API of one server as one user.
type apiClient struct {
	t     testing.TB
	base  string
	token string
	email string // of the user signed up
	http  *http.Client
}

func newClient(t testing.TB, base string) *apiClient {
	return &apiClient{t: t, base: base, http: &http.Client{Timeout: 30 * time.Second}}
}

// jobView is the part of the API's job JSON the tests read.
type jobView struct {
	ID               string  `json:"id"`
	Status           string  `json:"status"`
	Progress         int     `json:"progress"`
	DetectedBank     *string `json:"detected_bank"`
	TransactionCount int     `json:"transaction_count"`
	ErrorMessage     *string `json:"error_message"`
	Reconciliation   *struct {
		Status string `json:"status"`
	} `json:"reconciliation"`
}

// apiError is the API's error body.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// do sends a request and returns the status and body.
func (c *apiClient) do(method, path, contentType string, body io.Reader) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp.StatusCode, b
}

func (c *apiClient) postJSON(path string, v any) (int, []byte) {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(http.MethodPost, path, "application/json", bytes.NewReader(b))
}

// apiPassword is the password of every account the API tests create.
const apiPassword = "senha-forte-e2e-123"

// signUp registers a new user whose e-mail starts with local (made unique:
// PostgreSQL + Redis tests share the login rate limiter's counters in
// Redis, keyed by e-mail) and logs in; the client then acts as that user.
func (c *apiClient) signUp(local, name string) *apiClient {
	c.t.Helper()
	const password = apiPassword
	email := local + "-" + randomID(c.t) + "@e2e.test"
	c.email = email
	if st, b := c.postJSON("/api/v1/auth/register", map[string]string{"email": email, "password": password, "name": name}); st != http.StatusCreated {
		c.t.Fatalf("register %s: %d %s", email, st, b)
	}
	st, b := c.postJSON("/api/v1/auth/login", map[string]string{"email": email, "password": password})
	if st != http.StatusOK {
		c.t.Fatalf("login %s: %d %s", email, st, b)
	}
	var out struct {
		Token string `json:"token"`
	}
	mustJSON(c.t, b, &out)
	if out.Token == "" {
		c.t.Fatalf("login %s: no token in %s", email, b)
	}
	c.token = out.Token
	return c
}

// uploadRaw posts a file to /api/v1/statements and returns status and body.
func (c *apiClient) uploadRaw(name string, data []byte) (int, []byte) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	return c.do(http.MethodPost, "/api/v1/statements", mw.FormDataContentType(), &body)
}

// upload posts the file at path and returns the new job (202 expected).
func (c *apiClient) upload(path string) jobView {
	c.t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatal(err)
	}
	st, b := c.uploadRaw(filepath.Base(path), data)
	if st != http.StatusAccepted {
		c.t.Fatalf("upload %s: %d %s", filepath.Base(path), st, b)
	}
	var out struct {
		Job jobView `json:"job"`
	}
	mustJSON(c.t, b, &out)
	return out.Job
}

// job returns the status code and the job (when 200).
func (c *apiClient) job(id string) (int, jobView) {
	c.t.Helper()
	st, b := c.do(http.MethodGet, "/api/v1/jobs/"+id, "", nil)
	var out struct {
		Job jobView `json:"job"`
	}
	if st == http.StatusOK {
		mustJSON(c.t, b, &out)
	}
	return st, out.Job
}

// waitFinal polls the job until it is completed, failed or cancelled.
func (c *apiClient) waitFinal(id string, within time.Duration) jobView {
	c.t.Helper()
	var j jobView
	eventually(c.t, within, "job "+id+" to finish", func() bool {
		var st int
		st, j = c.job(id)
		if st != http.StatusOK {
			c.t.Fatalf("GET job %s: %d", id, st)
		}
		return j.Status == "completed" || j.Status == "failed" || j.Status == "cancelled"
	})
	return j
}

// statementView is the part of the statement JSON contract the tests read.
type statementView struct {
	Bank         string `json:"bank"`
	Transactions []struct {
		Date        string `json:"date"`
		Amount      string `json:"amount"`
		Description string `json:"description"`
		FITID       string `json:"fitid"`
		Document    string `json:"document"`
	} `json:"transactions"`
}

// statements reads GET /jobs/{id}/transactions: one statement object, or an
// array of them for a file with several accounts.
func (c *apiClient) statements(id string) []statementView {
	c.t.Helper()
	st, b := c.do(http.MethodGet, "/api/v1/jobs/"+id+"/transactions", "", nil)
	if st != http.StatusOK {
		c.t.Fatalf("transactions of %s: %d %s", id, st, b)
	}
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var out []statementView
		mustJSON(c.t, b, &out)
		return out
	}
	var one statementView
	mustJSON(c.t, b, &one)
	return []statementView{one}
}

// transactionCount counts the transactions of a job's statements.
func transactionCount(stmts []statementView) int {
	n := 0
	for _, s := range stmts {
		n += len(s.Transactions)
	}
	return n
}

func mustJSON(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode JSON %q: %v", truncate(string(b), 300), err)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
