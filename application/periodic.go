package application

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// periodic runs a task at once and then every interval in one goroutine,
// between Start and Stop. The sweeper and the audit pruner are built on it.
type periodic struct {
	name  string
	every time.Duration
	task  func(ctx context.Context)

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// Start launches the goroutine; it does not block. ctx only carries values:
// the task runs until Stop.
func (p *periodic) Start(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cancel != nil {
		return errors.New(p.name + " already started")
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p.cancel, p.done = cancel, make(chan struct{})
	go p.run(ctx, p.done)
	return nil
}

// Stop ends the goroutine and waits for the running task until ctx ends.
func (p *periodic) Stop(ctx context.Context) error {
	p.mu.Lock()
	cancel, done := p.cancel, p.done
	p.cancel = nil
	p.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s stop: %w", p.name, ctx.Err())
	}
}

func (p *periodic) run(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		p.task(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
