package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/bankflow/bankflow/domain"
)

// retryScript gives an entry back at the end of the stream in one step.
// An entry now held by another consumer (this worker was presumed dead) is
// left alone, so it is not duplicated; an entry missing from the stream
// altogether is added again, because it may have vanished in a flush (if it
// was in fact acked, the extra delivery is harmless: processing is
// idempotent).
// KEYS[1] stream; ARGV group, entry id, job id, prior deliveries, consumer.
const retryScript = `
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p > 0 then
  if p[1][2] ~= ARGV[5] then return 0 end
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
  redis.call('XDEL', KEYS[1], ARGV[2])
elseif #redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2]) > 0 then
  return 0
end
redis.call('XADD', KEYS[1], '*', '` + fieldJobID + `', ARGV[3], '` + fieldPrior + `', ARGV[4])
return 1
`

// maxScanSteps bounds the XAUTOCLAIM calls of one scan of the pending list
// (each examines up to ten entries).
const maxScanSteps = 100

// claim takes over one entry idle past the visibility timeout, scanning the
// pending list from where the last scan stopped.
func (q *Queue) claim(ctx context.Context) (*domain.Delivery, error) {
	q.mu.Lock()
	start := q.cursor
	q.mu.Unlock()
	for range maxScanSteps {
		msgs, next, err := q.c.XAutoClaim(ctx, &goredis.XAutoClaimArgs{
			Stream:   q.o.Stream,
			Group:    q.o.Group,
			MinIdle:  q.o.VisibilityTimeout,
			Start:    start,
			Count:    1,
			Consumer: q.o.Consumer,
		}).Result()
		if err != nil {
			return nil, fmt.Errorf("redis xautoclaim: %w", err)
		}
		q.mu.Lock()
		q.cursor = next
		if len(msgs) == 0 && next == "0-0" {
			q.lastScan = time.Now()
		}
		q.mu.Unlock()
		for _, m := range msgs {
			d, err := q.claimed(ctx, m)
			if d != nil || err != nil {
				return d, err
			}
		}
		if next == "0-0" {
			return nil, nil
		}
		start = next
	}
	return nil, nil
}

// claimed turns a claimed entry into a delivery; its attempt is the pending
// entry's delivery count (which XAUTOCLAIM just raised) plus the deliveries
// before a retry re-added it.
func (q *Queue) claimed(ctx context.Context, m goredis.XMessage) (*domain.Delivery, error) {
	jobID, prior, ok := parseEntry(m)
	if !ok {
		return nil, q.drop(ctx, m.ID)
	}
	pending, err := q.c.XPendingExt(ctx, &goredis.XPendingExtArgs{
		Stream: q.o.Stream, Group: q.o.Group, Start: m.ID, End: m.ID, Count: 1,
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("redis xpending: %w", err)
	}
	if len(pending) == 0 {
		return nil, nil // acked meanwhile by a worker presumed dead
	}
	return q.delivery(m.ID, jobID, prior+int(pending[0].RetryCount)), nil
}

// read waits up to the block time for a new entry.
func (q *Queue) read(ctx context.Context) (*domain.Delivery, error) {
	res, err := q.c.XReadGroup(ctx, &goredis.XReadGroupArgs{
		Group:    q.o.Group,
		Consumer: q.o.Consumer,
		Streams:  []string{q.o.Stream, ">"},
		Count:    1,
		Block:    q.claimEvery,
	}).Result()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redis xreadgroup: %w", err)
	}
	// One stream and Count 1: at most one entry comes back.
	if len(res) == 0 || len(res[0].Messages) == 0 {
		return nil, nil
	}
	m := res[0].Messages[0]
	jobID, prior, ok := parseEntry(m)
	if !ok {
		return nil, q.drop(ctx, m.ID)
	}
	if ctx.Err() != nil {
		// Too late for this caller: give the entry back for others
		// rather than leave it until the visibility timeout.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		return nil, q.giveBack(rctx, m.ID, jobID, prior)
	}
	return q.delivery(m.ID, jobID, prior+1), nil
}

func (q *Queue) delivery(entryID, jobID string, attempt int) *domain.Delivery {
	return &domain.Delivery{
		JobID:       jobID,
		Attempt:     attempt,
		MaxAttempts: q.o.MaxDeliveries,
		Ack:         func(ctx context.Context) error { return q.ack(ctx, entryID) },
		Retry:       func(ctx context.Context) error { return q.giveBack(ctx, entryID, jobID, attempt) },
	}
}

// ack removes the entry from the pending list and the stream. An entry
// that vanished with its group (Redis flushed) needs no ack.
func (q *Queue) ack(ctx context.Context, entryID string) error {
	_, err := q.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.XAck(ctx, q.o.Stream, q.o.Group, entryID)
		p.XDel(ctx, q.o.Stream, entryID)
		return nil
	})
	if err != nil && !isNoGroup(err) {
		return fmt.Errorf("redis ack %s: %w", entryID, err)
	}
	return nil
}

// giveBack replaces the entry held by this consumer with a new one at the
// end of the stream, recording prior deliveries. If the group vanished the
// job is simply enqueued again.
func (q *Queue) giveBack(ctx context.Context, entryID, jobID string, prior int) error {
	keys := []string{q.o.Stream}
	err := q.retry.Run(ctx, q.c, keys, q.o.Group, entryID, jobID, prior, q.o.Consumer).Err()
	if isNoGroup(err) {
		q.mu.Lock()
		q.ready = false
		q.mu.Unlock()
		if err := q.Init(ctx); err != nil {
			return err
		}
		return q.add(ctx, jobID, prior)
	}
	if err != nil {
		return fmt.Errorf("redis retry %s: %w", jobID, err)
	}
	return nil
}

// drop acks and deletes an entry that carries no job id (not ours).
func (q *Queue) drop(ctx context.Context, entryID string) error {
	return q.ack(ctx, entryID)
}

func parseEntry(m goredis.XMessage) (jobID string, prior int, ok bool) {
	jobID, _ = m.Values[fieldJobID].(string)
	if jobID == "" {
		return "", 0, false
	}
	if s, isStr := m.Values[fieldPrior].(string); isStr {
		prior, _ = strconv.Atoi(s)
	}
	return jobID, prior, true
}
