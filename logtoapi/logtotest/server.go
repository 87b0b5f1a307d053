// Package logtotest is an in-process stand-in for a Logto OSS server (v1.37.1 by default; 1.41.0
// and 1.42.0 on request, see WithVersion), in the net/http/httptest style: start it, point a client at its URL, inspect its state,
// inject faults, close it. Its behaviour follows exchanges recorded on a real Logto server (see
// testdata/mgmt/README.md); where the stand-in and the recordings disagree, the stand-in is wrong.
//
// It must never reach the network on its own: the only outbound calls are the Twilio sends of the
// SMS connector, made with the injected *http.Client to the configured Twilio base URL.
package logtotest

// How the files fit together. The Management side (server.go, token.go, applications.go,
// connectors.go, signinexp.go, ...) holds the tenant; the OIDC side (issue 4: oidc*.go,
// experience*.go, signinpage*.go) is an *oidcProvider in s.oidc and the audit logs (logs.go) a
// *logStore in s.logs, both built by NewUnstartedServer. The provider reads the tenant only
// through its oidcBackend, serverBackend{s}; oidc_server.go holds that adapter and the Server's
// methods over the provider's state (Users, AddUser, SentSMS, LastSMS).
//
// Routes. s.routes builds the one mux: registerMgmt, registerLogs, s.oidc.register. Use Go 1.22 method patterns. The
// Management side serves "GET /oidc/.well-known/openid-configuration" and "POST /oidc/token"; the
// OIDC side must not register those. Every route gets fault injection (Inject) and request
// recording (Requests), because they wrap the whole mux.
//
// Token endpoint. POST /oidc/token (handleToken) calls s.oidc.oidcTokenGrant first, which answers
// authorization_code and refresh_token; when it returns false (not its grant type) and has written
// nothing, handleToken answers: client authentication with Logto's secret rules (expired secret:
// 400 invalid_request "client secret has expired"), grant type allowed per app type,
// client_credentials; token exchange (allowed, not imitated) gets invalid_grant.
//
// Tenant state, all guarded by s.mu (one sync.Mutex; never hold it during I/O). Methods without
// "Locked" take the lock themselves; "...Locked" ones need it held. s.oidc, s.logs and s.verified
// keep their own locks for their own state (users, interactions, sessions, SMS codes; logs; the
// Management API tokens whose signature was checked, token_cache.go); the fields themselves are
// set once, before the server serves. What the backend offers:
//   - s.appClient(id) (clientView, bool): type, usable secret values (unexpired; plus the internal
//     secret before 1.42), redirect and post-logout URIs. clientView has oidcClient's fields.
//   - s.smsConnector() (factoryID, config, ok): the tenant's one SMS connector (at most one).
//   - s.signInExperience(): the whole sign-in experience JSON (GET /api/sign-in-exp).
//   - s.endpoint() == s.URL; s.issuer() == s.URL + "/oidc".
//   - s.sendConnectorSMS(ctx, factoryID, config, usageType, phoneDigits, code) sends one SMS exactly
//     as Logto's Twilio connector does (template by usage type with Generic fallback, {{code}},
//     POST {twilio}/2010-04-01/Accounts/{sid}/Messages.json, Basic auth, form To, MessagingServiceSid,
//     Body, RiskCheck); it returns *connectorError for a Twilio error.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultVersion is the Logto version the stand-in imitates unless WithVersion says otherwise.
const DefaultVersion = "1.37.1"

// ManagementResource is the Management API resource indicator of the OSS default tenant.
const ManagementResource = "https://default.logto.app/api"

// ManagementRoleName is the seeded M2M role that grants the Management API scope "all".
const ManagementRoleName = "Logto Management API access"

// Option configures a Server.
type Option func(*config)

type config struct {
	twilioBaseURL string
	hc            *http.Client
	version       string
	listener      net.Listener
	wrap          []func(http.Handler) http.Handler
	noRequestLog  bool
}

// WithoutRequestLog stops the stand-in from recording requests (Requests returns none): a stand-in
// that serves for hours, as the sandbox's does, would otherwise keep every request in memory.
func WithoutRequestLog() Option {
	return func(c *config) { c.noRequestLog = true }
}

// WithMiddleware wraps the stand-in's whole handler in mw, outside its own request recording
// and faults (the sandbox uses it to learn when a request may have changed the tenant, and
// to answer its own control requests, which real Logto does not have). Several wrap in the
// order given, the first outermost.
func WithMiddleware(mw func(http.Handler) http.Handler) Option {
	return func(c *config) { c.wrap = append(c.wrap, mw) }
}

