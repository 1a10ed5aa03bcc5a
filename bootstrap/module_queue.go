package bootstrap

import (
	"context"
	"fmt"
	"os"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"go.uber.org/fx"

	"github.com/bankflow/bankflow/adapters/memqueue"
	bfredis "github.com/bankflow/bankflow/adapters/redis"
	"github.com/bankflow/bankflow/domain"
)

const (
	maxDeliveries = 5
	startTimeout  = 30 * time.Second
)

// queueModule provides the job queue: Redis Streams when REDIS_URL is set,
// the in-process queue of the embedded default otherwise.
var queueModule = fx.Module("queue",
	fx.Provide(newQueue),
)

// queueResult is the queue and, with Redis, its client (for the login rate
// limiter and /ready); Client is nil on the embedded default.
type queueResult struct {
	fx.Out
	Queue  domain.JobQueue
	Client *goredis.Client
}

func newQueue(lc fx.Lifecycle, cfg Config) (queueResult, error) {
	if cfg.RedisURL == "" {
		q := memqueue.New(memqueue.Options{VisibilityTimeout: cfg.QueueVisibility, MaxDeliveries: maxDeliveries})
		lc.Append(fx.StopHook(q.Close))
		return queueResult{Queue: q}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	c, err := bfredis.NewClient(ctx, cfg.RedisURL)
	if err != nil {
		return queueResult{}, err
	}
	host, _ := os.Hostname()
	q := bfredis.NewQueue(c, bfredis.QueueOptions{
		Stream:            cfg.QueueStream,
		Group:             "workers",
		Consumer:          fmt.Sprintf("%s-%d", host, os.Getpid()),
		VisibilityTimeout: cfg.QueueVisibility,
		MaxDeliveries:     maxDeliveries,
	})
	if err := q.Init(ctx); err != nil {
		_ = c.Close()
		return queueResult{}, err
	}
	lc.Append(fx.StopHook(c.Close))
	return queueResult{Queue: q, Client: c}, nil
}
