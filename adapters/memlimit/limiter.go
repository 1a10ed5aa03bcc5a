// Package memlimit is an in-process fixed-window rate limiter for the
// embedded default, where no Redis is there to count attempts.
package memlimit

import (
	"context"
	"sync"
	"time"
)

// Limiter allows at most Limit attempts per key in each Window.
type Limiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	windows map[string]window
	swept   time.Time
}

type window struct {
	start time.Time
	count int
}

// New returns a limiter of limit attempts per window.
func New(limit int, per time.Duration) *Limiter {
	return &Limiter{limit: limit, window: per, now: time.Now, windows: map[string]window{}}
}

// Allow records one attempt for key; when the key is over its limit it
// reports false and how long until the window ends.
func (l *Limiter) Allow(_ context.Context, key string) (bool, time.Duration, error) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	w := l.windows[key]
	if now.Sub(w.start) >= l.window {
		w = window{start: now}
	}
	w.count++
	l.windows[key] = w
	if w.count > l.limit {
		return false, w.start.Add(l.window).Sub(now), nil
	}
	return true, 0, nil
}

// Reset forgets key's attempts.
func (l *Limiter) Reset(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.windows, key)
	return nil
}

// sweep drops finished windows once per window, so memory stays bounded by
// the keys seen in one window.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < l.window {
		return
	}
	for k, w := range l.windows {
		if now.Sub(w.start) >= l.window {
			delete(l.windows, k)
		}
	}
	l.swept = now
}
