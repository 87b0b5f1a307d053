// Package demo is the embedded demo sign-in web server: the Go twin of Logto's Express sample
// (@logto/express). It serves the same routes (/logto/sign-in, /logto/sign-up,
// /logto/sign-in-callback, /logto/sign-out and /), signs users in with OpenID Connect (state, nonce and PKCE S256 checked),
// shows the signed-in phone number, and reports each completed sign-in on a channel.
//
// It also writes out the Express starter (WriteExpressStarter).
//
// It listens on 127.0.0.1 only, never logs or shows secrets, and reads no environment variables.
package demo

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Routes, exactly as @logto/express registers them with its default prefix.
const (
	routeSignIn   = "/logto/sign-in"
	routeSignUp   = "/logto/sign-up"
	routeCallback = "/logto/sign-in-callback"
	routeSignOut  = "/logto/sign-out"
)

// scopes are the scopes the demo asks for: the SDK's defaults plus "phone".
var scopes = []string{oidc.ScopeOpenID, oidc.ScopeOfflineAccess, "profile", "phone"}

// Config configures the demo server.
type Config struct {
	Endpoint   string // Logto endpoint, e.g. http://localhost:3001 (the issuer is Endpoint + "/oidc")
	AppID      string // the Traditional web app's ID
	AppSecret  string // the app's secret; never shown
	BaseURL    string // where the browser reaches the demo, e.g. http://localhost:3000 ("" = http://localhost:<port>)
	HTTPClient *http.Client
}

// String masks the app secret.
func (c Config) String() string {
	return fmt.Sprintf("demo.Config{Endpoint: %s, AppID: %s, AppSecret: %s, BaseURL: %s}", c.Endpoint, c.AppID, mask(c.AppSecret), c.BaseURL)
}

// GoString masks the app secret in %#v too.
func (c Config) GoString() string { return c.String() }

func mask(s string) string {
	if s == "" {
		return `""`
	}
	return "[secret]"
}

// SignIn is one completed sign-in.
type SignIn struct {
	Subject     string         // the user ID (sub)
	PhoneNumber string         // E.164 with "+" ("" when the token has none)
	Claims      map[string]any // every ID-token claim
}

// Server is the demo sign-in server. Create it with New, then Start it.
type Server struct {
	cfg      Config
	hc       *http.Client
	issuer   string
	pages    *pages
	sessions *sessionStore
	signIns  chan SignIn
	signOuts chan struct{}

	mu       sync.Mutex
	started  bool
	closed   bool
	baseURL  string
	url      string
	srv      *http.Server
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    *oauth2.Config
	endSess  string
	now      func() time.Time
	// listen opens the demo's listener (nil: net.ListenConfig.Listen); tests
	// give the errors a real bind cannot (permission denied, as root).
	listen func(ctx context.Context, network, addr string) (net.Listener, error)
	// landing is closed when the browser has loaded the signed-in page
	// after the last sign-in (nil: none pending); Close waits for it.
	landing chan struct{}
	// signingOut: the sign-out route sent a browser to Logto's end-session
	// page; the home page it comes back to completes the sign-out.
	signingOut bool
}

// LandingGrace bounds how long Close waits for the browser to load the
// signed-in page after a sign-in: the wizard may end the moment the sign-in
// arrives, and the browser, redirected to the home page, must not find the
// server gone.
const LandingGrace = 5 * time.Second

// signedIn notes that a sign-in was reported and the browser is on its way
// to the home page.
func (s *Server) signedIn() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.landing == nil {
		s.landing = make(chan struct{})
	}
}

// landed notes that the browser loaded the signed-in page.
func (s *Server) landed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.landing != nil {
		close(s.landing)
		s.landing = nil
	}
}

// signOutStarted notes that a browser left for Logto's end-session page.
func (s *Server) signOutStarted() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signingOut = true
}

// signedOut reports a completed sign-out: a browser sent to Logto's
// end-session page came back to the home page (Logto's post sign-out
// redirect) with no session.
func (s *Server) signedOut() {
	s.mu.Lock()
	was := s.signingOut
	s.signingOut = false
	s.mu.Unlock()
	if !was {
		return
	}
	select {
	case s.signOuts <- struct{}{}:
	default: // one unread report says it already
	}
}

// SignOuts reports each completed sign-out through the demo: its Sign out
// sent the browser to Logto's end-session page, and Logto sent it back to
// the demo's home page (the post sign-out redirect URI), which it has been
// served. It never blocks the browser; reports not read yet are merged.
func (s *Server) SignOuts() <-chan struct{} { return s.signOuts }

