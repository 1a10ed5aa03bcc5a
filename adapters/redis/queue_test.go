package redis

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/bankflow/bankflow/domain"
	"github.com/bankflow/bankflow/internal/queuetest"
	"github.com/bankflow/bankflow/internal/testenv"
)

func testClient(tb testing.TB) *goredis.Client {
	tb.Helper()
	c, err := NewClient(context.Background(), testenv.RedisURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// testStream returns queue options on a stream and group of the test's
// own, deleted when it ends.
func testStream(tb testing.TB, c *goredis.Client) QueueOptions {
	tb.Helper()
	name := "bankflow:test:" + rand.Text()[:12]
	tb.Cleanup(func() { c.Del(context.Background(), name) })
	return QueueOptions{Stream: name, Group: "g-" + rand.Text()[:8], BlockFor: 200 * time.Millisecond}
}

func TestContract(t *testing.T) {
	c := testClient(t)
	queuetest.Run(t, func(t *testing.T, o queuetest.Options) func() domain.JobQueue {
		opts := testStream(t, c)
		opts.VisibilityTimeout, opts.MaxDeliveries = o.VisibilityTimeout, o.MaxDeliveries
		var n atomic.Int32
		return func() domain.JobQueue {
			o := opts
			o.Consumer = fmt.Sprintf("consumer-%d", n.Add(1))
			return NewQueue(c, o)
		}
	})
}

// TestSurvivesFlush deletes the stream and its group under a queue with an
// entry in flight, as FLUSHALL or a restart without persistence would (the
// Redis of this machine is shared, so the test deletes only its own key).
func TestSurvivesFlush(t *testing.T) {
	c := testClient(t)
	opts := testStream(t, c)
	q := NewQueue(c, opts)
	ctx := context.Background()
	queuetest.Enqueue(t, q, "job-1", "job-2", "job-3")
	inFlight := queuetest.Receive(t, q)
	retried := queuetest.Receive(t, q)
	flush(t, c, opts.Stream)

	if err := inFlight.Ack(ctx); err != nil {
		t.Fatalf("ack after flush: %v", err)
	}
	queuetest.WantDepth(t, q, 0)
	// A job given back while the group is gone is not lost.
	if err := retried.Retry(ctx); err != nil {
		t.Fatalf("retry after flush: %v", err)
	}
	d := queuetest.Receive(t, q)
	if d.JobID != "job-2" || d.Attempt != 2 {
		t.Fatalf("after flush got %s attempt %d, want job-2 attempt 2", d.JobID, d.Attempt)
	}
	// Flushed again: the recreated group is gone too.
	flush(t, c, opts.Stream)
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := q.Receive(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("receive on a flushed queue: %v", err)
	}
	// Given back after Receive recreated an empty group: still not lost.
	if err := d.Retry(ctx); err != nil {
		t.Fatalf("second retry after flush: %v", err)
	}
	d = queuetest.Receive(t, q)
	if d.JobID != "job-2" || d.Attempt != 3 {
		t.Fatalf("after second flush got %s attempt %d, want job-2 attempt 3", d.JobID, d.Attempt)
	}
	queuetest.Ack(t, d)
	// New jobs flow again (the application re-enqueues the lost ones).
	queuetest.Enqueue(t, q, "job-1")
	queuetest.Ack(t, queuetest.Receive(t, q))
	queuetest.WantDepth(t, q, 0)
}

// TestBlockedReceiverSurvivesFlush flushes while a worker waits for work.
func TestBlockedReceiverSurvivesFlush(t *testing.T) {
	c := testClient(t)
	opts := testStream(t, c)
	worker, submitter := NewQueue(c, opts), NewQueue(c, opts)
	if err := worker.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := make(chan *domain.Delivery, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		d, err := worker.Receive(ctx)
		if err != nil {
			t.Errorf("receive: %v", err)
		}
		got <- d
	}()
	flush(t, c, opts.Stream)
	queuetest.Enqueue(t, submitter, "job-after-flush")
	d := <-got
	if d == nil || d.JobID != "job-after-flush" {
		t.Fatalf("blocked receiver got %+v", d)
	}
	queuetest.Ack(t, d)
}

func TestRetryByAWorkerThatLostItsDelivery(t *testing.T) {
	c := testClient(t)
	opts := testStream(t, c)
	opts.VisibilityTimeout = 200 * time.Millisecond
	a, b := opts, opts
	a.Consumer, b.Consumer = "a", "b"
	qa, qb := NewQueue(c, a), NewQueue(c, b)
	queuetest.Enqueue(t, qa, "job-slow")
	stale := queuetest.Receive(t, qa)
	current := queuetest.Receive(t, qb)
	if current.Attempt != 2 {
		t.Fatalf("claimed attempt %d, want 2", current.Attempt)
	}
	if err := stale.Retry(context.Background()); err != nil {
		t.Fatal(err)
	}
	queuetest.WantDepth(t, qb, 1) // not duplicated
	queuetest.Ack(t, current)
	queuetest.WantDepth(t, qb, 0)
}

func TestPing(t *testing.T) {
	c := testClient(t)
	if err := NewQueue(c, testStream(t, c)).Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	dead := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	defer dead.Close()
	if err := NewQueue(dead, QueueOptions{}).Ping(context.Background()); err == nil {
		t.Fatal("ping of a closed port succeeded")
	}
}

func flush(t *testing.T, c *goredis.Client, stream string) {
	t.Helper()
	if err := c.Del(context.Background(), stream).Err(); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkRedisEnqueueReceiveAck(b *testing.B) {
	c := testClient(b)
	q := NewQueue(c, testStream(b, c))
	ctx := context.Background()
	if err := q.Init(ctx); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for b.Loop() {
		if err := q.Enqueue(ctx, "job"); err != nil {
			b.Fatal(err)
		}
		d, err := q.Receive(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := d.Ack(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}
