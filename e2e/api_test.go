package e2e

import (
	"bytes"
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// jobDeadline bounds the wait for a job: the samples take milliseconds, the
// margin is for a loaded 2-core machine.
const jobDeadline = 30 * time.Second

// pgRedis is a production-like deployment on the machine's PostgreSQL and
// Redis: its own schema, its own stream, a shared upload directory.
type pgRedis struct {
	DB       *sql.DB
	Schema   string
	RedisURL string
	Env      map[string]string
}

// newPGRedis prepares the settings of a PostgreSQL + Redis deployment;
// redisDB < 0 uses the test Redis URL's database.
func newPGRedis(t testing.TB, redisDBNum int) *pgRedis {
	t.Helper()
	admin, schema, base := pgSchema(t)
	rurl, _, stream := redisDB(t, redisDBNum)
	return &pgRedis{
		DB: admin, Schema: schema, RedisURL: rurl,
		Env: productionEnv(t, schemaURL(base, schema, ""), rurl, stream, t.TempDir()),
	}
}

// with returns the deployment's settings plus extra.
func (p *pgRedis) with(extra map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range p.Env {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// storedTransactions counts the rows of a job in the transactions table.
func (p *pgRedis) storedTransactions(t testing.TB, jobID string) int {
	t.Helper()
	var n int
	if err := p.DB.QueryRow("SELECT count(*) FROM "+p.Schema+".transactions WHERE job_id = $1", jobID).Scan(&n); err != nil {
		t.Fatalf("count transactions: %v", err)
	}
	return n
}

// TestAPIEndToEnd drives the built binary over its JSON API, on the embedded
// default and on PostgreSQL + Redis: register, log in, upload an OFX and a
// CNAB 240 sample, wait, read the transactions, download the xlsx, and check
// that nobody else sees the jobs and that delete removes them.
func TestAPIEndToEnd(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		t.Parallel()
		apiFlow(t, startServer(t, nil))
	})
	t.Run("postgres+redis", func(t *testing.T) {
		t.Parallel()
		p := newPGRedis(t, -1)
		s := newServer(t, "bankflow-pg", p.Env)
		s.start()
		apiFlow(t, s)
	})
}

func apiFlow(t *testing.T, s *server) {
	// The embedded default makes its first account an admin (who sees every
	// job): take that seat so the owner and the stranger are regular users.
	newClient(t, s.URL).signUp("admin", "Admin")
	owner := newClient(t, s.URL).signUp("dona", "Dona Contadora")
	stranger := newClient(t, s.URL).signUp("outro", "Outro Usuário")

	if st, b := newClient(t, s.URL).postJSON("/api/v1/auth/login", map[string]string{"email": owner.email, "password": "errada-123456"}); st != http.StatusUnauthorized {
		t.Errorf("login with a wrong password: %d %s, want 401", st, b)
	}

	samples := []statementSample{ofxSample, cnabSample}
	ids := make([]string, len(samples))
	for i, smp := range samples {
		j := owner.upload(smp.path(t))
		if j.ID == "" || (j.Status != "queued" && j.Status != "processing" && j.Status != "completed") {
			t.Fatalf("upload %s: job %+v", smp.name, j)
		}
		ids[i] = j.ID
	}
	st, b := owner.uploadRaw("lixo.ofx", []byte("isto não é um extrato bancário, só texto qualquer\n"))
	if st != http.StatusAccepted {
		t.Fatalf("garbage upload: %d %s", st, b)
	}
	var garbage struct {
		Job jobView `json:"job"`
	}
	mustJSON(t, b, &garbage)

	for i, smp := range samples {
		j := owner.waitFinal(ids[i], jobDeadline)
		if j.Status != "completed" {
			t.Fatalf("%s: status %s (%v), want completed", smp.name, j.Status, deref(j.ErrorMessage))
		}
		if j.TransactionCount != smp.transactions {
			t.Errorf("%s: transaction_count %d, want %d", smp.name, j.TransactionCount, smp.transactions)
		}
		if deref(j.DetectedBank) != smp.bank {
			t.Errorf("%s: detected_bank %q, want %q", smp.name, deref(j.DetectedBank), smp.bank)
		}
		if j.Reconciliation == nil || j.Reconciliation.Status == "" {
			t.Errorf("%s: no reconciliation in %+v", smp.name, j)
		}
		stmts := owner.statements(ids[i])
		if n := transactionCount(stmts); n != smp.transactions {
			t.Errorf("%s: %d transactions in the JSON, want %d", smp.name, n, smp.transactions)
		}
		if !hasDescription(stmts, smp.description) {
			t.Errorf("%s: no transaction described %q", smp.name, smp.description)
		}
		if n := xlsxRows(t, owner, ids[i]); n != smp.transactions {
			t.Errorf("%s: %d transaction rows in the xlsx, want %d", smp.name, n, smp.transactions)
		}
	}

	g := owner.waitFinal(garbage.Job.ID, jobDeadline)
	if g.Status != "failed" || strings.TrimSpace(deref(g.ErrorMessage)) == "" {
		t.Errorf("garbage upload: status %s, message %q; want failed with a message", g.Status, deref(g.ErrorMessage))
	}

	for _, path := range []string{"", "/transactions", "/export?format=xlsx"} {
		if st, b := stranger.do(http.MethodGet, "/api/v1/jobs/"+ids[0]+path, "", nil); st != http.StatusNotFound {
			t.Errorf("another user GET job%s: %d %s, want 404", path, st, truncate(string(b), 200))
		}
	}
	if st, _ := stranger.do(http.MethodDelete, "/api/v1/jobs/"+ids[0], "", nil); st != http.StatusNotFound {
		t.Errorf("another user DELETE job: %d, want 404", st)
	}
	if st, b := stranger.do(http.MethodGet, "/api/v1/jobs", "", nil); st != http.StatusOK || bytes.Contains(b, []byte(ids[0])) {
		t.Errorf("another user's job list: %d, lists the owner's job: %v", st, bytes.Contains(b, []byte(ids[0])))
	}

	if st, b := owner.do(http.MethodDelete, "/api/v1/jobs/"+ids[0], "", nil); st != http.StatusNoContent && st != http.StatusOK {
		t.Fatalf("delete: %d %s", st, b)
	}
	if st, _ := owner.job(ids[0]); st != http.StatusNotFound {
		t.Errorf("GET a deleted job: %d, want 404", st)
	}
	if st, _ := owner.do(http.MethodGet, "/api/v1/jobs/"+ids[0]+"/transactions", "", nil); st != http.StatusNotFound {
		t.Errorf("transactions of a deleted job: %d, want 404", st)
	}
}

// xlsxRows downloads a job's xlsx through the API and returns the number
// of transaction rows of its "Transações" sheet (header excluded).
func xlsxRows(t testing.TB, c *apiClient, id string) int {
	t.Helper()
	st, b := c.do(http.MethodGet, "/api/v1/jobs/"+id+"/export?format=xlsx", "", nil)
	if st != http.StatusOK {
		t.Fatalf("xlsx export of %s: %d %s", id, st, truncate(string(b), 200))
	}
	return workbookRows(t, b)
}

// workbookRows opens an xlsx and counts the data rows of "Transações".
func workbookRows(t testing.TB, data []byte) int {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Transações")
	if err != nil {
		t.Fatalf("sheet Transações: %v", err)
	}
	if len(rows) == 0 {
		t.Fatal("sheet Transações has no header row")
	}
	return len(rows) - 1
}

func hasDescription(stmts []statementView, want string) bool {
	for _, s := range stmts {
		for _, tx := range s.Transactions {
			if strings.Contains(tx.Description, want) {
				return true
			}
		}
	}
	return false
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
