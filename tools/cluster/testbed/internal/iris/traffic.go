package iris

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Traffic plays the API's clients until ctx ends: POST baseURL/predict at the current incident's rate (a
// change applies at once), and GET baseURL/health every probeEvery (0: never). Requests run concurrently,
// as a slow model makes them pile up, up to 256 at once; logf reports failures, at most one a minute.
func (a *API) Traffic(ctx context.Context, baseURL string, probeEvery time.Duration, seed uint64, logf func(string, ...any)) {
	client := &http.Client{Timeout: (maxLatencySeconds + 30) * time.Second}
	random := rand.New(rand.NewPCG(seed, ^seed))
	inflight := make(chan struct{}, 256)
	var wg sync.WaitGroup
	defer wg.Wait()
	var mu sync.Mutex
	var lastReport time.Time
	report := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(lastReport) >= time.Minute {
			lastReport = time.Now()
			logf(format, args...)
		}
	}
	send := func(method, path string, body []byte) {
		defer wg.Done()
		defer func() { <-inflight }()
		req, err := http.NewRequestWithContext(ctx, method, baseURL+path, bytes.NewReader(body))
		if err != nil {
			report("traffic: %v", err)
			return
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				report("traffic: %s %s: %v", method, path, err)
			}
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	start := func(method, path string, body []byte) {
		select {
		case inflight <- struct{}{}:
			wg.Add(1)
			go send(method, path, body)
		default:
			report("traffic: %d requests in flight, skipping one", cap(inflight))
		}
	}

	const tick = 50 * time.Millisecond
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	credit := 0.0 // requests due: a token bucket, so that any rate, even below one per tick, is kept
	last := time.Now()
	lastProbe := last
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-ticker.C:
			rate := a.State().Rate
			credit = min(credit+now.Sub(last).Seconds()*rate, max(1, rate))
			last = now
			for ; credit >= 1; credit-- {
				body, _ := json.Marshal(Sample(random))
				start(http.MethodPost, "/predict", body)
			}
			if probeEvery > 0 && now.Sub(lastProbe) >= probeEvery {
				lastProbe = now
				start(http.MethodGet, "/health", nil)
			}
		}
	}
}
