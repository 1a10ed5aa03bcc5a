package bootstrap

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	web "github.com/bankflow/bankflow/adapters/http"
	"github.com/bankflow/bankflow/adapters/memlimit"
	bfredis "github.com/bankflow/bankflow/adapters/redis"
)

// Failed sign-ins allowed per client IP and e-mail in one window.
const (
	loginAttempts = 10
	loginWindow   = 15 * time.Minute
)

// newLoginLimiter counts sign-in attempts in Redis when there is one (so the
// limit holds across web nodes), in memory otherwise.
func newLoginLimiter(c *goredis.Client) web.Limiter {
	if c == nil {
		return memlimit.New(loginAttempts, loginWindow)
	}
	return redisLimiter{bfredis.NewRateLimiter(c, "bankflow:login:")}
}

type redisLimiter struct{ l *bfredis.RateLimiter }

func (r redisLimiter) Reset(ctx context.Context, key string) error { return r.l.Reset(ctx, key) }

func (r redisLimiter) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	ok, err := r.l.Allow(ctx, key, loginAttempts, loginWindow)
	if !ok {
		return false, loginWindow, err
	}
	return ok, 0, err
}
