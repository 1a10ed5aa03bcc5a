// Package testenv finds the real services integration tests talk to. Without
// a service a test is skipped with the reason, except under CI=true, where a
// missing service fails the test.
package testenv

import (
	"context"
	"net"
	"net/url"
	"os"
	"testing"
	"time"
)

// PostgresURL returns the URL of the test PostgreSQL server
// (BANKFLOW_TEST_DATABASE_URL, default the local trust-auth database "test").
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("BANKFLOW_TEST_DATABASE_URL")
	if u == "" {
		u = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	require(tb, "PostgreSQL", u)
	return u
}

// RedisURL returns the URL of the test Redis server (BANKFLOW_TEST_REDIS_URL,
// default redis://127.0.0.1:6379/0).
func RedisURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("BANKFLOW_TEST_REDIS_URL")
	if u == "" {
		u = "redis://127.0.0.1:6379/0"
	}
	require(tb, "Redis", u)
	return u
}

// Need skips (or, under CI=true, fails) the test with reason.
func Need(tb testing.TB, ok bool, reason string) {
	tb.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("required under CI=true: %s", reason)
	}
	tb.Skipf("skipped: %s", reason)
}

func require(tb testing.TB, name, raw string) {
	tb.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		tb.Fatalf("bad %s test URL %q: %v", name, raw, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", u.Host)
	if err == nil {
		_ = c.Close()
	}
	Need(tb, err == nil, name+" is not answering at "+u.Host+" ("+errString(err)+")")
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
