package benchgen

import (
	"syscall"
	"testing"
	"time"
)

// CPUMeter measures the CPU time (user and system, every thread of the
// process) a benchmark loop uses. On a machine shared with other work, wall
// time per operation grows with the load while CPU time stays close to
// what the code costs, so the benchmarks report both.
type CPUMeter struct {
	start time.Duration
}

// StartCPU starts measuring.
func StartCPU() CPUMeter { return CPUMeter{start: cpuTime()} }

// Report adds "cpu-ms/op" and, when bytes > 0, "cpu-MB/s" (bytes per
// operation over CPU time) to b.
func (m CPUMeter) Report(b *testing.B, bytes int64) {
	used := cpuTime() - m.start
	if b.N == 0 || used <= 0 {
		return
	}
	perOp := used.Seconds() / float64(b.N)
	b.ReportMetric(perOp*1000, "cpu-ms/op")
	if bytes > 0 {
		b.ReportMetric(float64(bytes)/perOp/1e6, "cpu-MB/s")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
