package logtotest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
)

// ErrConnectionDropped is returned by Transport when a Fault drops the connection (over the
// real listener the client sees the connection close instead).
var ErrConnectionDropped = errors.New("logtotest: connection dropped by injected fault")

// Transport returns a RoundTripper that serves requests for the stand-in's URL in memory,
// through the same handler as the listener (faults and request recording included), without
// the network; requests for any other host fail. With NewUnstartedServer (never started) it
// lets the stand-in run inside a testing/synctest bubble, where a real listener would block
// the bubble's clock; Latency faults then wait in the bubble's fake time.
func (s *Server) Transport() http.RoundTripper { return memTransport{s: s} }

type memTransport struct{ s *Server }

func (t memTransport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	if req.Body != nil {
		defer func() { _ = req.Body.Close() }()
	}
	base, perr := url.Parse(t.s.URL)
	if perr != nil || !strings.EqualFold(req.URL.Host, base.Host) {
		return nil, fmt.Errorf("logtotest: refusing request to %q: only %s is served", req.URL.Host, t.s.URL)
	}
	in := req.Clone(req.Context())
	in.Host = req.URL.Host
	in.RequestURI = req.URL.RequestURI()
	in.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	in.RemoteAddr = "127.0.0.1:0"
	in.Body = http.NoBody
	if req.Body != nil {
		body, rerr := io.ReadAll(req.Body)
		if rerr != nil {
			return nil, fmt.Errorf("logtotest: read request body: %w", rerr)
		}
		in.Body = io.NopCloser(strings.NewReader(string(body)))
		in.ContentLength = int64(len(body))
	}
	rec := httptest.NewRecorder()
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler { //nolint:errorlint // panics carry the exact value
				resp, err = nil, ErrConnectionDropped
				return
			}
			panic(r)
		}
	}()
	t.s.srv.Config.Handler.ServeHTTP(rec, in)
	if cerr := req.Context().Err(); cerr != nil {
		return nil, cerr // as is, like net/http's transport, so url.Error.Timeout() sees it
	}
	resp = rec.Result()
	resp.Request = req
	return resp, nil
}