// WithTwilioBaseURL sets where the SMS connector sends messages (the Twilio stand-in's URL). The
// default is https://api.twilio.com.
func WithTwilioBaseURL(u string) Option {
	return func(c *config) { c.twilioBaseURL = strings.TrimRight(u, "/") }
}

// WithHTTPClient sets the client used for the connector's outbound Twilio sends.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) { c.hc = hc }
}

// Versions are the Logto versions a real server of was run and recorded (1.37.1 call by call,
// 1.41.0 by replaying those calls): the flow tests run against each.
var Versions = []string{DefaultVersion, "1.41.0"}

// WithVersion selects the Logto version to imitate: "1.37.1" (the default), "1.41" / "1.41.0"
// (run and recorded), or "1.42.0" (from the source only). What changes with each is listed in
// docs/compatibility.md; the code asks s.atLeast141() and s.atLeast142().
//
// From 1.41 (a real 1.41.0 was run against the 1.37.1 recordings): every application object has
// appLevelAccessControlEnabled; POST /api/applications/{id}/roles answers 201 JSON
// {"roleIds","addedRoleIds"} and a role already assigned is skipped, not 422; the sign-in
// experience has customUiCsp, passwordExpiration, signUpProfileFields, usernamePolicy and
// verificationCodePolicy, which PATCH accepts (409 username_policy_case_conflicts_exist, see
// SetUsername); deleting a passwordless connector can be 422 with password expiration on; the
// Twilio connector (1.4.4) sends To with a "+"; discovery lists the device flow. From 1.42 (source
// only): application objects lose the internal `secret`, which no longer authenticates.
func WithVersion(v string) Option {
	return func(c *config) { c.version = v }
}

// Version is WithVersion.
func Version(v string) Option { return WithVersion(v) }

// WithListener makes the server accept connections on l instead of a fresh 127.0.0.1 port.
func WithListener(l net.Listener) Option {
	return func(c *config) { c.listener = l }
}

// Fault is what Inject makes a route do instead of (or before) its normal answer.
type Fault struct {
	Latency time.Duration // wait this long first (cut short if the client gives up)
	Status  int           // answer this status instead; Body is sent as is (JSON if it looks like JSON)
	Body    string
	Drop    bool // close the connection without an answer
	Times   int  // how many requests it applies to; 0 = every request
	// RetryAfter, with Status, is sent as a Retry-After header (whole seconds, rounded up;
	// faults_retry.go), e.g. Status 429 with RetryAfter 30*time.Second.
	RetryAfter time.Duration
}

type fault struct {
	method, pattern string
	Fault
	used int
}

// Request is one call the server received, recorded for tests.
type Request struct {
	Method string
	Path   string // as sent, e.g. /api/applications/abc/secrets/Default%20secret
	Query  url.Values
	Header http.Header
	Body   []byte
	At     time.Time
}

// Server is a running Logto stand-in.
type Server struct {
	// URL is the endpoint, http://127.0.0.1:PORT, with no trailing slash.
	URL string

	cfg config
	srv *httptest.Server

	signingKey *ecdsa.PrivateKey
	keyID      string
	now        func() time.Time // the clock; tests of this package may replace it before Start

	mu         sync.Mutex
	apps       map[string]*application
	roles      []*role
	connectors []*connector
	signInExp  *orderedObject
	tokens     map[string]accessToken
	usernames  map[string]string // user id -> username (SetUsername), for the 1.41 username policy
	faults     []*fault
	requests   []Request

	oidc     *oidcProvider  // the OIDC side (oidc*.go); its own lock
	logs     *logStore      // the audit logs (logs.go); its own lock
	verified verifiedTokens // Management API tokens whose signature was checked (token_cache.go); its own lock
}

// NewServer starts a stand-in on 127.0.0.1 (or on WithListener's listener).
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	s.Start()
	return s
}

// NewUnstartedServer returns a stand-in that does not serve until Start; its URL is already set.
func NewUnstartedServer(opts ...Option) *Server {
	cfg := config{twilioBaseURL: "https://api.twilio.com", version: DefaultVersion}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.hc == nil {
		cfg.hc = &http.Client{Timeout: 10 * time.Second}
	}
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		panic("logtotest: generate signing key: " + err.Error())
	}
	s := &Server{
		cfg:        cfg,
		now:        time.Now,
		signingKey: key,
		keyID:      randomString(43, alphabetURLSafe),
		apps:       map[string]*application{},
		tokens:     map[string]accessToken{},
		usernames:  map[string]string{},
		roles: []*role{{
			ID: randomID(), Name: ManagementRoleName, Type: "MachineToMachine",
			Description: "This default role grants access to the Logto management API.",
			Scopes:      []string{"all"},
		}},
	}
	s.signInExp = s.seedSignInExp()
	s.oidc = newOIDCProvider(serverBackend{s}, s.signingKey, s.keyID)
	s.logs = &logStore{}
	h := s.middleware(s.routes())
	for i := len(cfg.wrap) - 1; i >= 0; i-- {
		h = cfg.wrap[i](h)
	}
	s.srv = httptest.NewUnstartedServer(h)
	if cfg.listener != nil {
		_ = s.srv.Listener.Close()
		s.srv.Listener = cfg.listener
	}
	s.URL = "http://" + s.srv.Listener.Addr().String()
	return s
}

