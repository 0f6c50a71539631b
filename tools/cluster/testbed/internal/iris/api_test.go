package iris

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func start(t *testing.T, rate float64) (*API, *httptest.Server) {
	t.Helper()
	api := New(rate, 1)
	server := httptest.NewServer(api.Handler())
	t.Cleanup(server.Close)
	return api, server
}

func call(t *testing.T, method, target string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// scrape reads /metrics as Prometheus would, and indexes the samples by series: `name{l="v",...}`.
func scrape(t *testing.T, server *httptest.Server) (map[string]float64, string) {
	t.Helper()
	resp, err := http.Get(server.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	// Prometheus 3 refuses a scrape without a Content-Type.
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("Content-Type %q", ct)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		t.Fatalf("%v in\n%s", err, text)
	}
	var list []*dto.MetricFamily
	for _, f := range families {
		list = append(list, f)
	}
	vector, err := expfmt.ExtractSamples(&expfmt.DecodeOptions{Timestamp: model.Now()}, list...)
	if err != nil {
		t.Fatal(err)
	}
	samples := map[string]float64{}
	for _, v := range vector {
		samples[v.Metric.String()] = float64(v.Value)
	}
	return samples, string(text)
}

const setosa = `{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}`

func TestAHealthyAPIPredictsAndCounts(t *testing.T) {
	_, server := start(t, 0)
	before, _ := scrape(t, server)
	if before[`model_loaded`] != 1 {
		t.Fatalf("model_loaded = %v, want 1", before[`model_loaded`])
	}
	// A real client has no labelled series before the first increment.
	for series := range before {
		if strings.HasPrefix(series, "model_predictions_total") || strings.HasPrefix(series, "api_errors_total") {
			t.Fatalf("%s exists before any request", series)
		}
	}
	status, body := call(t, http.MethodPost, server.URL+"/predict", setosa)
	if status != http.StatusOK {
		t.Fatalf("POST /predict: %d %s", status, body)
	}
	var p Prediction
	if err := json.Unmarshal([]byte(body), &p); err != nil || p.Class != "setosa" || p.Confidence < 0.99 {
		t.Fatalf("prediction %s (%v)", body, err)
	}
	// The same flower as a features array, and one of each other species.
	for want, features := range map[string]string{"setosa": "[5.1,3.5,1.4,0.2]", "versicolor": "[5.9,2.8,4.3,1.3]", "virginica": "[6.7,3.0,5.7,2.2]"} {
		status, body := call(t, http.MethodPost, server.URL+"/predict", `{"features":`+features+`}`)
		if status != http.StatusOK || !strings.Contains(body, `"prediction":"`+want+`"`) {
			t.Fatalf("%s: %d %s, want %s", features, status, body, want)
		}
	}
	if status, _ := call(t, http.MethodPost, server.URL+"/predict", `{"features":[1,2]}`); status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad body got %d", status)
	}
	after, _ := scrape(t, server)
	for series, want := range map[string]float64{
		`model_predictions_total{class="setosa"}`:                                         2,
		`model_predictions_total{class="versicolor"}`:                                     1,
		`model_predictions_total{class="virginica"}`:                                      1,
		`model_confidence_count`:                                                          4,
		`http_request_duration_seconds_count{handler="/predict", method="POST"}`:          5,
		`http_request_duration_seconds_bucket{handler="/predict", le="1", method="POST"}`: 5,
		`http_requests_total{handler="/predict", method="POST", status="2xx"}`:            4,
		`http_requests_total{handler="/predict", method="POST", status="4xx"}`:            1,
		`http_requests_total{handler="/metrics", method="GET", status="2xx"}`:             1,
	} {
		if after[series] != want {
			t.Errorf("%s = %v, want %v", series, after[series], want)
		}
	}
	for series := range after {
		if strings.HasPrefix(series, "api_errors_total") {
			t.Errorf("%s counted without an error", series)
		}
	}
}

func incident(t *testing.T, server *httptest.Server, query string) (int, Incident) {
	t.Helper()
	status, body := call(t, http.MethodPost, server.URL+"/admin/incident?"+query, "")
	var s Incident
	if status == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &s); err != nil {
			t.Fatal(err)
		}
	}
	return status, s
}

func TestModelNotLoaded(t *testing.T) {
	_, server := start(t, 0)
	if status, s := incident(t, server, "model_loaded=0"); status != http.StatusOK || s.ModelLoaded {
		t.Fatalf("%d %+v", status, s)
	}
	for range 3 {
		if status, body := call(t, http.MethodPost, server.URL+"/predict", setosa); status != http.StatusServiceUnavailable {
			t.Fatalf("POST /predict without a model: %d %s", status, body)
		}
	}
	samples, _ := scrape(t, server)
	for series, want := range map[string]float64{
		`model_loaded`: 0,
		`api_errors_total{endpoint="/predict", type="model_not_loaded"}`:         3,
		`http_requests_total{handler="/predict", method="POST", status="5xx"}`:   3,
		`http_request_duration_seconds_count{handler="/predict", method="POST"}`: 3,
	} {
		if samples[series] != want {
			t.Errorf("%s = %v, want %v", series, samples[series], want)
		}
	}
	// GET shows the state; reset=1 brings the model back.
	_, body := call(t, http.MethodGet, server.URL+"/admin/incident", "")
	if !strings.Contains(body, `"model_loaded":false`) {
		t.Fatalf("GET /admin/incident: %s", body)
	}
	if _, s := incident(t, server, "reset=1"); s != Healthy(0) {
		t.Fatalf("after reset: %+v", s)
	}
	if samples, _ := scrape(t, server); samples[`model_loaded`] != 1 {
		t.Fatal("model_loaded stays 0 after reset")
	}
}

