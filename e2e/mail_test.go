package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/bankflow/bankflow/adapters/postgres"
	"github.com/bankflow/bankflow/domain"
)

const inboxAddress = "extratos@bankflow.com.br"

// mailRig is a running BankFlow watching a Dovecot inbox and sending to an
// SMTP sink, with one user.
type mailRig struct {
	srv    *server
	imap   *dovecot
	sink   *smtpSink
	client *apiClient
	email  string // the user's sign-in address
	inbox  string // the user's personal inbox address
	seq    int
}

func newMailRig(t *testing.T) *mailRig {
	t.Helper()
	r := &mailRig{imap: startDovecot(t), sink: startSMTPSink(t)}
	r.srv = startServer(t, map[string]string{
		"IMAP_URL":                           r.imap.imapURL(),
		"IMAP_POLL_INTERVAL":                 "2s",
		"BANKFLOW_EMAIL_CLAIM_LEASE":         "3s",
		"SMTP_URL":                           "smtp://" + r.sink.addr + "?tls=none",
		"SMTP_FROM":                          "BankFlow <" + inboxAddress + ">",
		"BANKFLOW_INBOX_ADDRESS":             inboxAddress,
		"BANKFLOW_TIER_FREE_EMAIL":           "true",
		"BANKFLOW_TIER_FREE_FILES_PER_MONTH": "1000",
		"BANKFLOW_TIER_FREE_MAX_FILE_MB":     "10",
	})
	r.email = "contador-" + randomID(t) + "@escritorio.com.br"
	c := newClient(t, r.srv.URL)
	if st, b := c.postJSON("/api/v1/auth/register", map[string]string{"email": r.email, "password": "senha-forte-e2e-123", "name": "Carla Contadora"}); st != http.StatusCreated {
		t.Fatalf("register: %d %s", st, b)
	}
	st, b := c.postJSON("/api/v1/auth/login", map[string]string{"email": r.email, "password": "senha-forte-e2e-123"})
	if st != http.StatusOK {
		t.Fatalf("login: %d %s", st, b)
	}
	var out struct {
		Token string `json:"token"`
	}
	mustJSON(t, b, &out)
	c.token = out.Token
	r.client = c
	// The personal address is not shown by the API yet: read the token the
	// application gave the account at registration from its database.
	r.withDB(t, func(db *postgres.DB) {
		u, err := db.GetUserByEmail(context.Background(), r.email)
		if err != nil || u.InboxToken == "" {
			t.Fatalf("user %s: %v %+v", r.email, err, u)
		}
		r.inbox = strings.Replace(inboxAddress, "@", "+"+u.InboxToken+"@", 1)
	})
	return r
}

