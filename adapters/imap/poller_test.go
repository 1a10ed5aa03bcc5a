package imap

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// recorder is an Ingester that keeps the subjects it was handed.
type recorder struct {
	mu   sync.Mutex
	seen []string
	got  chan string
}

func (r *recorder) Ingest(_ context.Context, in application.IngestInput) (application.Folder, error) {
	subject := ""
	for _, l := range strings.Split(string(in.Raw), "\r\n") {
		if s, ok := strings.CutPrefix(l, "Subject: "); ok {
			subject = s
		}
	}
	r.mu.Lock()
	r.seen = append(r.seen, subject)
	r.mu.Unlock()
	r.got <- subject
	if strings.Contains(subject, "fail") {
		return application.FolderFailed, nil
	}
	return application.FolderProcessed, nil
}

func (r *recorder) SendPending(context.Context) error { return nil }

// memCursors is an EmailCursorRepository in memory.
type memCursors struct {
	mu sync.Mutex
	c  map[string]domain.EmailCursor
}

func (m *memCursors) GetEmailCursor(_ context.Context, mailbox string) (*domain.EmailCursor, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.c[mailbox]
	if !ok {
		return nil, domain.ErrNotFound
	}
	return &c, nil
}

func (m *memCursors) SaveEmailCursor(_ context.Context, c domain.EmailCursor) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.c[c.Mailbox] = c
	return nil
}

func startMemServer(t *testing.T) string {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("acct", "secret")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// client logs in to addr for the test's own checks.
func client(t *testing.T, addr string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Login("acct", "secret").Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

func appendMsg(t *testing.T, c *imapclient.Client, subject string) {
	t.Helper()
	raw := "From: ana@example.com\r\nTo: extratos+tok@bankflow.com.br\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject + "@example.com>\r\n\r\nbody\r\n"
	cmd := c.Append("INBOX", int64(len(raw)), nil)
	if _, err := io.Copy(cmd, bytes.NewReader([]byte(raw))); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, c *imapclient.Client, mailbox string) uint32 {
	t.Helper()
	st, err := c.Status(mailbox, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		t.Fatalf("status %s: %v", mailbox, err)
	}
	return *st.NumMessages
}

func next(t *testing.T, r *recorder) string {
	t.Helper()
	select {
	case s := <-r.got:
		return s
	case <-time.After(20 * time.Second):
		t.Fatal("no message ingested within 20 s")
	}
	return ""
}

func startPoller(t *testing.T, addr string, r *recorder, cur *memCursors) *Poller {
	t.Helper()
	cfg, err := ParseURL("imap://acct:secret@" + addr + "/INBOX?tls=none")
	if err != nil {
		t.Fatal(err)
	}
	cfg.PollInterval = 2 * time.Second
	p, err := NewPoller(cfg, r, cur, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop(context.Background()) })
	return p
}

func TestPollerIngestsMovesAndResumes(t *testing.T) {
	addr := startMemServer(t)
	c := client(t, addr)
	appendMsg(t, c, "one")
	appendMsg(t, c, "two-fail")

	r := &recorder{got: make(chan string, 10)}
	cur := &memCursors{c: map[string]domain.EmailCursor{}}
	p := startPoller(t, addr, r, cur)
	if a, b := next(t, r), next(t, r); a != "one" || b != "two-fail" {
		t.Fatalf("ingested %q, %q", a, b)
	}
	// New mail while the poller idles is picked up.
	appendMsg(t, c, "three")
	if s := next(t, r); s != "three" {
		t.Fatalf("ingested %q", s)
	}
	if err := p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := count(t, c, "INBOX"); n != 0 {
		t.Errorf("%d messages left in INBOX", n)
	}
	if n := count(t, c, "BankFlow/Processed"); n != 2 {
		t.Errorf("%d messages in Processed, want 2", n)
	}
	if n := count(t, c, "BankFlow/Failed"); n != 1 {
		t.Errorf("%d messages in Failed, want 1", n)
	}
	if got, err := cur.GetEmailCursor(context.Background(), "INBOX"); err != nil || got.LastUID != 3 {
		t.Errorf("cursor %+v %v, want last UID 3", got, err)
	}

	// A new poller (a restart) takes only what arrived since.
	appendMsg(t, c, "four")
	startPoller(t, addr, r, cur)
	if s := next(t, r); s != "four" {
		t.Fatalf("after restart ingested %q", s)
	}
	select {
	case s := <-r.got:
		t.Fatalf("ingested %q twice", s)
	case <-time.After(300 * time.Millisecond):
	}
}

func TestParseURL(t *testing.T) {
	c, err := ParseURL("imaps://bank%40flow:p%40ss@mail.example.com/Extratos")
	if err != nil || c.Addr != "mail.example.com:993" || c.TLS != TLSImplicit || c.User != "bank@flow" || c.Password != "p@ss" || c.Mailbox != "Extratos" {
		t.Errorf("imaps: %+v %v", c, err)
	}
	c, err = ParseURL("imap://u:p@127.0.0.1:10143")
	if err != nil || c.TLS != TLSStart || c.Addr != "127.0.0.1:10143" {
		t.Errorf("imap: %+v %v", c, err)
	}
	for _, bad := range []string{"http://x", "imap://", "imap://u:p@h?tls=maybe", "imap://h:143"} {
		if _, err := ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q) accepted", bad)
		}
	}
	_ = errors.New
}
