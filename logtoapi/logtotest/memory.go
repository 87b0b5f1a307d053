package logtotest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/memhttp"
)

// ErrConnectionDropped is returned by Transport when a Fault drops the connection (over the
// real listener the client sees the connection close instead). It wraps
// memhttp.ErrConnectionDropped, so it reads as io.EOF, as that close does.
var ErrConnectionDropped = fmt.Errorf("logtotest: %w", memhttp.ErrConnectionDropped)

// Transport returns a RoundTripper that serves requests for the stand-in's URL in memory,
// through the same handler as the listener (faults and request recording included), without
// the network; requests for any other host fail. With NewUnstartedServer (never started) it
// lets the stand-in run inside a testing/synctest bubble, where a real listener would block
// the bubble's clock; Latency faults then wait in the bubble's fake time.
func (s *Server) Transport() http.RoundTripper {
	return memhttp.Transport{Handler: s.srv.Config.Handler, Allow: s.allowInMemory, Dropped: ErrConnectionDropped}
}

// allowInMemory lets Transport serve the stand-in's own host (s.URL) and nothing else.
func (s *Server) allowInMemory(u *url.URL) error {
	base, err := url.Parse(s.URL)
	if err != nil || !strings.EqualFold(u.Host, base.Host) {
		return fmt.Errorf("logtotest: refusing request to %q: only %s is served", u.Host, s.URL)
	}
	return nil
}