// withDB opens the server's SQLite database beside it.
func (r *mailRig) withDB(t *testing.T, f func(*postgres.DB)) {
	t.Helper()
	db, err := postgres.Open(context.Background(), "sqlite:"+filepath.Join(r.srv.DataDir, "bankflow.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f(db)
}

// mailFile is an attachment: a real sample statement.
type mailFile struct{ dir, name string }

func (f mailFile) read(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "adapters", "parsers", f.dir, "testdata", f.name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// forwarded builds what a mail client sends when the accountant forwards
// a client's e-mail as an attachment: the client's message (message/rfc822)
// holding the statements, inside the accountant's message to the inbox.
func (r *mailRig) forwarded(t *testing.T, from, to string, extra string, files ...mailFile) (raw []byte, messageID string) {
	t.Helper()
	r.seq++
	messageID = fmt.Sprintf("<fwd-%d-%s@escritorio.com.br>", r.seq, randomID(t))
	var inner bytes.Buffer
	fmt.Fprintf(&inner, "From: Cliente <financeiro@cliente.com.br>\r\nTo: %s\r\nSubject: Extratos de janeiro\r\n", from)
	fmt.Fprintf(&inner, "Message-ID: <orig-%d-%s@cliente.com.br>\r\nDate: Mon, 05 Feb 2024 09:00:00 -0300\r\nMIME-Version: 1.0\r\n", r.seq, randomID(t))
	inner.WriteString("Content-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n--inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSeguem os extratos.\r\n")
	for _, f := range files {
		fmt.Fprintf(&inner, "--inner\r\nContent-Type: application/octet-stream; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", f.name, f.name)
		enc := base64.StdEncoding.EncodeToString(f.read(t))
		for len(enc) > 76 {
			inner.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		inner.WriteString(enc + "\r\n")
	}
	inner.WriteString("--inner--\r\n")

	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Carla Contadora <%s>\r\nTo: %s\r\nSubject: Fwd: Extratos de janeiro\r\nMessage-ID: %s\r\n", from, to, messageID)
	b.WriteString("Date: Mon, 05 Feb 2024 10:00:00 -0300\r\nMIME-Version: 1.0\r\n" + extra)
	b.WriteString("Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPara processar.\r\n")
	b.WriteString("--outer\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"Extratos de janeiro.eml\"\r\n\r\n")
	b.Write(inner.Bytes())
	b.WriteString("\r\n--outer--\r\n")
	return b.Bytes(), messageID
}

// reply is one message the sink received, read.
type reply struct {
	to          string
	inReplyTo   string
	references  []string
	text        string
	attachments []string
	at          time.Time
}

func readReply(t *testing.T, m sunkMail) reply {
	t.Helper()
	mr, err := gomail.CreateReader(bytes.NewReader(m.data))
	if err != nil {
		t.Fatalf("reply is not MIME: %v", err)
	}
	out := reply{at: m.at}
	if len(m.to) == 1 {
		out.to = m.to[0]
	}
	if ids, _ := mr.Header.MsgIDList("In-Reply-To"); len(ids) == 1 {
		out.inReplyTo = "<" + ids[0] + ">"
	}
	refs, _ := mr.Header.MsgIDList("References")
	for _, id := range refs {
		out.references = append(out.references, "<"+id+">")
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reply part: %v", err)
		}
		b, _ := io.ReadAll(p.Body)
		switch h := p.Header.(type) {
		case *gomail.AttachmentHeader:
			name, _ := h.Filename()
			if !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
				t.Errorf("attachment %s is not a workbook", name)
			}
			out.attachments = append(out.attachments, name)
		case *gomail.InlineHeader:
			out.text += string(b)
		}
	}
	slices.Sort(out.attachments)
	return out
}

// repliesTo returns the replies threaded under messageID.
func (r *mailRig) repliesTo(t *testing.T, messageID string) []reply {
	t.Helper()
	var out []reply
	for _, m := range r.sink.messages() {
		if rp := readReply(t, m); rp.inReplyTo == messageID {
			out = append(out, rp)
		}
	}
	return out
}

// awaitReply waits for the first reply to messageID.
func (r *mailRig) awaitReply(t *testing.T, messageID string, within time.Duration) reply {
	t.Helper()
	var got []reply
	eventually(t, within, "a reply to "+messageID, func() bool {
		got = r.repliesTo(t, messageID)
		return len(got) > 0
	})
	return got[0]
}

// emailJobs lists the user's jobs that came by e-mail, by file name.
func (r *mailRig) emailJobs(t *testing.T) map[string][]string {
	t.Helper()
	st, b := r.client.do(http.MethodGet, "/api/v1/jobs?limit=100", "", nil)
	if st != http.StatusOK {
		t.Fatalf("list jobs: %d %s", st, b)
	}
	var out struct {
		Jobs []struct {
			ID       string `json:"id"`
			Status   string `json:"status"`
			Source   string `json:"source"`
			Filename string `json:"original_filename"`
		} `json:"jobs"`
	}
	mustJSON(t, b, &out)
	jobs := map[string][]string{}
	for _, j := range out.Jobs {
		if j.Source == string(domain.SourceEmail) {
			jobs[j.Filename] = append(jobs[j.Filename], j.Status)
		}
	}
	return jobs
}

// auditCount counts the audit events of action.
func (r *mailRig) auditCount(t *testing.T, action string) int {
	t.Helper()
	n := 0
	r.withDB(t, func(db *postgres.DB) {
		ev, _, err := db.QueryAudit(context.Background(), domain.AuditFilter{Action: action, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		n = len(ev)
	})
	return n
}
