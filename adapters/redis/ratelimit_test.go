package redis

import (
	"context"
	"crypto/rand"
	"testing"
	"time"
)

func TestRateLimiter(t *testing.T) {
	c := testClient(t)
	prefix := "bankflow:test:rate:" + rand.Text()[:12] + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := c.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			c.Del(ctx, keys...)
		}
	})
	l := NewRateLimiter(c, prefix)
	ctx := context.Background()
	allow := func(key string) bool {
		t.Helper()
		ok, err := l.Allow(ctx, key, 3, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for i := 1; i <= 3; i++ {
		if !allow("ana@example.com") {
			t.Fatalf("attempt %d of 3 refused", i)
		}
	}
	if allow("ana@example.com") {
		t.Fatal("4th attempt within the window allowed")
	}
	if !allow("bia@example.com") {
		t.Fatal("another key is limited too")
	}
	if ttl := c.PTTL(ctx, prefix+"ana@example.com").Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("counter ttl %v, want within the window", ttl)
	}
	if err := l.Reset(ctx, "ana@example.com"); err != nil {
		t.Fatal(err)
	}
	if !allow("ana@example.com") {
		t.Fatal("refused after reset")
	}
}

func TestRateLimiterWindowEnds(t *testing.T) {
	c := testClient(t)
	prefix := "bankflow:test:rate:" + rand.Text()[:12] + ":"
	t.Cleanup(func() { c.Del(context.Background(), prefix+"k") })
	l := NewRateLimiter(c, prefix)
	ctx := context.Background()
	if ok, err := l.Allow(ctx, "k", 1, 300*time.Millisecond); !ok || err != nil {
		t.Fatalf("first event: %v, %v", ok, err)
	}
	if ok, _ := l.Allow(ctx, "k", 1, 300*time.Millisecond); ok {
		t.Fatal("second event in the window allowed")
	}
	// Once the window is over the key is allowed again (polled, bounded).
	deadline := time.Now().Add(10 * time.Second)
	for c.Exists(ctx, prefix+"k").Val() == 1 {
		if time.Now().After(deadline) {
			t.Fatal("window never ended")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if ok, err := l.Allow(ctx, "k", 1, 300*time.Millisecond); !ok || err != nil {
		t.Fatalf("first event of the next window: %v, %v", ok, err)
	}
}
