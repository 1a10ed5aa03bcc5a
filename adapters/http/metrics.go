package web

import (
	"context"
	"log/slog"
	nethttp "net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bankflow/bankflow/application"
	"github.com/bankflow/bankflow/domain"
)

// MetricsConfig feeds the gauges Metrics reads at scrape time. Both
// functions are optional.
type MetricsConfig struct {
	// JobStats returns the number of jobs in each status (bankflow_jobs).
	JobStats func(ctx context.Context) (map[string]int64, error)
	// QueueDepth returns the entries waiting or in flight in the job queue
	// (bankflow_queue_depth); domain.JobQueue.Depth fits.
	QueueDepth func(ctx context.Context) (int64, error)
	// Log receives scrape-time errors; nil means slog.Default().
	Log *slog.Logger
}

// Metrics holds BankFlow's Prometheus metrics in a registry of its own (never
// the global default one). It implements application.Metrics, so bootstrap
// hands the same value to the application and to this adapter.
type Metrics struct {
	registry        *prometheus.Registry
	uploads         *prometheus.CounterVec
	jobs            *prometheus.CounterVec
	processing      prometheus.Histogram
	parseFailures   *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
}

var _ application.Metrics = (*Metrics)(nil)

// scrapeTimeout bounds the gauge functions at scrape time.
const scrapeTimeout = 2 * time.Second

// NewMetrics registers every metric in a new registry, with the Go runtime
// and process collectors.
func NewMetrics(cfg MetricsConfig) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		uploads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bankflow_uploads_total",
			Help: "Statement files submitted, by channel (upload, email, api, cli).",
		}, []string{"source"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bankflow_jobs_total",
			Help: "Jobs that reached a final status, by status.",
		}, []string{"status"}),
		processing: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "bankflow_processing_seconds",
			Help:    "Time from a job's submission to its final status.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120},
		}),
		parseFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bankflow_parse_failures_total",
			Help: "Files that could not be read, by detected bank (unknown when none).",
		}, []string{"bank"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bankflow_http_request_duration_seconds",
			Help:    "HTTP request duration by method, route template and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route", "code"}),
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	m.registry.MustRegister(
		m.uploads, m.jobs, m.processing, m.parseFailures, m.requestDuration,
		&gaugeCollector{jobStats: cfg.JobStats, queueDepth: cfg.QueueDepth, log: log},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Registry returns the registry, for tests and for other adapters' metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() nethttp.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// JobSubmitted counts a submitted file.
func (m *Metrics) JobSubmitted(source string) {
	m.uploads.WithLabelValues(source).Inc()
}

// JobFinished counts a job reaching a final status and records how long it
// took from submission (seconds is a duration, not money).
func (m *Metrics) JobFinished(status string, bank string, seconds float64) {
	m.jobs.WithLabelValues(status).Inc()
	if seconds > 0 {
		m.processing.Observe(seconds)
	}
}

// ParseFailed counts a file that could not be read. The bank may come from a
// user's hint, so anything but a known slug is counted as "other" to keep
// the label set bounded.
func (m *Metrics) ParseFailed(bank string) {
	m.parseFailures.WithLabelValues(bankLabel(bank)).Inc()
}

// knownBanks are the bank slugs allowed as label values.
var knownBanks = map[string]bool{
	domain.BankItau: true, domain.BankBradesco: true, domain.BankBB: true, domain.BankCaixa: true,
	domain.BankSantander: true, domain.BankNubank: true, domain.BankInter: true, domain.BankC6: true,
	domain.BankSicoob: true, domain.BankSicredi: true, domain.BankBTG: true, domain.BankUnknown: true,
}

func bankLabel(bank string) string {
	switch {
	case bank == "":
		return domain.BankUnknown
	case knownBanks[bank]:
		return bank
	default:
		return "other"
	}
}

func (m *Metrics) observeRequest(method, route string, status int, d time.Duration) {
	m.requestDuration.WithLabelValues(method, route, strconv.Itoa(status)).Observe(d.Seconds())
}

// gaugeCollector reads the job and queue gauges at scrape time, so they are
// true across processes (the database and the queue are shared).
type gaugeCollector struct {
	jobStats   func(ctx context.Context) (map[string]int64, error)
	queueDepth func(ctx context.Context) (int64, error)
	log        *slog.Logger
}

var (
	jobsDesc = prometheus.NewDesc("bankflow_jobs",
		"Jobs currently in each status.", []string{"status"}, nil)
	queueDepthDesc = prometheus.NewDesc("bankflow_queue_depth",
		"Job queue entries waiting or in flight.", nil, nil)
)

func (c *gaugeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jobsDesc
	ch <- queueDepthDesc
}

func (c *gaugeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if c.jobStats != nil {
		stats, err := c.jobStats(ctx)
		if err != nil {
			c.log.Warn("metrics: job stats failed", slog.Any("error", err))
		}
		for status, n := range stats {
			ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(n), status)
		}
	}
	if c.queueDepth != nil {
		n, err := c.queueDepth(ctx)
		if err != nil {
			c.log.Warn("metrics: queue depth failed", slog.Any("error", err))
			return
		}
		ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, float64(n))
	}
}