// String describes the server without its secrets.
func (s *Server) String() string { return fmt.Sprintf("demo.Server{Config: %s}", s.cfg) }

// GoString is String, for %#v.
func (s *Server) GoString() string { return s.String() }

// IssuerMismatchError means Logto's discovery document names another issuer than the endpoint
// the demo was given. The usual cause is Logto's ENDPOINT setting differing from the URL used to
// reach it (for example Docker with ENDPOINT unset, or 127.0.0.1 against localhost).
type IssuerMismatchError struct {
	Configured string // the issuer we expected: endpoint + "/oidc"
	Discovered string // the issuer Logto reported
}

// Error explains the mismatch and what to do.
func (e *IssuerMismatchError) Error() string {
	return fmt.Sprintf("demo: Logto reports its issuer as %q, but the endpoint you gave means %q. "+
		"Logto builds its issuer from its ENDPOINT setting, and ID tokens are only accepted when the "+
		"two match. Either use %q as the Logto endpoint here, or set ENDPOINT=%s in Logto's "+
		"environment and restart Logto", e.Discovered, e.Configured,
		strings.TrimSuffix(e.Discovered, "/oidc"), strings.TrimSuffix(e.Configured, "/oidc"))
}

// Explain says the mismatch in plain words and what to do next.
func (e *IssuerMismatchError) Explain() (what, next string) {
	return fmt.Sprintf("Logto calls itself %s, not %s", e.Discovered, e.Configured),
		fmt.Sprintf("Logto builds its issuer from its ENDPOINT setting, and sign-in only works when they match. "+
			"Use %s as the Logto endpoint, or set ENDPOINT=%s in Logto's environment and restart Logto.",
			strings.TrimSuffix(e.Discovered, "/oidc"), strings.TrimSuffix(e.Configured, "/oidc"))
}

// PortInUseError is returned by Start when another program listens on the demo's port.
type PortInUseError struct {
	Port int   // the busy port
	Err  error // the listener's error (wraps syscall.EADDRINUSE)
}

// Error names the port and what to do.
func (e *PortInUseError) Error() string {
	return fmt.Sprintf("demo: port %d is already in use on 127.0.0.1 (is another server, maybe the Express starter, running?); stop it or choose another port: %v", e.Port, e.Err)
}

// Unwrap returns the listener's error.
func (e *PortInUseError) Unwrap() error { return e.Err }

// Explain names the busy port in plain words; what to do next is the caller's (which port
// to choose instead).
func (e *PortInUseError) Explain() (what, next string) {
	return fmt.Sprintf("port %d is already in use on 127.0.0.1 (is another server, maybe the Express starter, running?)", e.Port), ""
}

// PrivilegedPorts are the ports below this one: only root may listen on them (on Linux,
// without CAP_NET_BIND_SERVICE; on macOS before 10.14).
const PrivilegedPorts = 1024

// PortPermissionError is returned by Start when this user may not listen on the demo's port
// (the bind is refused: EACCES), most often because it is below 1024.
type PortPermissionError struct {
	Port int   // the refused port
	Err  error // the listener's error (wraps syscall.EACCES)
}

// Error names the port, the cause and what to do.
func (e *PortPermissionError) Error() string {
	what, next := e.Explain()
	return "demo: " + what + "; " + strings.ToLower(next[:1]) + next[1:] + " (" + e.Err.Error() + ")"
}

// Unwrap returns the listener's error.
func (e *PortPermissionError) Unwrap() error { return e.Err }

// Explain says why the port is refused, and to choose one above 1024 with --port.
func (e *PortPermissionError) Explain() (what, next string) {
	next = fmt.Sprintf("Choose a port above %d with --port (for example --port 3000).", PrivilegedPorts)
	if e.Port > 0 && e.Port < PrivilegedPorts {
		return fmt.Sprintf("port %d needs root: only root may listen on ports below %d", e.Port, PrivilegedPorts), next
	}
	return fmt.Sprintf("this user may not listen on port %d (permission denied)", e.Port), next
}

