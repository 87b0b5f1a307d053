package workshop

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxTries is how often one request is sent when Logto keeps answering 429.
const maxTries = 6

// retryTransport is the one place where 429 Too Many Requests is honoured: it waits for the
// answer's Retry-After (seconds or an HTTP date; without one 1 s, 2 s, 4 s…) and sends the
// request again, at most maxTries times in all. A wait longer than maxWait is not taken:
// the 429 goes back to the caller, who reports that app. Other answers and transport
// errors pass through untouched: a POST that failed with a 5xx or a dropped connection may
// have created the app, so only a re-run (which looks the name up first) may retry it.
type retryTransport struct {
	base    http.RoundTripper
	maxWait time.Duration
	onWait  func(req *http.Request, d time.Duration) // may be nil
}

// withRetry returns a copy of hc whose transport honours 429 Retry-After.
func withRetry(hc *http.Client, maxWait time.Duration, onWait func(*http.Request, time.Duration)) *http.Client {
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	out := *hc
	out.Transport = &retryTransport{base: base, maxWait: maxWait, onWait: onWait}
	return &out
}

// RoundTrip sends req, again after each 429 it is allowed to wait for.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for try := 1; ; try++ {
		resp, err := t.base.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || try >= maxTries {
			return resp, err
		}
		if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
			return resp, nil // the body cannot be sent again
		}
		d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now())
		if !ok {
			d = time.Second << (try - 1)
		}
		if d > t.maxWait {
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		_ = resp.Body.Close()
		if t.onWait != nil {
			t.onWait(req, d)
		}
		timer := time.NewTimer(d)
		select {
		case <-req.Context().Done():
			timer.Stop()
			return nil, req.Context().Err()
		case <-timer.C:
		}
		next := req.Clone(req.Context())
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("workshop: send the request again: %w", err)
			}
			next.Body = body
		}
		req = next
	}
}

// retryAfter reads a Retry-After value: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}
