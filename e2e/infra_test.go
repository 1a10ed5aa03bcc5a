package e2e

import (
	"context"
	"database/sql"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"

	goredis "github.com/redis/go-redis/v9"
	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/bankflow/bankflow/internal/testenv"
)

// pgSchema creates a fresh schema bf_e2e_<random> on the test PostgreSQL
// server (dropped at cleanup) and returns the admin connection and the
// URL of that schema (search_path set), rewritten to host when host is not
// empty (a proxy in front of the server).
func pgSchema(t testing.TB) (admin *sql.DB, schema string, base *url.URL) {
	t.Helper()
	raw := testenv.PostgresURL(t)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("postgres url: %v", err)
	}
	admin = sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(raw)))
	t.Cleanup(func() { _ = admin.Close() })
	schema = "bf_e2e_" + randomID(t)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return admin, schema, u
}

// schemaURL is the URL of schema on the server of base, reached at host
// (host:port) when not empty.
func schemaURL(base *url.URL, schema, host string) string {
	u := *base
	if host != "" {
		u.Host = host
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// redisDB returns the test Redis URL on database db (the test's own) and a
// client of it; db < 0 keeps the URL's database. The stream name returned is
// unique to the test and deleted at cleanup.
func redisDB(t testing.TB, db int) (redisURL string, client *goredis.Client, stream string) {
	t.Helper()
	raw := testenv.RedisURL(t)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("redis url: %v", err)
	}
	if db >= 0 {
		u.Path = "/" + strconv.Itoa(db)
	}
	opts, err := goredis.ParseURL(u.String())
	if err != nil {
		t.Fatalf("redis url: %v", err)
	}
	client = goredis.NewClient(opts)
	stream = "bankflow:e2e:" + randomID(t)
	t.Cleanup(func() {
		_ = client.Del(context.Background(), stream).Err()
		_ = client.Close()
	})
	return u.String(), client, stream
}

// tcpProxy forwards connections from a loopback port to target. Cut closes
// the listener and every open connection (the database becomes
// unreachable); Restore listens again on the same port.
type tcpProxy struct {
	t      testing.TB
	target string
	Addr   string

	mu    sync.Mutex
	l     net.Listener
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func newTCPProxy(t testing.TB, target string) *tcpProxy {
	t.Helper()
	p := &tcpProxy{t: t, target: target, conns: map[net.Conn]struct{}{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p.Addr = l.Addr().String()
	p.serve(l)
	t.Cleanup(func() { p.Cut(); p.wg.Wait() })
	return p
}

// Cut makes the target unreachable through the proxy.
func (p *tcpProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.l != nil {
		_ = p.l.Close()
		p.l = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
}

// Restore makes the target reachable again on the same address.
func (p *tcpProxy) Restore() {
	p.t.Helper()
	l, err := net.Listen("tcp", p.Addr)
	if err != nil {
		p.t.Fatalf("proxy listen again on %s: %v", p.Addr, err)
	}
	p.serve(l)
}

func (p *tcpProxy) serve(l net.Listener) {
	p.mu.Lock()
	p.l = l
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go p.pipe(c)
		}
	}()
}

func (p *tcpProxy) pipe(client net.Conn) {
	defer p.wg.Done()
	upstream, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = client.Close()
		return
	}
	if !p.track(client, upstream) {
		return
	}
	var once sync.Once
	closeBoth := func() {
		once.Do(func() {
			_ = client.Close()
			_ = upstream.Close()
			p.mu.Lock()
			delete(p.conns, client)
			delete(p.conns, upstream)
			p.mu.Unlock()
		})
	}
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(upstream, client); closeBoth(); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, upstream); closeBoth(); done <- struct{}{} }()
	<-done
	<-done
}

// track registers a connection pair, refusing it when the proxy was cut
// meanwhile.
func (p *tcpProxy) track(a, b net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.l == nil {
		_ = a.Close()
		_ = b.Close()
		return false
	}
	p.conns[a] = struct{}{}
	p.conns[b] = struct{}{}
	return true
}
