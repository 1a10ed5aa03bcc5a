// Package redis holds the Redis adapters: the Redis Streams job queue and a
// fixed-window rate limiter.
package redis

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/bankflow/bankflow/domain"
)

// Stream entry fields.
const (
	fieldJobID = "job_id"
	fieldPrior = "prior" // deliveries before this entry was (re)added by Retry
)

// QueueOptions configure a Queue. Zero values take the defaults.
type QueueOptions struct {
	// Stream is the stream key (default "bankflow:jobs").
	Stream string
	// Group is the consumer group shared by all workers (default "workers").
	Group string
	// Consumer names this process in the group; it must be unique per
	// process (default host-pid).
	Consumer string
	// VisibilityTimeout is how long an entry may stay unacked before another
	// consumer claims it (default 5 minutes). It must exceed the longest job.
	VisibilityTimeout time.Duration
	// MaxDeliveries is the delivery limit (default 5).
	MaxDeliveries int
	// BlockFor bounds one blocking XREADGROUP (default 2s); Receive notices a
	// cancelled ctx within about this long.
	BlockFor time.Duration
	// OnError, if set, is told of the Redis errors Receive retries through
	// (Redis restarting, network trouble), for logs and metrics.
	OnError func(error)
}

// Queue is a domain.JobQueue on a Redis Streams consumer group, at least
// once: Enqueue is XADD; Receive first claims (XAUTOCLAIM) an entry left
// unacked past the visibility timeout by a dead worker, else reads a new one
// (XREADGROUP); Ack is XACK + XDEL once the job's final state is committed;
// Retry gives the entry back at the end of the stream at once.
//
// Attempt counts every delivery of a job, across claims and retries.
// Delivery limit contract: an entry delivered more than MaxDeliveries times
// is still handed to the caller, with Attempt > MaxAttempts
// (domain.Delivery.Exhausted); the worker must then mark the job failed and
// Ack instead of processing it. The queue never drops an entry on its own.
//
// When the stream or group vanishes (Redis flushed, or restarted without
// persistence) the queue recreates them and carries on; the entries lost
// with them are re-enqueued from the job table at start-up. Receive retries
// through Redis errors until ctx ends.
type Queue struct {
	c          *goredis.Client
	o          QueueOptions
	claimEvery time.Duration
	retry      *goredis.Script

	mu       sync.Mutex
	cursor   string    // XAUTOCLAIM scan position
	lastScan time.Time // last XAUTOCLAIM scan that found nothing
	ready    bool      // the group is known to exist
}

var _ domain.JobQueue = (*Queue)(nil)

// NewQueue returns a queue on client. The stream and group are created on
// first use (or by Init).
func NewQueue(client *goredis.Client, opts QueueOptions) *Queue {
	if opts.Stream == "" {
		opts.Stream = "bankflow:jobs"
	}
	if opts.Group == "" {
		opts.Group = "workers"
	}
	if opts.Consumer == "" {
		host, _ := os.Hostname()
		opts.Consumer = host + "-" + strconv.Itoa(os.Getpid())
	}
	if opts.VisibilityTimeout <= 0 {
		opts.VisibilityTimeout = 5 * time.Minute
	}
	if opts.MaxDeliveries <= 0 {
		opts.MaxDeliveries = 5
	}
	if opts.BlockFor <= 0 {
		opts.BlockFor = 2 * time.Second
	}
	return &Queue{
		c:          client,
		o:          opts,
		claimEvery: max(min(opts.VisibilityTimeout/2, opts.BlockFor), 10*time.Millisecond),
		retry:      goredis.NewScript(retryScript),
		cursor:     "0-0",
	}
}

// Init creates the stream and consumer group if they do not exist, so that
// a misconfigured Redis fails at start-up.
func (q *Queue) Init(ctx context.Context) error {
	// "0" rather than "$": entries added while the group was missing (after
	// a flush) are still delivered.
	err := q.c.XGroupCreateMkStream(ctx, q.o.Stream, q.o.Group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("redis queue init: %w", err)
	}
	q.mu.Lock()
	q.ready = true
	q.mu.Unlock()
	return nil
}

// Ping checks that Redis answers (the /ready probe).
func (q *Queue) Ping(ctx context.Context) error {
	if err := q.c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis ping: %w", err)
	}
	return nil
}

// Enqueue appends jobID to the stream.
func (q *Queue) Enqueue(ctx context.Context, jobID string) error {
	return q.add(ctx, jobID, 0)
}

func (q *Queue) add(ctx context.Context, jobID string, prior int) error {
	values := []any{fieldJobID, jobID}
	if prior > 0 {
		values = append(values, fieldPrior, prior)
	}
	if err := q.c.XAdd(ctx, &goredis.XAddArgs{Stream: q.o.Stream, Values: values}).Err(); err != nil {
		return fmt.Errorf("redis enqueue %s: %w", jobID, err)
	}
	return nil
}

// Receive blocks until a delivery is available or ctx ends, in which case
// it returns ctx.Err(). It retries through Redis errors, pausing between
// attempts, and recreates a vanished stream or group.
func (q *Queue) Receive(ctx context.Context) (*domain.Delivery, error) {
	backoff := 50 * time.Millisecond
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := q.receiveOnce(ctx)
		if d != nil || err == nil {
			if d != nil {
				return d, nil
			}
			backoff = 50 * time.Millisecond
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if isNoGroup(err) {
			q.mu.Lock()
			q.ready = false
			q.mu.Unlock()
			continue
		}
		if q.o.OnError != nil {
			q.o.OnError(err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// receiveOnce tries to claim an abandoned entry, then reads a new one; a
// nil delivery with a nil error means nothing arrived within BlockFor.
func (q *Queue) receiveOnce(ctx context.Context) (*domain.Delivery, error) {
	q.mu.Lock()
	ready := q.ready
	scan := time.Since(q.lastScan) >= q.claimEvery
	q.mu.Unlock()
	if !ready {
		if err := q.Init(ctx); err != nil {
			return nil, err
		}
	}
	if scan {
		d, err := q.claim(ctx)
		if d != nil || err != nil {
			return d, err
		}
	}
	return q.read(ctx)
}

// Depth counts the entries in the stream: waiting and in flight, since
// acked entries are deleted.
func (q *Queue) Depth(ctx context.Context) (int64, error) {
	n, err := q.c.XLen(ctx, q.o.Stream).Result()
	if err != nil {
		return 0, fmt.Errorf("redis queue depth: %w", err)
	}
	return n, nil
}

// isNoGroup reports the error Redis gives when the stream or group is gone.
func isNoGroup(err error) bool {
	return err != nil && strings.Contains(err.Error(), "NOGROUP")
}
