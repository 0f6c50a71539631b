// Package webhook records the notifications Alertmanager sends to a webhook receiver, so that a test can
// read back what reached which receiver and when.
package webhook

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"
)

// Notification is one POST as received: the path names the receiver (each receiver gets its own URL).
type Notification struct {
	Path       string          `json:"path"`
	ReceivedAt time.Time       `json:"receivedAt"`
	Body       json.RawMessage `json:"body"`
}

// Recorder keeps the latest notifications, at most Limit of them (the oldest go first).
type Recorder struct {
	Limit        int
	MaxBodyBytes int64
	now          func() time.Time
	mu           sync.Mutex
	received     []Notification
}

// NewRecorder keeps up to limit notifications of at most maxBodyBytes each.
func NewRecorder(limit int, maxBodyBytes int64) *Recorder {
	return &Recorder{Limit: limit, MaxBodyBytes: maxBodyBytes, now: time.Now}
}

// ServeHTTP: POST to any path records a JSON body; GET /notifications lists them (oldest first), DELETE
// /notifications forgets them; GET /health answers ok.
func (r *Recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	switch {
	case req.URL.Path == "/health" && (req.Method == http.MethodGet || req.Method == http.MethodHead):
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	case req.URL.Path == "/notifications" && req.Method == http.MethodGet:
		r.mu.Lock()
		list := append([]Notification{}, r.received...)
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(list)
	case req.URL.Path == "/notifications" && req.Method == http.MethodDelete:
		r.mu.Lock()
		r.received = nil
		r.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case req.Method == http.MethodPost:
		r.record(w, req)
	default:
		http.Error(w, "POST a notification to any path; GET or DELETE /notifications; GET /health", http.StatusMethodNotAllowed)
	}
}

func (r *Recorder) record(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.MaxBodyBytes))
	if err != nil {
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	if !json.Valid(body) {
		http.Error(w, "the body is not JSON", http.StatusBadRequest)
		return
	}
	n := Notification{Path: req.URL.Path, ReceivedAt: r.now().UTC(), Body: body}
	r.mu.Lock()
	r.received = append(r.received, n)
	if over := len(r.received) - r.Limit; over > 0 {
		r.received = append([]Notification{}, r.received[over:]...)
	}
	r.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}