// Start begins serving. It panics if called twice, like httptest.Server.Start.
func (s *Server) Start() { s.srv.Start() }

// Close stops the server and waits for running requests, like httptest.Server.Close.
func (s *Server) Close() { s.srv.Close() }

// Version is the Logto version the stand-in imitates (WithVersion).
func (s *Server) Version() string { return s.cfg.version }

// Client returns an *http.Client for talking to the stand-in.
func (s *Server) Client() *http.Client { return s.srv.Client() }

func (s *Server) issuer() string { return s.URL + "/oidc" }

// atLeast reports whether the imitated version is major.minor or later ("1.41" and "1.41.0" are
// the same version; a leading "v" is allowed).
func (s *Server) atLeast(major, minor int) bool {
	parts := strings.SplitN(strings.TrimPrefix(s.cfg.version, "v"), ".", 3)
	if len(parts) < 2 {
		return false
	}
	ma, _ := strconv.Atoi(parts[0])
	mi, _ := strconv.Atoi(parts[1])
	return ma > major || (ma == major && mi >= minor)
}

// atLeast141 reports whether the imitated version is 1.41 or later (../logto-1.41 in the team's
// contracts: a real 1.41.0 was run).
func (s *Server) atLeast141() bool { return s.atLeast(1, 41) }

// atLeast142 reports whether the imitated version is 1.42 or later (from Logto's source only).
func (s *Server) atLeast142() bool { return s.atLeast(1, 42) }

// routes returns the mux of every route: the Management side, the audit logs and the OIDC side.
// Fault injection and request recording wrap it as a whole
// (middleware).
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	s.registerMgmt(mux)
	s.registerLogs(mux)
	s.registerWellKnown(mux) // wellknown.go
	s.registerUsers(mux)     // users.go
	s.oidc.register(mux)
	return mux
}

// registerMgmt adds the routes of the Management side: discovery, the token endpoint, /api.
func (s *Server) registerMgmt(mux *http.ServeMux) {
	mux.HandleFunc("GET /oidc/.well-known/openid-configuration", s.serveDiscovery)
	mux.HandleFunc("POST /oidc/token", s.handleToken)
	mux.HandleFunc("GET /api/status", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	s.registerApplications(mux)
	s.registerConnectors(mux)
	s.registerSignInExp(mux)
}

// serveDiscovery is handleDiscovery (the 1.37.1 document, fixture 006); from 1.41 the device flow
// is on: device_authorization_endpoint follows authorization_endpoint, as oidc-provider's
// discovery lists it, and grant_types_supported gains the device_code grant after
// client_credentials (oidc-provider collects its own grants before Logto registers token
// exchange).
func (s *Server) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	if !s.atLeast141() {
		s.handleDiscovery(w, r)
		return
	}
	rec := httptest.NewRecorder()
	s.handleDiscovery(rec, r)
	doc, err := parseOrderedObject(rec.Body.Bytes())
	if err != nil {
		respondInternalError(w)
		return
	}
	out := &orderedObject{vals: map[string]json.RawMessage{}}
	for _, k := range doc.keys {
		v := doc.get(k)
		if k == "grant_types_supported" {
			var grants []string
			_ = json.Unmarshal(v, &grants)
			var with []string
			for _, g := range grants {
				with = append(with, g)
				if g == "client_credentials" {
					with = append(with, deviceCodeGrant)
				}
			}
			v = marshalNoEscape(with)
		}
		out.set(k, v)
		if k == "authorization_endpoint" {
			out.set("device_authorization_endpoint", marshalNoEscape(s.issuer()+"/device/auth"))
		}
	}
	body, _ := out.MarshalJSON()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

// deviceCodeGrant is the OAuth device authorization grant (RFC 8628), advertised from 1.41.
const deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code"

// Inject makes requests to a route misbehave. method "" matches any method; pattern is either the
// route's pattern as registered ("/api/applications/{id}") or a literal path. Later injections on the
// same route are tried after earlier ones that are still active.
func (s *Server) Inject(method, pattern string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: strings.ToUpper(method), pattern: pattern, Fault: f})
}

