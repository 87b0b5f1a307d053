package workshop

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// always429 answers every request 429 with Retry-After: 1 and records when each came.
type always429 struct {
	mu sync.Mutex
	at []time.Time
}

func (s *always429) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at = append(s.at, time.Now())
	h := http.Header{"Retry-After": {"1"}}
	return &http.Response{StatusCode: http.StatusTooManyRequests, Header: h, Body: io.NopCloser(strings.NewReader("x")), Request: req}, nil
}

// TestWithRetry: the workshop's calls to Logto are sent maxTries times in all when Logto
// keeps answering 429, each wait reported; a Retry-After longer than the longest wait
// allowed is not waited for. (httpclient's TestRetry tests the transport itself.)
func TestWithRetry(t *testing.T) {
	tests := []struct {
		name      string
		maxWait   time.Duration
		deadline  time.Duration // of the request's context; 0: none
		wantWaits []time.Duration
	}{
		{"gives up after maxTries", time.Minute, 0, []time.Duration{time.Second, time.Second, time.Second, time.Second, time.Second}},
		{"a wait longer than allowed is not taken", time.Second / 2, 0, nil},
		// Waiting could only end in a timeout, which would hide the 429.
		{"a wait past the deadline is not taken", time.Minute, time.Second / 2, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &always429{}
				var told []time.Duration
				hc := withRetry(&http.Client{Transport: s}, tc.maxWait, func(_ *http.Request, d time.Duration) { told = append(told, d) })
				ctx := t.Context()
				if tc.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tc.deadline)
					defer cancel()
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://logto.test/api/applications", strings.NewReader(`{"name":"Bookstore 01"}`))
				resp, err := hc.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusTooManyRequests {
					t.Errorf("status %d, want 429", resp.StatusCode)
				}
				if len(s.at) != len(tc.wantWaits)+1 || !slices.Equal(told, tc.wantWaits) {
					t.Errorf("%d sends, told %v; want %d, %v", len(s.at), told, len(tc.wantWaits)+1, tc.wantWaits)
				}
			})
		})
	}
}
