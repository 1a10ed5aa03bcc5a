package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// server is one `bankflow serve` child process. Its log is kept and printed
// when the test fails.
type server struct {
	t       testing.TB
	name    string
	URL     string
	addr    string
	env     map[string]string
	DataDir string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	log  *syncBuffer
	runs int
}

// startServer runs `bankflow serve` on the embedded default (SQLite and the
// in-process queue in a fresh DATA_DIR) on a free loopback port, with env
// added, and waits for /health. The process is stopped at cleanup.
func startServer(t testing.TB, env map[string]string) *server {
	t.Helper()
	s := newServer(t, "bankflow", env)
	s.start()
	return s
}

// newServer prepares a server without starting it. Every setting the test
// does not give gets a test value: a fresh DATA_DIR, a free port, the API
// open to the free plan and no concurrent-job limit (crash tests hold
// jobs in processing).
func newServer(t testing.TB, name string, env map[string]string) *server {
	t.Helper()
	addr := freeAddr(t)
	full := map[string]string{
		"DATA_DIR":                           t.TempDir(),
		"HTTP_ADDR":                          addr,
		"LOG_FORMAT":                         "json",
		"LOG_LEVEL":                          "info",
		"BANKFLOW_TIER_FREE_API":             "true",
		"BANKFLOW_TIER_FREE_CONCURRENT_JOBS": "0",
	}
	for k, v := range env {
		full[k] = v
	}
	s := &server{t: t, name: name, addr: full["HTTP_ADDR"], env: full, DataDir: full["DATA_DIR"], log: &syncBuffer{}}
	s.URL = "http://" + s.addr
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("--- log of %s ---\n%s", s.name, s.log.tail(150))
		}
	})
	return s
}

// uploadDir is where the server keeps its stored files.
func (s *server) uploadDir() string {
	if d := s.env["UPLOAD_DIR"]; d != "" {
		return d
	}
	return filepath.Join(s.DataDir, "uploads")
}

// start launches the process (again, after a kill or a stop) with the same
// settings and waits until /health answers.
func (s *server) start(args ...string) {
	s.t.Helper()
	s.mu.Lock()
	if s.cmd != nil {
		s.mu.Unlock()
		s.t.Fatalf("%s: already running", s.name)
	}
	s.runs++
	cmd := exec.Command(binPath, append([]string{"serve"}, args...)...)
	cmd.Env = childEnv(s.env)
	fmt.Fprintf(s.log, "=== start %d of %s\n", s.runs, s.name)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		s.t.Fatalf("%s: start: %v", s.name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	s.waitHealthy(done)
}

func (s *server) waitHealthy(done chan struct{}) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	c := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-done:
			s.t.Fatalf("%s exited before answering /health:\n%s", s.name, s.log.tail(60))
		default:
		}
		resp, err := c.Get(s.URL + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("%s did not answer /health within 30s:\n%s", s.name, s.log.tail(60))
}

// kill ends the process with SIGKILL, as a crash would, and waits for it.
func (s *server) kill() { s.signal(syscall.SIGKILL, 10*time.Second) }

// stop ends the process with SIGTERM (graceful shutdown), then SIGKILL
// after 15 seconds. It does nothing when the process is not running.
func (s *server) stop() { s.signal(syscall.SIGTERM, 15*time.Second) }

func (s *server) signal(sig syscall.Signal, grace time.Duration) {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd, s.done = nil, nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	fmt.Fprintf(s.log, "=== %v to %s\n", sig, s.name)
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
		return
	case <-time.After(grace):
	}
	_ = cmd.Process.Kill()
	<-done
}

// childEnv is the process environment: only what the child needs from ours
// (so a DATABASE_URL of the developer's shell never leaks in) plus env.
func childEnv(env map[string]string) []string {
	var out []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "TZ", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			out = append(out, k+"="+v)
		}
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, k+"="+env[k])
	}
	return out
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// randomID is a short random hex string for database, schema and stream names.
func randomID(t testing.TB) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// productionEnv is the configuration of a production-like node on the given
// PostgreSQL and Redis URLs, sharing uploadDir with its peers.
func productionEnv(t testing.TB, databaseURL, redisURL, stream, uploadDir string) map[string]string {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"ENVIRONMENT":             "production",
		"DATABASE_URL":            databaseURL,
		"REDIS_URL":               redisURL,
		"BANKFLOW_QUEUE_STREAM":   stream,
		"UPLOAD_DIR":              uploadDir,
		"JWT_SECRET":              "e2e-" + strings.Repeat(randomID(t), 6),
		"BANKFLOW_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString(key),
	}
}

// syncBuffer is a bytes.Buffer safe for the child's two output streams.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// tail returns the last n lines written, leaving out successful HTTP
// request lines (polling would drown everything else) and fx's events.
func (b *syncBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var lines []string
	for _, l := range strings.Split(b.b.String(), "\n") {
		if strings.Contains(l, `"msg":"http request"`) && strings.Contains(l, `"status":2`) ||
			strings.Contains(l, `"logger":"fx"`) {
			continue
		}
		lines = append(lines, l)
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// contains reports whether the log holds s.
func (b *syncBuffer) contains(s string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Contains(b.b.Bytes(), []byte(s))
}

// eventually polls cond every 50ms until it holds or the deadline passes.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pid is the process id of the running child (0 when stopped).
func (s *server) pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}
