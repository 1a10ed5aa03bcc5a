package memqueue

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/bankflow/bankflow/domain"
	"github.com/bankflow/bankflow/internal/queuetest"
)

func TestContract(t *testing.T) {
	queuetest.Run(t, func(t *testing.T, o queuetest.Options) func() domain.JobQueue {
		q := New(Options{VisibilityTimeout: o.VisibilityTimeout, MaxDeliveries: o.MaxDeliveries})
		t.Cleanup(func() { q.Close() })
		return func() domain.JobQueue { return q }
	})
}

func TestCloseUnblocksReceive(t *testing.T) {
	q := New(Options{})
	before := runtime.NumGoroutine()
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := q.Receive(context.Background())
			errs <- err
		}()
	}
	q.Close()
	for range 3 {
		if err := <-errs; !errors.Is(err, ErrClosed) {
			t.Fatalf("receive after close: %v, want ErrClosed", err)
		}
	}
	if err := q.Enqueue(context.Background(), "late"); !errors.Is(err, ErrClosed) {
		t.Fatalf("enqueue after close: %v", err)
	}
	if err := q.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	// The queue owns no goroutine: none is left once receivers return.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines after close, %d before", n, before)
	}
}

// TestStaleRetryIsIgnored covers a worker that was presumed dead, lost its
// delivery to another worker, and then gives the job back.
func TestStaleRetryIsIgnored(t *testing.T) {
	q := New(Options{VisibilityTimeout: 50 * time.Millisecond})
	t.Cleanup(func() { q.Close() })
	queuetest.Enqueue(t, q, "job-s")
	stale := queuetest.Receive(t, q)
	current := queuetest.Receive(t, q) // after the visibility timeout
	if current.Attempt != 2 {
		t.Fatalf("redelivery attempt %d", current.Attempt)
	}
	if err := stale.Retry(context.Background()); err != nil {
		t.Fatal(err)
	}
	queuetest.WantDepth(t, q, 1)
	queuetest.Ack(t, current)
	queuetest.WantDepth(t, q, 0)
}

func BenchmarkMemqueueEnqueueReceiveAck(b *testing.B) {
	q := New(Options{})
	defer q.Close()
	ctx := context.Background()
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
