// Package queuetest is the contract every domain.JobQueue honours: the
// Redis Streams queue and the in-process queue run the same cases.
package queuetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
)

// Options configure the queue a case needs.
type Options struct {
	VisibilityTimeout time.Duration
	MaxDeliveries     int
}

// Factory makes a fresh, empty queue configured by o and returns a function
// that opens consumers of it: every call returns a handle that receives as
// another consumer of the same queue (an in-process queue may return itself).
// The factory cleans up with t.Cleanup.
type Factory func(t *testing.T, o Options) (consumer func() domain.JobQueue)

// patience bounds every wait so that a broken queue fails instead of
// hanging; it is never an assertion about speed.
const patience = 20 * time.Second

// defaults keep messages from being redelivered during ordinary cases.
var defaults = Options{VisibilityTimeout: time.Minute, MaxDeliveries: 5}

// Run runs the contract against the queues newQueue makes.
func Run(t *testing.T, newQueue Factory) {
	t.Run("DeliversInOrderAndAck", func(t *testing.T) { deliversInOrder(t, newQueue) })
	t.Run("AtLeastOnceToCompetingConsumers", func(t *testing.T) { competingConsumers(t, newQueue) })
	t.Run("RedeliversAfterVisibilityTimeout", func(t *testing.T) { redeliversAfterTimeout(t, newQueue) })
	t.Run("RetryRedeliversNow", func(t *testing.T) { retryRedelivers(t, newQueue) })
	t.Run("DeliveryLimit", func(t *testing.T) { deliveryLimit(t, newQueue) })
	t.Run("DeliveryLimitAfterCrashes", func(t *testing.T) { deliveryLimitAfterCrashes(t, newQueue) })
	t.Run("ReceiveHonoursContext", func(t *testing.T) { receiveHonoursContext(t, newQueue) })
	t.Run("Depth", func(t *testing.T) { depth(t, newQueue) })
}

// Receive takes one delivery from q, failing the test if none comes.
func Receive(t *testing.T, q domain.JobQueue) *domain.Delivery {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	d, err := q.Receive(ctx)
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	return d
}

// Enqueue adds ids to q.
func Enqueue(t *testing.T, q domain.JobQueue, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := q.Enqueue(context.Background(), id); err != nil {
			t.Fatalf("enqueue %s: %v", id, err)
		}
	}
}

// Ack acknowledges d.
func Ack(t *testing.T, d *domain.Delivery) {
	t.Helper()
	if err := d.Ack(context.Background()); err != nil {
		t.Fatalf("ack %s: %v", d.JobID, err)
	}
}

// WantDepth checks q's depth.
func WantDepth(t *testing.T, q domain.JobQueue, want int64) {
	t.Helper()
	got, err := q.Depth(context.Background())
	if err != nil {
		t.Fatalf("depth: %v", err)
	}
	if got != want {
		t.Fatalf("depth = %d, want %d", got, want)
	}
}

func want(t *testing.T, d *domain.Delivery, jobID string, attempt int) {
	t.Helper()
	if d.JobID != jobID || d.Attempt != attempt {
		t.Fatalf("delivery = %s attempt %d, want %s attempt %d", d.JobID, d.Attempt, jobID, attempt)
	}
}

func deliversInOrder(t *testing.T, newQueue Factory) {
	q := newQueue(t, defaults)()
	Enqueue(t, q, "job-a", "job-b", "job-c")
	for _, id := range []string{"job-a", "job-b", "job-c"} {
		d := Receive(t, q)
		want(t, d, id, 1)
		if d.MaxAttempts != defaults.MaxDeliveries || d.Exhausted() {
			t.Fatalf("first delivery: max %d, exhausted %v", d.MaxAttempts, d.Exhausted())
		}
		Ack(t, d)
	}
	WantDepth(t, q, 0)
}

