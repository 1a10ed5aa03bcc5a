// Package memqueue is the in-process domain.JobQueue of the embedded
// default: the same at-least-once guarantees as the Redis Streams queue,
// within one process. Its content does not survive a restart; the job table
// is the source of truth and unfinished jobs are re-enqueued at start-up.
package memqueue

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// ErrClosed is returned by a closed queue.
var ErrClosed = errors.New("memqueue: closed")

// Options configure a Queue. Zero values take the defaults.
type Options struct {
	// VisibilityTimeout is how long a delivery may stay unacked before the
	// message is handed to another Receive (default 5 minutes). It must
	// exceed the longest job.
	VisibilityTimeout time.Duration
	// MaxDeliveries is the delivery limit (default 5).
	MaxDeliveries int
}

// Queue is an in-process JobQueue. A delivery that is neither acked nor
// retried within the visibility timeout is redelivered with the next
// Attempt, as XAUTOCLAIM does for Redis. Past MaxDeliveries a message is
// still delivered, with Attempt > MaxAttempts (domain.Delivery.Exhausted):
// the worker marks the job failed and acks. Redelivery is driven by Receive
// itself, so the queue runs no goroutine of its own.
type Queue struct {
	opts Options
	now  func() time.Time

	mu       sync.Mutex
	ready    []*entry          // FIFO of messages waiting
	inflight map[uint64]*entry // delivered, not yet acked, by entry id
	nextID   uint64
	wake     chan struct{} // closed and replaced when a message arrives
	closed   bool
	done     chan struct{}
}

type entry struct {
	id       uint64
	jobID    string
	attempts int       // deliveries so far
	token    uint64    // identifies the current delivery
	deadline time.Time // while in flight: when it becomes redeliverable
}

var _ domain.JobQueue = (*Queue)(nil)

// New returns an empty queue.
func New(opts Options) *Queue {
	if opts.VisibilityTimeout <= 0 {
		opts.VisibilityTimeout = 5 * time.Minute
	}
	if opts.MaxDeliveries <= 0 {
		opts.MaxDeliveries = 5
	}
	return &Queue{
		opts:     opts,
		now:      time.Now,
		inflight: map[uint64]*entry{},
		wake:     make(chan struct{}),
		done:     make(chan struct{}),
	}
}

// Enqueue adds a job id at the back of the queue; ErrClosed after Close.
func (q *Queue) Enqueue(ctx context.Context, jobID string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrClosed
	}
	q.nextID++
	q.push(&entry{id: q.nextID, jobID: jobID})
	return nil
}

// Receive returns the oldest message whose delivery timed out, else the
// next waiting one, blocking until there is one, ctx ends (ctx.Err()) or
// the queue is closed (ErrClosed).
func (q *Queue) Receive(ctx context.Context) (*domain.Delivery, error) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return nil, ErrClosed
		}
		now := q.now()
		e, next := q.expired(now)
		if e == nil && len(q.ready) > 0 {
			e = q.ready[0]
			q.ready[0] = nil
			q.ready = q.ready[1:]
		}
		if e != nil {
			d := q.deliver(e, now)
			q.mu.Unlock()
			return d, nil
		}
		wake := q.wake
		q.mu.Unlock()

		var expire <-chan time.Time
		if !next.IsZero() {
			if timer == nil {
				timer = time.NewTimer(next.Sub(now))
			} else {
				timer.Reset(next.Sub(now))
			}
			expire = timer.C
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-q.done:
			return nil, ErrClosed
		case <-wake:
		case <-expire:
		}
	}
}

// Depth counts the messages waiting and in flight.
func (q *Queue) Depth(ctx context.Context) (int64, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return int64(len(q.ready) + len(q.inflight)), nil
}

// Close stops the queue: blocked and later Receive calls return ErrClosed
// and the messages held are dropped (the job table re-enqueues them at the
// next start). Close is idempotent.
func (q *Queue) Close() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.done)
		q.ready, q.inflight = nil, map[uint64]*entry{}
	}
	return nil
}

// expired returns the in-flight entry whose deadline passed longest ago,
// or else the earliest deadline to wait for (zero when nothing is in flight).
func (q *Queue) expired(now time.Time) (*entry, time.Time) {
	var oldest *entry
	var next time.Time
	for _, e := range q.inflight {
		if oldest == nil || e.deadline.Before(oldest.deadline) {
			oldest = e
		}
	}
	if oldest == nil {
		return nil, next
	}
	if !oldest.deadline.After(now) {
		return oldest, next
	}
	return nil, oldest.deadline
}

// deliver marks e in flight for a new delivery. Called with mu held.
func (q *Queue) deliver(e *entry, now time.Time) *domain.Delivery {
	e.attempts++
	e.token++
	e.deadline = now.Add(q.opts.VisibilityTimeout)
	q.inflight[e.id] = e
	id, token := e.id, e.token
	return &domain.Delivery{
		JobID:       e.jobID,
		Attempt:     e.attempts,
		MaxAttempts: q.opts.MaxDeliveries,
		Ack:         func(context.Context) error { q.ack(id); return nil },
		Retry:       func(context.Context) error { q.retry(id, token); return nil },
	}
}

// ack forgets the message, whichever delivery of it acks (as XACK does):
// a late ack from a worker presumed dead means the job was handled.
func (q *Queue) ack(id uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.inflight, id)
}

// retry puts the message back at the end of the queue, keeping its count of
// deliveries. A retry from a delivery that has since timed out and been
// handed to another worker is ignored.
func (q *Queue) retry(id, token uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	e, ok := q.inflight[id]
	if !ok || e.token != token || q.closed {
		return
	}
	delete(q.inflight, id)
	q.push(e)
}

// push appends e to the waiting messages and wakes receivers. Called with
// mu held.
func (q *Queue) push(e *entry) {
	e.deadline = time.Time{}
	q.ready = append(q.ready, e)
	close(q.wake)
	q.wake = make(chan struct{})
}
