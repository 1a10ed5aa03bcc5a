package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// rateScript counts a hit in the current window and starts the window's
// expiry on its first hit (also repairing a counter left without one).
// KEYS[1] counter; ARGV[1] window in milliseconds.
const rateScript = `
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
`

// RateLimiter limits events per key in fixed windows (failed sign-ins per
// e-mail or address), shared by every node through Redis.
type RateLimiter struct {
	c      *goredis.Client
	prefix string
	script *goredis.Script
}

// NewRateLimiter returns a limiter whose counters live under prefix
// (default "bankflow:rate:").
func NewRateLimiter(client *goredis.Client, prefix string) *RateLimiter {
	if prefix == "" {
		prefix = "bankflow:rate:"
	}
	return &RateLimiter{c: client, prefix: prefix, script: goredis.NewScript(rateScript)}
}

// Allow counts one event for key and reports whether it is within limit
// events in the current window, which starts at the key's first event.
func (l *RateLimiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, error) {
	if window < time.Millisecond {
		return false, fmt.Errorf("rate limit %s: window %v is too short", key, window)
	}
	n, err := l.script.Run(ctx, l.c, []string{l.prefix + key}, window.Milliseconds()).Int64()
	if err != nil {
		return false, fmt.Errorf("rate limit %s: %w", key, err)
	}
	return n <= int64(limit), nil
}

// Reset forgets key's events (a successful sign-in).
func (l *RateLimiter) Reset(ctx context.Context, key string) error {
	if err := l.c.Del(ctx, l.prefix+key).Err(); err != nil {
		return fmt.Errorf("rate limit reset %s: %w", key, err)
	}
	return nil
}
