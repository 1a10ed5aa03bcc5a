package e2e

import (
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/bankflow/bankflow/internal/testenv"
)

// dovecot is a throw-away Dovecot IMAP server run by scripts/dovecot.sh on
// a loopback port (account acct / secret).
type dovecot struct {
	t    testing.TB
	dir  string
	port string
}

// startDovecot starts Dovecot through the project's script and stops it at
// cleanup. Without Dovecot installed the test skips (fails under CI=true).
func startDovecot(t testing.TB) *dovecot {
	t.Helper()
	_, err := os.Stat("/usr/sbin/dovecot")
	testenv.Need(t, err == nil, "dovecot not installed: run scripts/test-deps.sh")
	// Not t.TempDir: its 0700 parents keep the unprivileged server out.
	dir, err := os.MkdirTemp("", "bankflow-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(freeAddr(t))
	d := &dovecot{t: t, dir: dir, port: port}
	t.Cleanup(func() {
		_, _ = d.script(nil, "stop")
		_ = os.RemoveAll(dir)
	})
	if out, err := d.script(nil, "start"); err != nil {
		t.Fatalf("start dovecot: %v\n%s", err, out)
	}
	return d
}

// imapURL is the IMAP_URL of the account's INBOX.
func (d *dovecot) imapURL() string {
	return "imap://acct:secret@127.0.0.1:" + d.port + "/INBOX?tls=none"
}

func (d *dovecot) script(stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.Command("bash", append([]string{filepath.Join(repoRoot, "scripts", "dovecot.sh")}, args...)...)
	cmd.Env = append(os.Environ(), "DOVECOT_DIR="+d.dir, "DOVECOT_PORT="+d.port)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	return cmd.CombinedOutput()
}

// save appends raw to the INBOX, as a delivery would.
func (d *dovecot) save(raw []byte) {
	d.t.Helper()
	if out, err := d.script(raw, "save", "INBOX"); err != nil {
		d.t.Fatalf("doveadm save: %v\n%s", err, out)
	}
}

// count returns the number of messages in mailbox (0 when it does not exist).
func (d *dovecot) count(mailbox string) int {
	d.t.Helper()
	out, err := d.script(nil, "status", mailbox)
	if err != nil {
		if strings.Contains(string(out), "exist") {
			return 0
		}
		d.t.Fatalf("doveadm mailbox status %s: %v\n%s", mailbox, err, out)
	}
	for _, f := range strings.Fields(string(out)) {
		if v, ok := strings.CutPrefix(f, "messages="); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				d.t.Fatalf("status %q", out)
			}
			return n
		}
	}
	d.t.Fatalf("no message count in %q", out)
	return 0
}

// smtpSink is an in-process SMTP server (github.com/emersion/go-smtp) that
// keeps every message BankFlow sends, with the time it arrived.
type smtpSink struct {
	addr string
	mu   sync.Mutex
	msgs []sunkMail
}

type sunkMail struct {
	to   []string
	data []byte
	at   time.Time
}

func startSMTPSink(t testing.TB) *smtpSink {
	t.Helper()
	s := &smtpSink{}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.MaxMessageBytes = 64 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

func (s *smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

func (s *smtpSink) messages() []sunkMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sunkMail(nil), s.msgs...)
}

type sinkSession struct {
	s  *smtpSink
	to []string
}

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, sunkMail{to: ss.to, data: b, at: time.Now()})
	ss.s.mu.Unlock()
	return nil
}
func (ss *sinkSession) Reset()        { ss.to = nil }
func (ss *sinkSession) Logout() error { return nil }