// Requests returns every request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	copy(out, s.requests)
	return out
}

func (s *Server) middleware(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		_ = r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
		_, pattern := mux.Handler(r)
		routePath := pattern
		if i := strings.IndexByte(routePath, ' '); i >= 0 {
			routePath = routePath[i+1:]
		}
		s.mu.Lock()
		if !s.cfg.noRequestLog {
			s.requests = append(s.requests, Request{
				Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(),
				Header: r.Header.Clone(), Body: body, At: s.now(),
			})
		}
		f := s.takeFaultLocked(r.Method, routePath, r.URL.Path)
		s.mu.Unlock()
		if f != nil {
			if f.Latency > 0 {
				t := time.NewTimer(f.Latency)
				select {
				case <-t.C:
				case <-r.Context().Done():
					t.Stop()
					return
				}
			}
			if f.Drop {
				dropConnection(w)
				return
			}
			if f.Status != 0 {
				if strings.HasPrefix(strings.TrimSpace(f.Body), "{") || strings.HasPrefix(strings.TrimSpace(f.Body), "[") {
					w.Header().Set("Content-Type", "application/json; charset=utf-8")
				} else {
					w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				}
				setFaultHeaders(w, f)
				w.WriteHeader(f.Status)
				_, _ = io.WriteString(w, f.Body)
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

func (s *Server) takeFaultLocked(method, routePath, path string) *Fault {
	for _, f := range s.faults {
		if f.method != "" && f.method != method {
			continue
		}
		if f.pattern != routePath && f.pattern != path {
			continue
		}
		if f.Times > 0 && f.used >= f.Times {
			continue
		}
		f.used++
		ff := f.Fault
		return &ff
	}
	return nil
}

func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// respondJSON writes v as JSON the way Logto (Node) does: no HTML escaping.
func respondJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"message":"Internal server error."}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

// marshalNoEscape is json.Marshal without HTML escaping, as JSON.stringify does it.
func marshalNoEscape(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// logtoError is Logto's Management API error body.
type logtoError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
	Details string `json:"details,omitempty"`
}

func respondLogtoError(w http.ResponseWriter, status int, code, message string, data any) {
	respondJSON(w, status, logtoError{Code: code, Message: message, Data: data})
}

// respondInternalError is Logto's answer to an uncaught error: 500 with no code.
func respondInternalError(w http.ResponseWriter) {
	respondJSON(w, http.StatusInternalServerError, map[string]string{"message": "Internal server error."})
}

var oidcErrorMessages = map[string]string{ //nolint:gosec // G101: OAuth error names, not credentials.
	"invalid_request":        "Request is invalid.",
	"invalid_target":         "Invalid resource indicator.",
	"invalid_grant":          "Grant request is invalid.",
	"invalid_scope":          "Invalid scope.",
	"unsupported_grant_type": "Unsupported grant_type requested.",
	"invalid_token":          "Invalid token provided.",
	"unauthorized_client":    "Unauthorized client.",
}

// respondOIDCError writes Logto's OIDC error shape: its own code and message plus the OAuth fields.
func respondOIDCError(w http.ResponseWriter, status int, oauthError, description string) {
	msg, ok := oidcErrorMessages[oauthError]
	if !ok {
		msg = "An OIDC error occurred: oidc." + oauthError + "."
	}
	body := struct {
		Code        string `json:"code"`
		Message     string `json:"message"`
		ErrorURI    string `json:"error_uri,omitempty"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{Code: "oidc." + oauthError, Message: msg, Error: oauthError, Description: description}
	if oauthError == "invalid_grant" {
		body.ErrorURI = "https://openid.sh/debug/invalid_grant"
	}
	w.Header().Set("Cache-Control", "no-store")
	respondJSON(w, status, body)
}

const (
	alphabetLowerDigits = "0123456789abcdefghijklmnopqrstuvwxyz"
	alphabetAlnum       = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	alphabetURLSafe     = alphabetAlnum + "-_"
)

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("logtotest: random: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// randomID is Logto's generateStandardId: 21 lowercase alphanumerics.
func randomID() string { return randomString(21, alphabetLowerDigits) }

// randomShortID is Logto's generateStandardShortId: 12 lowercase alphanumerics.
func randomShortID() string { return randomString(12, alphabetLowerDigits) }

// randomSecret is Logto's generateStandardSecret: 32 alphanumerics.
func randomSecret() string { return randomString(32, alphabetAlnum) }

// nowMillis is the current time in epoch milliseconds, as Logto stores times.
func (s *Server) nowMillis() int64 { return s.now().UnixMilli() }
