package bootstrap

import (
	"log/slog"
	"time"

	"go.uber.org/fx"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// workerModule processes queued jobs and sweeps expired files. At start it
// re-enqueues jobs left queued or processing: the job table is the truth.
var workerModule = fx.Module("worker",
	fx.Provide(newWorker, newSweeper),
	fx.Invoke(runWorker, runSweeper),
)

func newWorker(cfg Config, jobs *application.Jobs, q domain.JobQueue, repo domain.JobRepository, log *slog.Logger) *application.Worker {
	wc := application.WorkerConfig{
		Concurrency:   cfg.Workers,
		MaxDeliveries: maxDeliveries,
	}
	if cfg.RedisURL != "" {
		// Other processes share the queue: at start-up, leave them the jobs
		// they started within the visibility timeout (Redis hands a dead
		// process's jobs on after it).
		wc.StaleAfter = cfg.QueueVisibility
	}
	return application.NewWorker(jobs, q, repo, wc, log)
}

func newSweeper(cfg Config, repo domain.JobRepository, files domain.FileStore, log *slog.Logger) *application.Sweeper {
	return application.NewSweeper(repo, files, cfg.SweepEvery, time.Now, log)
}

func runWorker(lc fx.Lifecycle, w *application.Worker) {
	lc.Append(fx.StartStopHook(w.Start, w.Stop))
	lc.Append(fx.StartHook(w.RecoverUnfinished))
}

func runSweeper(lc fx.Lifecycle, s *application.Sweeper) {
	lc.Append(fx.StartStopHook(s.Start, s.Stop))
}
