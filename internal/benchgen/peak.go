package benchgen

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// PeakMeter samples the memory the Go runtime holds from the system
// (mapped memory less what it released back) every few milliseconds, from
// Start until Stop, and keeps the highest value: the peak a process running
// the measured code would need, input bytes included.
type PeakMeter struct {
	stop    chan struct{}
	done    sync.WaitGroup
	peak    uint64
	samples []metrics.Sample
}

// Start collects garbage (so earlier benchmarks do not count) and starts
// sampling.
func Start() *PeakMeter {
	runtime.GC()
	m := &PeakMeter{stop: make(chan struct{}), samples: []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}}
	m.sample()
	m.done.Add(1)
	go func() {
		defer m.done.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-t.C:
				m.sample()
			}
		}
	}()
	return m
}

func (m *PeakMeter) sample() {
	metrics.Read(m.samples)
	if v := m.samples[0].Value.Uint64() - m.samples[1].Value.Uint64(); v > m.peak {
		m.peak = v
	}
}

// Stop ends the sampling and returns the peak in MiB.
func (m *PeakMeter) Stop() float64 {
	close(m.stop)
	m.done.Wait()
	m.sample()
	return float64(m.peak) / (1 << 20)
}
