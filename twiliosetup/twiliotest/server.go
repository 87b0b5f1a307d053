// Package twiliotest is an in-process stand-in for the parts of Twilio's REST API that
// logto-twilio uses (api.twilio.com 2010-04-01, messaging.twilio.com v1 and
// accounts.twilio.com v1), in the style of net/http/httptest.
//
// It answers in the shapes of Twilio's OpenAPI specs (RFC 2822 dates on 2010-04-01,
// ISO 8601 dates on the v1 APIs, num_segments as a string, error bodies with code,
// message, more_info and status), checks HTTP Basic auth, and keeps accounts, numbers,
// Messaging Services, verified caller IDs and messages in memory. Messages move through
// their statuses as time passes (or on each fetch, see WithStatusStep), so tests can follow
// delivery; Inbox and WaitMessage let tests read what was sent.
//
// twilio-go has fixed *.twilio.com base URLs: give it Client() (or Transport()), which
// serves those hosts from this stand-in in memory, without any network. The same handler
// also listens on URL (http://127.0.0.1:PORT) for clients that post there directly, such
// as the Logto stand-in's Twilio connector.
//
// Inside a testing/synctest bubble, create the server with WithoutListener: a real
// listener blocks a bubble's clock. Time inside the server (status progression, latency
// faults) is then the bubble's fake time.
package twiliotest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/memhttp"
)

// Server is a running Twilio stand-in. Create it with NewServer and Close it when done.
type Server struct {
	// URL is the stand-in's base URL, http://127.0.0.1:PORT, for clients that do not
	// rewrite hosts (the Logto connector posts to URL + "/2010-04-01/..."). With
	// WithoutListener it is http://twiliotest.invalid, reachable only through Client()
	// and Transport().
	URL string

	hs      *httptest.Server
	handler http.Handler
	step    time.Duration
	now     func() time.Time

	mu         sync.Mutex
	cond       *sync.Cond
	changed    chan struct{} // closed by inboxMoved; nil until InboxChanged asks
	seq        int
	accounts   map[string]*account
	accountIDs []string
	numbers    []*number
	services   []*service
	callerIDs  []*callerID
	pending    []*validation
	messages   []*message
	consumed   map[string]bool // message SIDs already returned by WaitMessage
	faults     []*injected
	failures   map[string]outcome // by recipient digits
	requests   []Request
	noLog      bool // WithoutRequestLog
	closed     bool
}

// Option configures a Server.
type Option func(*config)

type config struct {
	listen   bool
	listener net.Listener // WithListener's; nil = a fresh 127.0.0.1 port
	step     time.Duration
	wrap     []func(http.Handler) http.Handler
	noLog    bool
}

// WithoutRequestLog stops the stand-in from recording requests (Requests returns none): a stand-in
// that serves for hours, as the sandbox's does, would otherwise keep every request in memory.
func WithoutRequestLog() Option { return func(c *config) { c.noLog = true } }

// WithMiddleware wraps the stand-in's handler in mw, for the listener and for Transport
// alike (the sandbox uses it to learn when a request may have changed the state, and to
// answer its own control requests). Several wrap in the order given, the first outermost.
func WithMiddleware(mw func(http.Handler) http.Handler) Option {
	return func(c *config) { c.wrap = append(c.wrap, mw) }
}

// WithoutListener makes NewServer start no network listener: the server is reachable
// only through Client() and Transport(), and URL is http://twiliotest.invalid (a host the
// transport serves). Use it inside testing/synctest bubbles.
func WithoutListener() Option { return func(c *config) { c.listen = false } }

// WithStatusStep sets how long a message stays in each status before it moves on
// (accepted → queued → sending → sent → delivered). The default is 200ms. A step of 0 or
// less moves a message one status further on each fetch of it instead of with time.
func WithStatusStep(d time.Duration) Option { return func(c *config) { c.step = d } }

// DefaultStatusStep is the time a message spends in each status unless WithStatusStep
// says otherwise.
const DefaultStatusStep = 200 * time.Millisecond

// invalidURL is URL when the server has no listener.
const invalidURL = "http://twiliotest.invalid"

// NewServer starts a Twilio stand-in. It holds no accounts until AddAccount.
func NewServer(opts ...Option) *Server {
	cfg := config{listen: true, step: DefaultStatusStep}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		noLog:    cfg.noLog,
		step:     cfg.step,
		now:      time.Now,
		accounts: map[string]*account{},
		consumed: map[string]bool{},
		failures: map[string]outcome{},
	}
	s.cond = sync.NewCond(&s.mu)
	s.handler = http.HandlerFunc(s.serve)
	for i := len(cfg.wrap) - 1; i >= 0; i-- {
		s.handler = cfg.wrap[i](s.handler)
	}
	if cfg.listen {
		s.hs = httptest.NewUnstartedServer(s.handler)
		if cfg.listener != nil {
			_ = s.hs.Listener.Close()
			s.hs.Listener = cfg.listener
		}
		s.hs.Start()
		s.URL = s.hs.URL
	} else {
		s.URL = invalidURL
	}
	return s
}

// Close shuts the listener down (if any) and ends every WaitMessage call with ErrClosed.
func (s *Server) Close() {
	if s.hs != nil {
		s.hs.Close()
	}
	s.mu.Lock()
	s.closed = true
	s.inboxMoved()
	s.mu.Unlock()
}

// ErrClosed is returned by WaitMessage once the server is closed.
var ErrClosed = errors.New("twiliotest: server closed")

// Client returns an HTTP client for twilio-go whose requests to https://*.twilio.com (and
// to URL) are served by this stand-in in memory. Like twilio-go's own default client it
// does not follow redirects and times out after 10 seconds.
func (s *Server) Client() *http.Client {
	return &http.Client{
		Transport: s.Transport(),
		Timeout:   10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Transport returns a RoundTripper that serves requests for *.twilio.com and for URL from
// this stand-in, in memory. The request keeps its Host (api.twilio.com,
// messaging.twilio.com, accounts.twilio.com), as it would reach Twilio. Requests for any
// other host fail without touching the network.
func (s *Server) Transport() http.RoundTripper {
	return memhttp.Transport{Handler: s.handler, Allow: s.allowInMemory, Dropped: ErrConnectionDropped}
}

// ErrConnectionDropped is returned by Transport when a Fault drops the connection (over
// the real listener the client sees the connection close instead). It wraps
// memhttp.ErrConnectionDropped, so it reads as io.EOF, as that close does.
var ErrConnectionDropped = fmt.Errorf("twiliotest: %w", memhttp.ErrConnectionDropped)

// allowInMemory lets Transport serve what serves accepts and nothing else.
func (s *Server) allowInMemory(u *url.URL) error {
	if !s.serves(u) {
		return fmt.Errorf("twiliotest: refusing request to %q: only *.twilio.com and %s are served", u.Host, s.URL)
	}
	return nil
}

func (s *Server) serves(u *url.URL) bool {
	host := strings.ToLower(u.Hostname())
	if host == "twilio.com" || strings.HasSuffix(host, ".twilio.com") {
		return true
	}
	base, err := url.Parse(s.URL)
	return err == nil && strings.EqualFold(u.Host, base.Host)
}

// waitCtx blocks until ctx is done or d has passed; it reports whether d passed.
func waitCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
