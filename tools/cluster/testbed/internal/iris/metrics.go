package iris

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the series a Python Iris API exposes: its own model metrics (the names the library alerts on)
// and those of the FastAPI instrumentator's default set, with its label names and buckets
// (prometheus-fastapi-instrumentator 8.x `metrics.default()`). Labelled counters get a series only at
// their first increment, as with any Prometheus client.
type metrics struct {
	registry *prometheus.Registry

	predictions *prometheus.CounterVec // model_predictions_total{class}
	confidence  prometheus.Histogram   // model_confidence
	loaded      prometheus.Gauge       // model_loaded
	errors      *prometheus.CounterVec // api_errors_total{type,endpoint}

	requests      *prometheus.CounterVec   // http_requests_total{method,status,handler}
	requestSize   *prometheus.SummaryVec   // http_request_size_bytes{handler}
	responseSize  *prometheus.SummaryVec   // http_response_size_bytes{handler}
	durationHighr prometheus.Histogram     // http_request_duration_highr_seconds
	duration      *prometheus.HistogramVec // http_request_duration_seconds{method,handler}
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		predictions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "model_predictions_total", Help: "Predictions served, by predicted class.",
		}, []string{"class"}),
		confidence: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "model_confidence", Help: "Probability of the predicted class.",
			Buckets: []float64{0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1},
		}),
		loaded: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "model_loaded", Help: "1 when the model is loaded, 0 when not.",
		}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "api_errors_total", Help: "Failed requests, by error type and endpoint.",
		}, []string{"type", "endpoint"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total", Help: "Requests by method, status class and handler.",
		}, []string{"method", "status", "handler"}),
		requestSize: prometheus.NewSummaryVec(prometheus.SummaryOpts{
			Name: "http_request_size_bytes", Help: "Content-Length of requests by handler.",
		}, []string{"handler"}),
		responseSize: prometheus.NewSummaryVec(prometheus.SummaryOpts{
			Name: "http_response_size_bytes", Help: "Size of responses by handler.",
		}, []string{"handler"}),
		durationHighr: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "http_request_duration_highr_seconds", Help: "Request duration, many buckets, no labels.",
			Buckets: []float64{0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 7.5, 10, 30, 60},
		}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "http_request_duration_seconds", Help: "Request duration by method and handler, few buckets.",
			Buckets: []float64{0.1, 0.5, 1},
		}, []string{"method", "handler"}),
	}
	m.registry.MustRegister(m.predictions, m.confidence, m.loaded, m.errors,
		m.requests, m.requestSize, m.responseSize, m.durationHighr, m.duration,
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// handler serves the registry in the text format (0.0.4, with its Content-Type), as the Python client does.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// instrument observes each request to route `handler` as the instrumentator's middleware does: status
// grouped to its class ("2xx"), the duration of the whole request.
func (m *metrics) instrument(handler string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		seconds := time.Since(start).Seconds()
		m.requests.WithLabelValues(r.Method, strconv.Itoa(rec.status)[:1]+"xx", handler).Inc()
		size := r.ContentLength
		if size < 0 {
			size = 0
		}
		m.requestSize.WithLabelValues(handler).Observe(float64(size))
		m.responseSize.WithLabelValues(handler).Observe(float64(rec.bytes))
		m.durationHighr.Observe(seconds)
		m.duration.WithLabelValues(r.Method, handler).Observe(seconds)
	})
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}
