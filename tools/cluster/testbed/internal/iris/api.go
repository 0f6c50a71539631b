// Package iris is a stand-in for the Iris API, the ML inference API the monitoring stack watches: it
// predicts Iris species and exposes the metrics a Python FastAPI service would, and takes incidents at run
// time (no model, errors, latency) so that a test can watch the alerts they cause.
package iris

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Incident is what the API goes through: healthy is a loaded model, no errors, no added latency.
type Incident struct {
	// ModelLoaded false: /predict answers 503 and counts a `model_not_loaded` error.
	ModelLoaded bool `json:"model_loaded"`
	// ErrorRatio is the share of predictions that fail with a 500 (`prediction_error`).
	ErrorRatio float64 `json:"error_ratio"`
	// LatencySeconds is added to the share SlowRatio of predictions.
	LatencySeconds float64 `json:"latency_seconds"`
	SlowRatio      float64 `json:"slow_ratio"`
	// Rate is the self-generated traffic, in /predict requests per second.
	Rate float64 `json:"rate"`
}

// Healthy is the state at start and after a reset, with traffic at `rate` requests per second.
func Healthy(rate float64) Incident {
	return Incident{ModelLoaded: true, SlowRatio: 1, Rate: rate}
}

// Limits of the incident parameters: a typo must not hang the API for hours or flood it.
const (
	maxLatencySeconds = 300
	maxRate           = 1000
)

// API serves /predict, /health, /metrics and /admin/incident.
type API struct {
	metrics *metrics
	healthy Incident

	mu     sync.Mutex
	state  Incident
	random *rand.Rand
}

// New starts healthy, with self-generated traffic of `rate` requests per second once Traffic runs.
func New(rate float64, seed uint64) *API {
	a := &API{metrics: newMetrics(), healthy: Healthy(rate), random: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	a.set(a.healthy)
	return a
}

// Handler routes the requests; the admin route is left out of the HTTP metrics (a real service has none).
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/predict", a.metrics.instrument("/predict", http.HandlerFunc(a.predict)))
	mux.Handle("/health", a.metrics.instrument("/health", http.HandlerFunc(a.health)))
	mux.Handle("/metrics", a.metrics.instrument("/metrics", a.metrics.handler()))
	mux.HandleFunc("/admin/incident", a.incident)
	// Routes the app does not know count under handler "none", as the instrumentator groups them.
	mux.Handle("/", a.metrics.instrument("none", http.NotFoundHandler()))
	return mux
}

// State is the current incident.
func (a *API) State() Incident {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.state
}

func (a *API) set(s Incident) {
	a.mu.Lock()
	a.state = s
	a.mu.Unlock()
	if s.ModelLoaded {
		a.metrics.loaded.Set(1)
	} else {
		a.metrics.loaded.Set(0)
	}
}

// roll returns true with probability p.
func (a *API) roll(p float64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.random.Float64() < p
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// detail is FastAPI's error body.
type detail struct {
	Detail string `json:"detail"`
}

func (a *API) health(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeJSON(w, http.StatusMethodNotAllowed, detail{"Method Not Allowed"})
		return
	}
	// Healthy as a process even without a model: that incident is for ModelNotLoaded, not a restart.
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "model_loaded": a.State().ModelLoaded})
}

// Prediction is the answer of /predict.
type Prediction struct {
	Class         string             `json:"prediction"`
	Confidence    float64            `json:"confidence"`
	Probabilities map[string]float64 `json:"probabilities"`
}

func (a *API) predict(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, detail{"Method Not Allowed"})
		return
	}
	var in Measurements
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&in); err != nil {
		// FastAPI rejects a bad body before the handler runs: no error counter.
		writeJSON(w, http.StatusUnprocessableEntity, detail{"invalid body: " + err.Error()})
		return
	}
	x, err := in.vector()
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, detail{err.Error()})
		return
	}
	s := a.State()
	if !s.ModelLoaded {
		a.metrics.errors.WithLabelValues("model_not_loaded", "/predict").Inc()
		writeJSON(w, http.StatusServiceUnavailable, detail{"Model not loaded"})
		return
	}
	if s.LatencySeconds > 0 && a.roll(s.SlowRatio) {
		if !sleep(r.Context(), time.Duration(s.LatencySeconds*float64(time.Second))) {
			return // the client left
		}
	}
	if a.roll(s.ErrorRatio) {
		a.metrics.errors.WithLabelValues("prediction_error", "/predict").Inc()
		writeJSON(w, http.StatusInternalServerError, detail{"Prediction failed"})
		return
	}
	p := classify(x)
	a.metrics.predictions.WithLabelValues(p.Class).Inc()
	a.metrics.confidence.Observe(p.Confidence)
	writeJSON(w, http.StatusOK, p)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// incident: GET shows the state; POST changes it with query or form parameters model_loaded, error_ratio,
// latency_seconds, slow_ratio, rate (any subset), after reset=1 if given. A bad value changes nothing.
func (a *API) incident(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, a.State())
	case http.MethodPost:
		if err := r.ParseForm(); err != nil {
			writeJSON(w, http.StatusBadRequest, detail{err.Error()})
			return
		}
		s, err := a.apply(a.State(), r.Form)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, detail{err.Error()})
			return
		}
		a.set(s)
		writeJSON(w, http.StatusOK, s)
	default:
		writeJSON(w, http.StatusMethodNotAllowed, detail{"GET or POST"})
	}
}

func (a *API) apply(s Incident, form url.Values) (Incident, error) {
	if v := form.Get("reset"); v != "" {
		reset, err := strconv.ParseBool(v)
		if err != nil {
			return s, fmt.Errorf("reset: %q is not a boolean", v)
		}
		if reset {
			s = a.healthy
		}
	}
	for key, values := range form {
		if len(values) != 1 {
			return s, fmt.Errorf("%s: give one value", key)
		}
		v := values[0]
		var err error
		switch key {
		case "reset":
		case "model_loaded":
			s.ModelLoaded, err = strconv.ParseBool(v)
		case "error_ratio":
			s.ErrorRatio, err = number(v, 0, 1)
		case "slow_ratio":
			s.SlowRatio, err = number(v, 0, 1)
		case "latency_seconds":
			s.LatencySeconds, err = number(v, 0, maxLatencySeconds)
		case "rate":
			s.Rate, err = number(v, 0, maxRate)
		default:
			return s, fmt.Errorf("unknown parameter %q (model_loaded, error_ratio, latency_seconds, slow_ratio, rate, reset)", key)
		}
		if err != nil {
			return s, fmt.Errorf("%s: %w", key, err)
		}
	}
	return s, nil
}

func number(v string, lo, hi float64) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || f < lo || f > hi {
		return 0, fmt.Errorf("%q is not a number from %g to %g", v, lo, hi)
	}
	return f, nil
}
