package httpclient_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/httpclient"
)

// scripted answers each request with the next step of its script (the last one again when
// the script is over) and records when and with which body each request came.
type scripted struct {
	mu     sync.Mutex
	script []step
	bodies []string
	at     []time.Time
}

type step struct {
	status     int    // 0: a transport error
	retryAfter string // "DATE+45s": an HTTP date 45 s after the first request
}

var errDropped = errors.New("connection dropped")

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
	st := s.script[min(len(s.bodies)-1, len(s.script)-1)]
	if st.status == 0 {
		return nil, errDropped
	}
	h := http.Header{}
	if v, ok := strings.CutPrefix(st.retryAfter, "DATE+"); ok {
		d, _ := time.ParseDuration(v)
		h.Set("Retry-After", s.at[0].Add(d).UTC().Format(http.TimeFormat))
	} else if st.retryAfter != "" {
		h.Set("Retry-After", st.retryAfter)
	}
	return &http.Response{StatusCode: st.status, Header: h, Body: io.NopCloser(strings.NewReader("x")), Request: req}, nil
}

// gaps are the times between the requests.
func (s *scripted) gaps() []time.Duration {
	var out []time.Duration
	for i := 1; i < len(s.at); i++ {
		out = append(out, s.at[i].Sub(s.at[i-1]))
	}
	return out
}

func TestRetry(t *testing.T) {
	const sec = time.Second
	tests := []struct {
		name       string
		script     []step
		attempts   int
		backoff    time.Duration
		maxWait    time.Duration
		deadline   time.Duration // 0: none
		body       io.Reader     // nil: a replayable body
		wantStatus int           // 0: wantErr
		wantErr    error
		wantWaits  []time.Duration // between sends, and what OnWait was told
	}{
		{name: "retry-after seconds", script: []step{{429, "30"}, {200, ""}}, attempts: 6, maxWait: time.Minute, wantStatus: 200, wantWaits: []time.Duration{30 * sec}},
		{name: "retry-after seconds twice", script: []step{{429, "3"}, {429, "3"}, {201, ""}}, attempts: 4, maxWait: 30 * sec, wantStatus: 201, wantWaits: []time.Duration{3 * sec, 3 * sec}},
		{name: "retry-after HTTP date", script: []step{{429, "DATE+45s"}, {201, ""}}, attempts: 6, maxWait: time.Minute, wantStatus: 201, wantWaits: []time.Duration{45 * sec}},
		{name: "no header: 1s, 2s, 4s", script: []step{{429, ""}, {429, ""}, {429, ""}, {200, ""}}, attempts: 6, maxWait: time.Minute, wantStatus: 200, wantWaits: []time.Duration{sec, 2 * sec, 4 * sec}},
		{name: "no header: the backoff given", script: []step{{429, ""}, {429, ""}, {200, ""}}, attempts: 6, backoff: 250 * time.Millisecond, maxWait: time.Minute, wantStatus: 200, wantWaits: []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}},
		{name: "the backoff doubles after a retry-after too", script: []step{{429, "5"}, {429, ""}, {200, ""}}, attempts: 6, maxWait: time.Minute, wantStatus: 200, wantWaits: []time.Duration{5 * sec, 2 * sec}},
		{name: "zero", script: []step{{429, "0"}, {200, ""}}, attempts: 6, maxWait: time.Minute, wantStatus: 200, wantWaits: []time.Duration{0}},
		{name: "longer than allowed: the 429 comes back", script: []step{{429, "120"}, {200, ""}}, attempts: 6, maxWait: time.Minute, wantStatus: 429},
		{name: "past the deadline: the 429 comes back at once", script: []step{{429, "100"}, {200, ""}}, attempts: 6, maxWait: time.Hour, deadline: 10 * sec, wantStatus: 429},
		{name: "within the deadline: waited", script: []step{{429, "5"}, {200, ""}}, attempts: 6, maxWait: time.Hour, deadline: 10 * sec, wantStatus: 200, wantWaits: []time.Duration{5 * sec}},
		{name: "gives up after the attempts", script: []step{{429, "1"}}, attempts: 4, maxWait: time.Minute, wantStatus: 429, wantWaits: []time.Duration{sec, sec, sec}},
		{name: "one attempt: no retry", script: []step{{429, "1"}, {200, ""}}, attempts: 1, maxWait: time.Minute, wantStatus: 429},
		{name: "a body that cannot be sent again", script: []step{{429, "1"}, {200, ""}}, attempts: 6, maxWait: time.Minute, body: io.MultiReader(strings.NewReader(`{"name":"Bookstore 01"}`)), wantStatus: 429},
		{name: "other answers pass through", script: []step{{500, "5"}, {200, ""}}, attempts: 6, maxWait: time.Minute, wantStatus: 500},
		{name: "transport errors pass through", script: []step{{0, ""}, {200, ""}}, attempts: 6, maxWait: time.Minute, wantErr: errDropped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &scripted{script: tt.script}
				var told []time.Duration
				hc := &http.Client{Transport: &httpclient.Retry{
					Base: s, Attempts: tt.attempts, Backoff: tt.backoff, MaxWait: tt.maxWait,
					OnWait: func(_ *http.Request, d time.Duration) { told = append(told, d) },
				}}
				ctx := t.Context()
				if tt.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.deadline)
					defer cancel()
				}
				body := tt.body
				if body == nil {
					body = strings.NewReader(`{"name":"Bookstore 01"}`)
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://logto.test/api/applications", body)
				resp, err := hc.Do(req)
				if tt.wantErr != nil {
					if !errors.Is(err, tt.wantErr) {
						t.Fatalf("err %v, want %v", err, tt.wantErr)
					}
				} else {
					if err != nil {
						t.Fatal(err)
					}
					_ = resp.Body.Close()
					if resp.StatusCode != tt.wantStatus {
						t.Errorf("status %d, want %d", resp.StatusCode, tt.wantStatus)
					}
				}
				if !slices.Equal(s.gaps(), tt.wantWaits) || !slices.Equal(told, tt.wantWaits) {
					t.Errorf("gaps %v, told %v, want %v", s.gaps(), told, tt.wantWaits)
				}
				for i, b := range s.bodies {
					if b != `{"name":"Bookstore 01"}` {
						t.Errorf("send %d had body %q", i+1, b)
					}
				}
			})
		})
	}
}

