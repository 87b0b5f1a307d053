// Package memhttp is the in-memory transport of the project's stand-ins (logtoapi/logtotest,
// twiliosetup/twiliotest): an http.RoundTripper that serves each request through the stand-in's
// own http.Handler, with no listener and no socket, so a client can talk to a stand-in inside a
// testing/synctest bubble (where a real connection would block the bubble's clock) and faults
// that drop the connection come back as an error instead of a closed socket.
//
// What it must not do: reach the network. It never dials, resolves or listens; a request for a
// host the stand-in does not serve fails before the handler sees it. It is not a general
// transport either: it keeps no connections, follows no redirects and stores no cookies (that
// is http.Client's work), and it serves each request to the end before answering (the answer
// is buffered in an httptest.ResponseRecorder), so it suits handlers that answer and return,
// not streams.
package memhttp

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
)

// ErrConnectionDropped is what a Transport without its own Dropped error returns when the
// handler drops the connection (over a real listener the client would see the connection
// close instead). Stand-ins that export their own sentinel wrap this one.
//
// It reads as io.EOF (errors.Is(err, io.EOF) is true), as a dropped connection does over a
// socket (net/http returns `Get "…": EOF`), so that a client tells a dropped connection by
// io.EOF alone, whether it talks to a stand-in in memory, over loopback, or to a real server.
var ErrConnectionDropped error = dropped{}

// dropped is ErrConnectionDropped's type: its own text, and io.EOF for errors.Is.
type dropped struct{}

func (dropped) Error() string { return "connection dropped by injected fault" }

// Is reports io.EOF: the connection closed without an answer.
func (dropped) Is(target error) bool { return target == io.EOF }

// Transport serves requests in memory through Handler.
//
// RoundTrip closes the request's body, asks Allow whether the URL is served, and hands the
// handler a server-side copy of the request: Host and RequestURI as a server would see them,
// a URL with only the path and query, RemoteAddr 127.0.0.1:0 and the body read into memory
// (with its ContentLength). The handler's answer becomes the response, whose Request is the
// client's request. A handler that panics with http.ErrAbortHandler (the way a stand-in drops
// the connection) makes RoundTrip return Dropped; any other panic is not recovered. When the
// request's context is done by the time the handler returns, RoundTrip returns the context's
// error as it is, as net/http's transport does, so url.Error.Timeout sees a client timeout.
type Transport struct {
	// Handler serves every request Allow accepts.
	Handler http.Handler
	// Allow returns nil for a URL the handler serves and, for any other, the error RoundTrip
	// returns without calling the handler. A nil Allow refuses every request.
	Allow func(*url.URL) error
	// Dropped is returned when the handler drops the connection; nil means
	// ErrConnectionDropped. Make it wrap ErrConnectionDropped.
	Dropped error
}

// RoundTrip implements http.RoundTripper.
func (t Transport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	if req.Body != nil {
		defer func() { _ = req.Body.Close() }()
	}
	if t.Allow == nil {
		return nil, fmt.Errorf("memhttp: refusing request to %q: no host is served", req.URL.Host)
	}
	if err := t.Allow(req.URL); err != nil {
		return nil, err
	}
	in := req.Clone(req.Context())
	in.Host = req.URL.Host
	in.RequestURI = req.URL.RequestURI()
	in.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	in.RemoteAddr = "127.0.0.1:0"
	in.Body = http.NoBody
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, fmt.Errorf("memhttp: read request body: %w", err)
		}
		in.Body = io.NopCloser(strings.NewReader(string(body)))
		in.ContentLength = int64(len(body))
	}
	rec := httptest.NewRecorder()
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler { //nolint:errorlint // panics carry the exact value
				resp, err = nil, t.dropped()
				return
			}
			panic(r)
		}
	}()
	t.Handler.ServeHTTP(rec, in)
	if err := req.Context().Err(); err != nil {
		return nil, err // as is, like net/http's transport, so url.Error.Timeout() sees it
	}
	resp = rec.Result()
	resp.Request = req
	return resp, nil
}

func (t Transport) dropped() error {
	if t.Dropped != nil {
		return t.Dropped
	}
	return ErrConnectionDropped
}
