package workshop

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// scripted answers each request with the next status (and Retry-After) of its script and
// records the bodies it received.
type scripted struct {
	mu     sync.Mutex
	script []struct {
		status     int
		retryAfter string
	}
	bodies []string
	at     []time.Time
}

func (s *scripted) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body := ""
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		body = string(b)
	}
	s.bodies = append(s.bodies, body)
	s.at = append(s.at, time.Now())
	step := s.script[min(len(s.bodies)-1, len(s.script)-1)]
	h := http.Header{}
	if step.retryAfter != "" {
		h.Set("Retry-After", step.retryAfter)
	}
	return &http.Response{StatusCode: step.status, Header: h, Body: io.NopCloser(strings.NewReader("x")), Request: req}, nil
}

func script(steps ...any) *scripted {
	s := &scripted{}
	for i := 0; i < len(steps); i += 2 {
		s.script = append(s.script, struct {
			status     int
			retryAfter string
		}{steps[i].(int), steps[i+1].(string)})
	}
	return s
}

func TestRetryTransportHonoursRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		s          *scripted
		maxWait    time.Duration
		wantStatus int
		wantWaits  []time.Duration // between sends
	}{
		{"seconds", script(429, "30", 200, ""), time.Minute, 200, []time.Duration{30 * time.Second}},
		{"HTTP date", script(429, "DATE+45s", 201, ""), time.Minute, 201, []time.Duration{45 * time.Second}},
		{"no header: 1s, 2s, 4s", script(429, "", 429, "", 429, "", 200, ""), time.Minute, 200, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"zero", script(429, "0", 200, ""), time.Minute, 200, []time.Duration{0}},
		{"longer than allowed: the 429 comes back", script(429, "600", 200, ""), time.Minute, 429, nil},
		{"gives up after maxTries", script(429, "1"), time.Minute, 429, []time.Duration{time.Second, time.Second, time.Second, time.Second, time.Second}},
		{"other errors pass through", script(500, "5", 200, ""), time.Minute, 500, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				for i := range tc.s.script {
					if v, ok := strings.CutPrefix(tc.s.script[i].retryAfter, "DATE+"); ok {
						d, _ := time.ParseDuration(v)
						tc.s.script[i].retryAfter = time.Now().Add(d).UTC().Format(http.TimeFormat)
					}
				}
				var waits []time.Duration
				hc := withRetry(&http.Client{Transport: tc.s}, tc.maxWait, func(_ *http.Request, d time.Duration) { waits = append(waits, d) })
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://logto.test/api/applications", strings.NewReader(`{"name":"Bookstore 01"}`))
				resp, err := hc.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				_ = resp.Body.Close()
				if resp.StatusCode != tc.wantStatus {
					t.Errorf("status %d, want %d", resp.StatusCode, tc.wantStatus)
				}
				var gaps []time.Duration
				for i := 1; i < len(tc.s.at); i++ {
					gaps = append(gaps, tc.s.at[i].Sub(tc.s.at[i-1]))
				}
				if !equalDurations(gaps, tc.wantWaits) || !equalDurations(waits, tc.wantWaits) {
					t.Errorf("gaps %v, reported %v, want %v", gaps, waits, tc.wantWaits)
				}
				for i, b := range tc.s.bodies {
					if b != `{"name":"Bookstore 01"}` {
						t.Errorf("send %d had body %q", i+1, b)
					}
				}
			})
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRetryTransportStopsWithTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := script(429, "100", 200, "")
		hc := withRetry(&http.Client{Transport: s}, time.Hour, nil)
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://logto.test/api/applications", nil)
		start := time.Now()
		_, err := hc.Do(req)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 10*time.Second || len(s.bodies) != 1 {
			t.Errorf("err %v after %v, %d sends", err, time.Since(start), len(s.bodies))
		}
	})
}

func TestRetryAfterParse(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 3 ", 3 * time.Second, true},
		{"Sun, 06 Dec 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Sun, 06 Dec 2026 11:00:00 GMT", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		got, ok := retryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
