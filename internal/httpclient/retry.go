package httpclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retry is the one http.RoundTripper that honours 429 Too Many Requests, for Logto (the
// workshop's calls) and Twilio (twiliosetup) alike. After a 429 it waits for the answer's
// Retry-After (delay seconds or an HTTP date; without one Backoff, then twice that each
// time) and sends the request again, at most Attempts times in all.
//
// A wait is not taken, and the 429 goes back to the caller to report, when it is longer
// than MaxWait or would end after the request's deadline (its context's, which includes
// an http.Client's Timeout): waiting could only end in a timeout that hides the cause.
// A request whose body cannot be sent again (no GetBody) is not retried, nor is a 429
// without Retry-After that says it is a limit over minutes (longLimit: Logto's
// request.message_rate_limited, 10 codes per phone per 10 minutes), which backing off
// for seconds cannot outlast. Any other
// answer and every transport error pass through untouched: a POST that failed with a 5xx
// or a dropped connection may have done its work, so only the caller may decide to retry
// it. When the request's context ends during a wait, RoundTrip returns its cause.
type Retry struct {
	Base     http.RoundTripper // nil: http.DefaultTransport
	Attempts int               // tries in all, the first included; below 1: one
	Backoff  time.Duration     // the first wait without a Retry-After; 0: one second
	MaxWait  time.Duration     // the longest wait taken, a Retry-After included

	// OnWait, when set, is told before each wait, so the caller can say why
	// nothing seems to happen.
	OnWait func(req *http.Request, d time.Duration)
}

// RoundTrip sends req, again after each 429 it may wait for.
func (t *Retry) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	backoff := t.Backoff
	if backoff <= 0 {
		backoff = time.Second
	}
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for try := 1; ; try++ {
		resp, err := base.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || try >= t.Attempts || !replayable {
			return resp, err
		}
		wait, ok := RetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if !ok {
			if longLimit(resp) {
				return resp, nil
			}
			wait = backoff
		}
		backoff *= 2
		if wait > t.MaxWait {
			return resp, nil
		}
		ctx := req.Context()
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // so the connection is reused
		_ = resp.Body.Close()
		if t.OnWait != nil {
			t.OnWait(req, wait)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, context.Cause(ctx)
		case <-timer.C:
		}
		next := req.Clone(ctx)
		if req.Body != nil && req.Body != http.NoBody {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("send the request again: %w", err)
			}
			next.Body = body
		}
		req = next
	}
}

// RetryAfter reads a Retry-After value: delay seconds or an HTTP date (a date
// in the past is no wait). ok is false when there is no valid value.
func RetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0, false
		}
		n = min(n, 86400) // beyond any wait anyone takes; no overflow
		return time.Duration(n) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// longLimit reports whether a 429 is Logto's limit on codes to one phone (its JSON body's
// code is request.message_rate_limited, no Retry-After): it lasts up to 10 minutes, so the
// caller reports it at once. The body is read (at most 64 KiB) and put back.
func longLimit(resp *http.Response) bool {
	if resp.Body == nil {
		return false
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), resp.Body), resp.Body}
	if err != nil {
		return false
	}
	var body struct {
		Code string `json:"code"`
	}
	return json.Unmarshal(b, &body) == nil && body.Code == "request.message_rate_limited"
}
