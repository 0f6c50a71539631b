package webhook

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// An Alertmanager webhook payload (version 4), trimmed.
const payload = `{"version":"4","status":"firing","receiver":"critical","groupKey":"{}:{alertname=\"ModelNotLoaded\"}",
"alerts":[{"status":"firing","labels":{"alertname":"ModelNotLoaded","severity":"critical"}}]}`

func do(t *testing.T, h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader(body)))
	return rec
}

func list(t *testing.T, h http.Handler) []Notification {
	t.Helper()
	rec := do(t, h, http.MethodGet, "/notifications", "")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /notifications: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var got []Notification
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestRecordsListsAndClears(t *testing.T) {
	r := NewRecorder(10, 1<<20)
	at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	r.now = func() time.Time { return at }
	if got := list(t, r); len(got) != 0 {
		t.Fatalf("a new recorder lists %d notifications", len(got))
	}
	if rec := do(t, r, http.MethodPost, "/critical", payload); rec.Code != http.StatusOK {
		t.Fatalf("POST: %d", rec.Code)
	}
	got := list(t, r)
	if len(got) != 1 || got[0].Path != "/critical" || !got[0].ReceivedAt.Equal(at) {
		t.Fatalf("recorded %+v", got)
	}
	var body struct {
		Receiver string
		Alerts   []struct{ Labels map[string]string }
	}
	if err := json.Unmarshal(got[0].Body, &body); err != nil || body.Receiver != "critical" || body.Alerts[0].Labels["alertname"] != "ModelNotLoaded" {
		t.Fatalf("body not kept as sent: %s (%v)", got[0].Body, err)
	}
	if rec := do(t, r, http.MethodDelete, "/notifications", ""); rec.Code != http.StatusNoContent {
		t.Fatalf("DELETE: %d", rec.Code)
	}
	if got := list(t, r); len(got) != 0 {
		t.Fatalf("%d notifications left after DELETE", len(got))
	}
}

func TestKeepsTheLatestWithinItsLimit(t *testing.T) {
	r := NewRecorder(2, 1<<20)
	for _, p := range []string{"/a", "/b", "/c"} {
		do(t, r, http.MethodPost, p, payload)
	}
	got := list(t, r)
	if len(got) != 2 || got[0].Path != "/b" || got[1].Path != "/c" {
		t.Fatalf("kept %+v, want /b then /c", got)
	}
}

func TestRefusesWhatIsNoNotification(t *testing.T) {
	r := NewRecorder(10, 64)
	for _, c := range []struct {
		method, path, body string
		status             int
	}{
		{http.MethodPost, "/x", "not json", http.StatusBadRequest},
		{http.MethodPost, "/x", `{"big":"` + strings.Repeat("x", 100) + `"}`, http.StatusRequestEntityTooLarge},
		{http.MethodPut, "/notifications", "", http.StatusMethodNotAllowed},
		{http.MethodGet, "/other", "", http.StatusMethodNotAllowed},
	} {
		if rec := do(t, r, c.method, c.path, c.body); rec.Code != c.status {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, rec.Code, c.status)
		}
	}
	if got := list(t, r); len(got) != 0 {
		t.Fatalf("recorded %d refused notifications", len(got))
	}
	if rec := do(t, r, http.MethodGet, "/health", ""); rec.Code != http.StatusOK {
		t.Fatalf("GET /health: %d", rec.Code)
	}
}