func competingConsumers(t *testing.T, newQueue Factory) {
	consumer := newQueue(t, defaults)
	a, b := consumer(), consumer()
	const n = 100
	for i := range n {
		Enqueue(t, a, fmt.Sprintf("job-%03d", i))
	}
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	var mu sync.Mutex
	seen := map[string]int{}
	perConsumer := [2]int{}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for i, q := range []domain.JobQueue{a, b} {
		wg.Go(func() {
			for {
				d, err := q.Receive(ctx)
				if err != nil {
					if !errors.Is(err, context.Canceled) {
						errs <- err
					}
					return
				}
				if err := d.Ack(ctx); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				seen[d.JobID]++
				perConsumer[i]++
				if len(seen) == n {
					cancel()
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("consumer: %v", err)
	}
	if len(seen) != n {
		t.Fatalf("delivered %d distinct jobs of %d", len(seen), n)
	}
	t.Logf("consumer a took %d, b took %d", perConsumer[0], perConsumer[1])
	WantDepth(t, a, 0)
}

func redeliversAfterTimeout(t *testing.T, newQueue Factory) {
	consumer := newQueue(t, Options{VisibilityTimeout: 500 * time.Millisecond, MaxDeliveries: 5})
	crashed, survivor := consumer(), consumer()
	Enqueue(t, crashed, "job-x")
	first := Receive(t, crashed)
	want(t, first, "job-x", 1)
	// The first worker dies without acking: another one gets the job.
	second := Receive(t, survivor)
	want(t, second, "job-x", 2)
	WantDepth(t, survivor, 1)
	Ack(t, second)
	WantDepth(t, survivor, 0)
	// A late ack from the first worker is harmless.
	if err := first.Ack(context.Background()); err != nil {
		t.Fatalf("late ack: %v", err)
	}
	WantDepth(t, survivor, 0)
}

func retryRedelivers(t *testing.T, newQueue Factory) {
	q := newQueue(t, defaults)()
	Enqueue(t, q, "job-r")
	d := Receive(t, q)
	if err := d.Retry(context.Background()); err != nil {
		t.Fatalf("retry: %v", err)
	}
	WantDepth(t, q, 1)
	again := Receive(t, q)
	want(t, again, "job-r", 2)
	Ack(t, again)
	WantDepth(t, q, 0)
}

func deliveryLimit(t *testing.T, newQueue Factory) {
	q := newQueue(t, Options{VisibilityTimeout: time.Minute, MaxDeliveries: 2})()
	Enqueue(t, q, "job-poison")
	for attempt := 1; attempt <= 2; attempt++ {
		d := Receive(t, q)
		want(t, d, "job-poison", attempt)
		if d.Exhausted() {
			t.Fatalf("attempt %d of 2 reported exhausted", attempt)
		}
		if err := d.Retry(context.Background()); err != nil {
			t.Fatalf("retry: %v", err)
		}
	}
	last := Receive(t, q)
	want(t, last, "job-poison", 3)
	if !last.Exhausted() {
		t.Fatalf("attempt 3 of max 2 not exhausted (max %d)", last.MaxAttempts)
	}
	Ack(t, last) // the worker marked the job failed
	WantDepth(t, q, 0)
}

func deliveryLimitAfterCrashes(t *testing.T, newQueue Factory) {
	consumer := newQueue(t, Options{VisibilityTimeout: 300 * time.Millisecond, MaxDeliveries: 1})
	a, b := consumer(), consumer()
	Enqueue(t, a, "job-crash")
	want(t, Receive(t, a), "job-crash", 1) // never acked
	d := Receive(t, b)
	want(t, d, "job-crash", 2)
	if !d.Exhausted() {
		t.Fatal("redelivery past the limit not exhausted")
	}
	Ack(t, d)
	WantDepth(t, b, 0)
}

func receiveHonoursContext(t *testing.T, newQueue Factory) {
	q := newQueue(t, defaults)()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := q.Receive(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("receive with a cancelled ctx: %v", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := q.Receive(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("receive on an empty queue: %v", err)
	}
	// Nothing was lost or taken by the abandoned receives.
	Enqueue(t, q, "job-after")
	want(t, Receive(t, q), "job-after", 1)
}

func depth(t *testing.T, newQueue Factory) {
	q := newQueue(t, defaults)()
	WantDepth(t, q, 0)
	Enqueue(t, q, "job-1", "job-2", "job-3")
	WantDepth(t, q, 3)
	d := Receive(t, q)
	WantDepth(t, q, 3) // in flight still counts
	Ack(t, d)
	WantDepth(t, q, 2)
}
