package memlimit

import (
	"context"
	"testing"
	"time"
)

func TestLimiterWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	l := New(3, time.Minute)
	l.now = func() time.Time { return now }
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		if ok, _, _ := l.Allow(ctx, "ip|a@b.c"); !ok {
			t.Fatalf("attempt %d refused within the limit", i)
		}
	}
	ok, wait, _ := l.Allow(ctx, "ip|a@b.c")
	if ok || wait != time.Minute {
		t.Fatalf("4th attempt: ok=%v wait=%v, want refused for 1m", ok, wait)
	}
	if ok, _, _ := l.Allow(ctx, "other"); !ok {
		t.Fatal("another key must not be limited")
	}
	now = now.Add(time.Minute)
	if ok, _, _ := l.Allow(ctx, "ip|a@b.c"); !ok {
		t.Fatal("a new window must allow again")
	}
	if len(l.windows) != 1 {
		t.Fatalf("finished windows must be swept, have %d", len(l.windows))
	}
	for i := 0; i < 5; i++ {
		_, _, _ = l.Allow(ctx, "k")
	}
	_ = l.Reset(ctx, "k")
	if ok, _, _ := l.Allow(ctx, "k"); !ok {
		t.Fatal("after Reset the key must be allowed again")
	}
}