func TestErrorsAndLatency(t *testing.T) {
	_, server := start(t, 0)
	incident(t, server, "error_ratio=1")
	if status, _ := call(t, http.MethodPost, server.URL+"/predict", setosa); status != http.StatusInternalServerError {
		t.Fatalf("error_ratio=1: %d", status)
	}
	incident(t, server, "reset=1&latency_seconds=1.2")
	began := time.Now()
	if status, _ := call(t, http.MethodPost, server.URL+"/predict", setosa); status != http.StatusOK {
		t.Fatalf("slow predict: %d", status)
	}
	if took := time.Since(began); took < 1200*time.Millisecond {
		t.Fatalf("latency_seconds=1.2 answered in %v", took)
	}
	// slow_ratio=0 turns the added latency off.
	incident(t, server, "slow_ratio=0")
	call(t, http.MethodPost, server.URL+"/predict", setosa)
	samples, _ := scrape(t, server)
	for series, want := range map[string]float64{
		`api_errors_total{endpoint="/predict", type="prediction_error"}`:                     1,
		`http_request_duration_seconds_count{handler="/predict", method="POST"}`:             3,
		`http_request_duration_seconds_bucket{handler="/predict", le="1", method="POST"}`:    2,
		`http_request_duration_seconds_bucket{handler="/predict", le="+Inf", method="POST"}`: 3,
	} {
		if samples[series] != want {
			t.Errorf("%s = %v, want %v", series, samples[series], want)
		}
	}
}

func TestRefusesBadIncidents(t *testing.T) {
	api, server := start(t, 2)
	for _, q := range []string{"error_ratio=1.5", "error_ratio=NaN", "rate=-1", "latency_seconds=9999", "model_loaded=maybe", "colour=red", "rate=1&rate=2", "error_ratio=0.5&slow_ratio=2"} {
		if status, _ := incident(t, server, q); status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, status)
		}
	}
	if api.State() != Healthy(2) {
		t.Fatalf("a refused incident changed the state to %+v", api.State())
	}
	status, s := incident(t, server, url.Values{"model_loaded": {"1"}, "error_ratio": {"0.3"}, "latency_seconds": {"2.5"}, "slow_ratio": {"0.5"}, "rate": {"5"}}.Encode())
	if status != http.StatusOK || s != (Incident{ModelLoaded: true, ErrorRatio: 0.3, LatencySeconds: 2.5, SlowRatio: 0.5, Rate: 5}) {
		t.Fatalf("%d %+v", status, s)
	}
}

func TestTrafficFollowsTheRate(t *testing.T) {
	api, server := start(t, 40)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { api.Traffic(ctx, server.URL, 100*time.Millisecond, 7, t.Logf); close(done) }()
	time.Sleep(time.Second)
	incident(t, server, "rate=0")
	time.Sleep(200 * time.Millisecond) // requests under way end
	samples, _ := scrape(t, server)
	predicted := samples[`http_request_duration_seconds_count{handler="/predict", method="POST"}`]
	if predicted < 20 || predicted > 60 {
		t.Fatalf("%v predictions in a second at 40/s", predicted)
	}
	classes := 0
	for series := range samples {
		if strings.HasPrefix(series, "model_predictions_total{") {
			classes++
		}
	}
	if classes != 3 {
		t.Fatalf("traffic predicted %d classes, want all 3", classes)
	}
	if samples[`http_requests_total{handler="/health", method="GET", status="2xx"}`] < 5 {
		t.Fatal("no probe traffic")
	}
	time.Sleep(300 * time.Millisecond)
	if again, _ := scrape(t, server); again[`http_request_duration_seconds_count{handler="/predict", method="POST"}`] != predicted {
		t.Fatal("traffic went on at rate=0")
	}
	cancel()
	<-done
}

// promtool (Prometheus's own linter) accepts the exposition, every metric present.
func TestPromtoolAcceptsTheMetrics(t *testing.T) {
	promtool := os.Getenv("PROMTOOL")
	if promtool == "" {
		home, _ := os.UserCacheDir()
		found, _ := filepath.Glob(filepath.Join(home, "cdk8s-mlops-monitoring", "tools", "prometheus-*", "bin", "promtool"))
		if len(found) == 0 {
			t.Fatal("promtool not found: run tools/install.sh, or set PROMTOOL")
		}
		promtool = found[len(found)-1]
	}
	_, server := start(t, 0)
	call(t, http.MethodPost, server.URL+"/predict", setosa)
	incident(t, server, "model_loaded=0")
	call(t, http.MethodPost, server.URL+"/predict", setosa)
	_, text := scrape(t, server)
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s\n%s", err, out, text)
	}
}
