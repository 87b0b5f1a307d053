package twiliosetup

import (
	"bytes"
	"context"
	"io"
	"net/http"
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
// and retries 429 responses through httpclient.Retry.
type ctxTransport struct {
	ctx   context.Context
	base  http.RoundTripper
	retry retryPolicy
}

// RoundTrip sends req with t.ctx. A 429 is retried after the Retry-After delay (seconds or an
// HTTP date) or an exponential backoff, at most t.retry.attempts times in all; a delay longer than
// the policy's maximum or past the deadline of ctx (or of the http.Client's Timeout) is not
// waited for and the 429 is returned. Only requests whose body can be replayed are retried
// (twilio-go's form bodies can).
func (t *ctxTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// The request's context (which carries the http.Client's Timeout) also ends when t.ctx
	// does, and has t.ctx's deadline; it lives until the body is closed.
	ctx, cancel := context.WithCancelCause(req.Context())
	stop := context.AfterFunc(t.ctx, func() { cancel(context.Cause(t.ctx)) })
	done := func() { stop(); cancel(nil) }
	if dl, ok := t.ctx.Deadline(); ok {
		var cancelDL context.CancelFunc
		ctx, cancelDL = context.WithDeadline(ctx, dl)
		done = func() { stop(); cancelDL(); cancel(nil) }
	}
	retry := &httpclient.Retry{Base: t.base, Attempts: t.retry.attempts, Backoff: t.retry.base, MaxWait: t.retry.max}
	resp, err := retry.RoundTrip(req.Clone(ctx))
	if err != nil {
		done()
		if t.ctx.Err() != nil {
			// Report the caller's own context error (DeadlineExceeded, Canceled or its
			// cause), not the Canceled of the merged context.
			return nil, context.Cause(t.ctx)
		}
		return nil, httpclient.RestoreEOF(err)
	}
	resp.Body = &doneBody{ReadCloser: resp.Body, done: done}
	return bufferError(resp), nil
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