// PortFree reports whether the demo server could listen on localhost:port now (it
// listens on "localhost", as this check does). It listens and closes at once: the
// port may be taken again before the server starts.
func PortFree(port int) bool {
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", net.JoinHostPort("localhost", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// New checks cfg and returns a server that is not started. It makes no request.
func New(cfg Config) (*Server, error) {
	ep, err := parseHTTPURL("Logto endpoint", cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	ep = strings.TrimSuffix(strings.TrimSuffix(ep, "/"), "/oidc")
	if strings.TrimSpace(cfg.AppID) == "" {
		return nil, errors.New("demo: the app ID is empty")
	}
	if strings.TrimSpace(cfg.AppSecret) == "" {
		return nil, errors.New("demo: the app secret is empty")
	}
	base := ""
	if cfg.BaseURL != "" {
		b, err := parseHTTPURL("base URL", cfg.BaseURL)
		if err != nil {
			return nil, err
		}
		base = strings.TrimSuffix(b, "/")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	return &Server{
		cfg:      cfg,
		hc:       hc,
		issuer:   ep + "/oidc",
		pages:    p,
		sessions: newSessionStore(),
		signIns:  make(chan SignIn, 16),
		signOuts: make(chan struct{}, 1),
		baseURL:  base,
		now:      time.Now,
	}, nil
}

func parseHTTPURL(what, s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "@") {
		// Never echo the value: the part before "@" may be a password.
		return "", fmt.Errorf("demo: the %s must not contain a user name or password", what)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("demo: the %s %q is not an http(s) URL", what, s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("demo: the %s %q must not have a query or fragment", what, s)
	}
	return s, nil
}

// RedirectURI is the sign-in callback URI to register in Logto for baseURL, exactly as
// @logto/express builds it.
func RedirectURI(baseURL string) string {
	return strings.TrimSuffix(baseURL, "/") + routeCallback
}

// PostLogoutRedirectURI is the post sign-out redirect URI to register in Logto for baseURL: the
// base URL itself, as @logto/express sends it (no trailing slash added).
func PostLogoutRedirectURI(baseURL string) string {
	return strings.TrimSuffix(baseURL, "/")
}

// Start discovers Logto's OIDC configuration, then listens on 127.0.0.1 and serves in the
// background until Close. addr is "host:port" with host "", "localhost" or "127.0.0.1"; an empty
// addr takes the port of the base URL. It returns the URL to open in the browser (the base URL).
// ctx bounds the discovery only. Calling Start again returns the same URL.
func (s *Server) Start(ctx context.Context, addr string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", errors.New("demo: the server is closed")
	}
	if s.started {
		return s.url, nil
	}
	listenAddr, err := s.listenAddr(addr)
	if err != nil {
		return "", err
	}
	if err := s.discover(ctx); err != nil {
		return "", err
	}
	listen := s.listen
	if listen == nil {
		var lc net.ListenConfig
		listen = lc.Listen
	}
	l, err := listen(ctx, "tcp", listenAddr)
	if err != nil {
		_, port, _ := net.SplitHostPort(listenAddr)
		n, _ := strconv.Atoi(port)
		switch {
		case errors.Is(err, syscall.EADDRINUSE):
			return "", &PortInUseError{Port: n, Err: err}
		case errors.Is(err, syscall.EACCES), errors.Is(err, os.ErrPermission):
			return "", &PortPermissionError{Port: n, Err: err}
		}
		return "", fmt.Errorf("demo: cannot listen on port %s: %w", port, err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if s.baseURL == "" {
		s.baseURL = "http://localhost:" + strconv.Itoa(port)
	} else if bp, local := localPort(s.baseURL); local && bp != port {
		_ = l.Close()
		return "", fmt.Errorf("demo: the base URL %s says port %d, but the demo listens on port %d; Logto would send the browser back to the wrong port", s.baseURL, bp, port)
	}
	s.oauth = &oauth2.Config{
		ClientID:     s.cfg.AppID,
		ClientSecret: s.cfg.AppSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:   s.provider.Endpoint().AuthURL,
			TokenURL:  s.provider.Endpoint().TokenURL,
			AuthStyle: oauth2.AuthStyleInHeader,
		},
		RedirectURL: RedirectURI(s.baseURL),
		Scopes:      scopes,
	}
	s.srv = &http.Server{
		Handler:           s.handler(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = s.srv.Serve(l) }()
	s.started = true
	s.url = s.baseURL + "/"
	return s.url, nil
}

// localPort returns the port of a base URL on this machine (localhost or 127.0.0.1).
func localPort(base string) (int, bool) {
	u, err := url.Parse(base)
	if err != nil || (u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1") {
		return 0, false
	}
	p := u.Port()
	if p == "" {
		p = "80"
		if u.Scheme == "https" {
			p = "443"
		}
	}
	n, err := strconv.Atoi(p)
	return n, err == nil
}

func (s *Server) listenAddr(addr string) (string, error) {
	if addr == "" {
		if s.baseURL == "" {
			return "127.0.0.1:0", nil
		}
		u, _ := url.Parse(s.baseURL)
		port := u.Port()
		if port == "" {
			port = "80"
			if u.Scheme == "https" {
				port = "443"
			}
		}
		return net.JoinHostPort("127.0.0.1", port), nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("demo: bad listen address %q: %w", addr, err)
	}
	switch host {
	case "", "localhost", "127.0.0.1":
	default:
		return "", fmt.Errorf("demo: the demo server listens on 127.0.0.1 only, not %q", host)
	}
	return net.JoinHostPort("127.0.0.1", port), nil
}

func (s *Server) discover(ctx context.Context) error {
	pctx := oidc.ClientContext(ctx, s.hc)
	p, err := oidc.NewProvider(pctx, s.issuer)
	if err != nil {
		var mm *oidc.IssuerMismatchError
		if errors.As(err, &mm) {
			return &IssuerMismatchError{Configured: mm.Provided, Discovered: mm.Discovered}
		}
		return fmt.Errorf("demo: reading Logto's OpenID configuration at %s/.well-known/openid-configuration: %w", s.issuer, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&extra); err != nil {
		return fmt.Errorf("demo: reading Logto's OpenID configuration: %w", err)
	}
	if extra.EndSession == "" {
		extra.EndSession = s.issuer + "/session/end"
	}
	s.provider = p
	s.endSess = extra.EndSession
	s.verifier = p.Verifier(&oidc.Config{ClientID: s.cfg.AppID, Now: s.now})
	return nil
}

// SignIns reports each completed sign-in. The channel is buffered; when it is full, further
// sign-ins are not reported (the send never blocks the browser).
func (s *Server) SignIns() <-chan SignIn { return s.signIns }

// Close stops the server. After a sign-in it first waits (at most
// LandingGrace) until the browser has loaded the signed-in page. It is safe
// to call more than once and before Start.
func (s *Server) Close() error {
	s.mu.Lock()
	l := s.landing
	s.mu.Unlock()
	if l != nil {
		t := time.NewTimer(LandingGrace)
		select {
		case <-l:
		case <-t.C:
		}
		t.Stop()
	}
	s.mu.Lock()
	if s.closed || s.srv == nil {
		s.closed = true
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	srv := s.srv
	s.mu.Unlock()
	// The page being served (the signed-in page, the one after a sign-out)
	// is finished first, for at most closeGrace; then every connection goes.
	ctx, cancel := context.WithTimeout(context.Background(), closeGrace)
	defer cancel()
	if err := srv.Shutdown(ctx); err == nil {
		return nil
	}
	if err := srv.Close(); err != nil {
		return fmt.Errorf("demo: closing the server: %w", err)
	}
	return nil
}

// closeGrace bounds how long Close lets the requests in flight finish.
const closeGrace = 2 * time.Second

// handler is the demo's HTTP handler: the routes of @logto/express plus the home page. It needs a
// discovered server.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+routeSignIn, s.handleSignIn)
	mux.HandleFunc("GET "+routeSignUp, s.handleSignIn)
	mux.HandleFunc("GET "+routeCallback, s.handleCallback)
	mux.HandleFunc("GET "+routeSignOut, s.handleSignOut)
	mux.HandleFunc("POST "+routeSignOut, s.handleSignOut)
	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("/logto/", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	})
	return securityHeaders(mux, s.contentSecurityPolicy())
}

// styleSource is the CSP source of the pages' inline style sheet: its SHA-256.
var styleSource = func() string {
	sum := sha256.Sum256([]byte(pageStyle))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// contentSecurityPolicy is the demo's CSP: its pages run no script and load nothing; the one
// inline style sheet is allowed by its hash. Forms go to the demo itself, and as browsers
// (Chrome) check form-action on every redirect that follows a submission, to the origins of
// Logto's authorization and end-session endpoints too: the sign-in form's GET /logto/sign-in
// redirects to Logto, and so does the sign-out form's POST. The base URL's origin is named as
// well, for a page opened at 127.0.0.1 while Logto sends the browser back to localhost.
func (s *Server) contentSecurityPolicy() string {
	forms := []string{"'self'"}
	for _, u := range []string{s.baseURL, s.provider.Endpoint().AuthURL, s.endSess} {
		if o := cspOrigin(u); o != "" && !slices.Contains(forms, o) {
			forms = append(forms, o)
		}
	}
	return "default-src 'none'; style-src " + styleSource + "; img-src 'self'; form-action " + strings.Join(forms, " ") +
		"; frame-ancestors 'none'; base-uri 'none'"
}

// cspOrigin is the origin of an http(s) URL as a CSP host source ("" when it is none or could
// not be written safely in a policy).
func cspOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		strings.ContainsAny(u.Host, " ;,'\"\\") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func securityHeaders(h http.Handler, csp string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}