// TestRetryStopsWithTheContext: a wait ends when the request's context does, with its
// cause, and nothing more is sent.
func TestRetryStopsWithTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scripted{script: []step{{429, "100"}, {200, ""}}}
		hc := &http.Client{Transport: &httpclient.Retry{Base: s, Attempts: 6, MaxWait: time.Hour}}
		ctx, cancel := context.WithCancelCause(t.Context())
		stopped := errors.New("stopped by the user")
		time.AfterFunc(10*time.Second, func() { cancel(stopped) })
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://logto.test/api/applications", nil)
		start := time.Now()
		_, err := hc.Do(req)
		if !errors.Is(err, stopped) || time.Since(start) != 10*time.Second || len(s.bodies) != 1 {
			t.Errorf("err %v after %v, %d sends", err, time.Since(start), len(s.bodies))
		}
	})
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 3 ", 3 * time.Second, true},
		{"0", 0, true},
		{"999999999999", 24 * time.Hour, true}, // capped: no overflow
		{"Sun, 06 Dec 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Sun, 06 Dec 2026 11:00:00 GMT", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		got, ok := httpclient.RetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// limited answers every request with Logto's 429 request.message_rate_limited (no
// Retry-After: logto-1.41/SUMMARY.md P2) and counts them.
type limited struct {
	mu sync.Mutex
	n  int
}

const limitedBody = `{"code":"request.message_rate_limited","message":"Too many requests."}`

func (l *limited) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.n++
	l.mu.Unlock()
	return &http.Response{
		StatusCode: http.StatusTooManyRequests, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(limitedBody)), Request: req,
	}, nil
}

// TestRetryLeavesTheCodeLimit: Logto's limit on codes to one phone lasts up to 10 minutes,
// so the transport gives the 429 back at once, body intact, instead of backing off and
// sending again (each send asks for another code).
func TestRetryLeavesTheCodeLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &limited{}
		var waits []time.Duration
		rt := &httpclient.Retry{Base: base, Attempts: 6, MaxWait: time.Minute, OnWait: func(_ *http.Request, d time.Duration) { waits = append(waits, d) }}
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://logto.test/api/experience/verification/verification-code", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusTooManyRequests || string(b) != limitedBody {
			t.Errorf("answer %d %q", resp.StatusCode, b)
		}
		if base.n != 1 || len(waits) != 0 || time.Since(start) != 0 {
			t.Errorf("sent %d times, waited %v (%v): want once, at once", base.n, waits, time.Since(start))
		}
	})
}
