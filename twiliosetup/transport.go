package twiliosetup

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/httpclient"
)

// retryPolicy bounds the 429 retries.
type retryPolicy struct {
	attempts int           // total tries, the first included
	base     time.Duration // first wait when Retry-After is absent; doubles each time
	max      time.Duration // longest wait, including a Retry-After
}

var defaultRetry = retryPolicy{attempts: 4, base: time.Second, max: 30 * time.Second}

// ctxTransport attaches ctx to every request (twilio-go builds them with context.Background())
// and retries 429 responses.
type ctxTransport struct {
	ctx   context.Context
	base  http.RoundTripper
	retry retryPolicy
}

// RoundTrip sends req with t.ctx. A 429 is retried after the Retry-After delay (seconds or an
// HTTP date) or an exponential backoff, at most t.retry.attempts times in all; a delay longer than
// the policy's maximum or past ctx's deadline is not waited for and the 429 is returned. Only
// requests whose body can be replayed are retried (twilio-go's form bodies can).
func (t *ctxTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	backoff := t.retry.base
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for attempt := 1; ; attempt++ {
		resp, err := t.send(req, attempt > 1)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || attempt >= t.retry.attempts || !replayable {
			return bufferError(resp), err
		}
		wait := backoff
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			wait = d
		}
		backoff *= 2
		if wait > t.retry.max {
			return bufferError(resp), nil
		}
		if dl, ok := t.ctx.Deadline(); ok && time.Until(dl) < wait {
			return bufferError(resp), nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		timer := time.NewTimer(wait)
		select {
		case <-t.ctx.Done():
			timer.Stop()
			return nil, context.Cause(t.ctx)
		case <-req.Context().Done():
			timer.Stop()
			return nil, context.Cause(req.Context())
		case <-timer.C:
		}
	}
}

// send sends one copy of req whose context ends when either req's context (which carries the
// http.Client's Timeout) or t.ctx ends. The merged context lives until the body is closed.
func (t *ctxTransport) send(req *http.Request, replay bool) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	stop := context.AfterFunc(t.ctx, func() { cancel(context.Cause(t.ctx)) })
	done := func() { stop(); cancel(nil) }
	r := req.Clone(ctx)
	if replay && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			done()
			return nil, fmt.Errorf("twiliosetup: replay the request body: %w", err)
		}
		r.Body = body
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		done()
		if ctxErr := t.ctx.Err(); ctxErr != nil {
			// Report the caller's own context error (DeadlineExceeded or Canceled), not the
			// Canceled of the merged context.
			return nil, ctxErr
		}
		return nil, httpclient.RestoreEOF(err)
	}
	resp.Body = &doneBody{ReadCloser: resp.Body, done: done}
	return resp, nil
}

// doneBody releases the merged context when the body is closed.
type doneBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *doneBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err //nolint:wrapcheck // a response body's Close error passes through unchanged
}

// bufferError reads the body of an error answer (4xx, 5xx) into memory and closes it.
// twilio-go decodes such a body but never closes it (client.doWithErr), which would hold
// the connection, its read goroutine and the merged context until the client's timeout; a
// body in memory holds nothing. (net/http's own goroutine for http.Client.Timeout stops
// only on Close, so it still lives until that timeout.) Error bodies are small JSON; 1 MiB
// is read at most, and a short read decodes as malformed.
func bufferError(resp *http.Response) *http.Response {
	if resp == nil || resp.StatusCode < http.StatusBadRequest {
		return resp
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > 86400 {
			n = 86400 // beyond any policy maximum; avoids overflow
		}
		return time.Duration(n) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		d := at.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
