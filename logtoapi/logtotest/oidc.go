package logtotest

// The OIDC provider side of the stand-in (issue 4): /oidc/auth, the interaction and session
// cookies, /consent, /oidc/token for authorization_code and refresh_token, /oidc/jwks, /oidc/me,
// /oidc/session/end, the Experience API and the sign-in pages. It imitates a real Logto v1.37.1
// as recorded in ../shared/contracts/logto-observed.md, section "OIDC sign-in by phone
// (observed)", fixtures 200-327 (copies in testdata/oidc/).
//
// It is hand-written on go-jose rather than built on an OIDC provider library: the recordings pin
// details no library reproduces (Logto's JSON error bodies with code/message beside the OAuth
// fields, the 303 + "Redirecting to" bodies, the /consent hop, JSON-valued cookies, claims with
// nulls and millisecond dates, ES384 ID tokens, refresh tokens that are not rotated,
// a reused code revoking the grant), and the protocol surface needed is small.

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // keygrip (koa cookie signatures) uses HMAC-SHA1; imitated, not security.
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Lifetimes, as oidc-provider and Logto configure them.
const (
	oidcInteractionTTL  = time.Hour           // _interaction cookies: 1 h
	oidcSessionTTL      = 14 * 24 * time.Hour // _session cookie: 14 days
	oidcCodeTTL         = 60 * time.Second    // authorization code (oidc-provider default)
	oidcAccessTokenTTL  = time.Hour           // expires_in 3600
	oidcRefreshTokenTTL = 14 * 24 * time.Hour
	expSMSCodeTTL       = 10 * time.Minute
)

// oidcClient is what the OIDC side needs to know about an application.
type oidcClient struct {
	ID                     string
	Type                   string // "Traditional", "MachineToMachine", "SPA", "Native"
	Secrets                []string
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
}

// oidcBackend is what the OIDC side reads from the rest of the stand-in (server.go).
type oidcBackend interface {
	// endpoint is the Logto endpoint without a trailing slash ("http://127.0.0.1:PORT").
	endpoint() string
	client(id string) (oidcClient, bool)
	// smsConnector returns the factory id and config of the tenant's SMS connector.
	smsConnector() (factoryID string, config json.RawMessage, ok bool)
	// sendConnectorSMS sends a code as the connector of that factory does; a *connectorError is
	// a connector failure (400 connector.*), any other error an unreachable provider (500).
	sendConnectorSMS(ctx context.Context, factoryID string, config json.RawMessage, usageType, to, code string) error
	signInExperience() json.RawMessage
	// authenticateClient checks the client at the token and revocation endpoints
	// (client_secret_basic, client_secret_post, none for public clients); on failure it has
	// written Logto's error (fixtures 121, 123, 224).
	authenticateClient(w http.ResponseWriter, r *http.Request) (oidcClient, bool)
	// clock is the stand-in's clock (Server.now), for the send-code rate limit and code expiry.
	clock() time.Time
	// atLeast141 reports whether the imitated Logto is 1.41 or later.
	atLeast141() bool
}

// User is an end user of the stand-in tenant, created by a phone sign-up.
type User struct {
	ID          string // 12 lowercase alphanumerics
	PhoneNumber string // digits only, as Logto stores it
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// SMS is a verification code the stand-in sent through the tenant's connector.
type SMS struct {
	To        string // digits only
	Code      string
	UsageType string // the interaction event it was sent for: "SignIn" or "Register" (the template asked for)
	// AppID is the client_id of the OIDC interaction the code was sent for: the Logto application
	// the end user is signing in to. It is "" when unknown.
	AppID string
	Err   error // non-nil when the connector failed (Twilio refused it or was unreachable)
}

type oidcInteraction struct {
	uid       string
	clientID  string
	params    oidcAuthParams
	created   time.Time
	stage     string // "login" or "consent"
	accountID string // set on submit (login) or from the session (consent)
	consented bool
	// The Experience API state.
	event         string
	verifications map[string]*expVerification
	identified    string // user id after identification
	sessionID     string // the oidc-provider session id the audit log names (logs.go)
}

type expVerification struct {
	id       string
	phone    string
	code     string
	event    string
	sent     time.Time
	tries    int  // wrong codes so far
	verified bool // the code was right
	consumed bool // the code was used
}

type oidcAuthParams struct {
	ClientID, RedirectURI, Scope, State, Nonce, CodeChallenge, CodeChallengeMethod, Prompt string
	Resource, FirstScreen, InteractionMode                                                 string
}

type oidcSession struct {
	id        string
	accountID string
	loginAt   time.Time
}

type oidcGrant struct {
	id        string
	clientID  string
	accountID string
	scope     string
	nonce     string
	resource  string
	revoked   bool
}

type oidcAuthCode struct {
	code          string
	grant         *oidcGrant
	redirectURI   string
	codeChallenge string
	expires       time.Time
	used          bool
}

type oidcToken struct {
	value   string
	grant   *oidcGrant
	expires time.Time
}

// oidcProvider holds the OIDC side's state. All fields are guarded by mu.
type oidcProvider struct {
	be        oidcBackend
	key       *ecdsa.PrivateKey
	jwk       jose.JSONWebKey // private, with kid
	cookieKey []byte
	mu        sync.Mutex
	inter     map[string]*oidcInteraction
	sessions  map[string]*oidcSession
	codes     map[string]*oidcAuthCode
	access    map[string]*oidcToken
	refresh   map[string]*oidcToken
	users     []*User
	sms       []SMS
	sendTimes map[string][]time.Time // send-code times by phone, for 1.41's rate limit (experience.go)
	xsrf      map[string]oidcEndSessionReq
}

// oidcEndSessionReq is a pending sign-out, kept per session until the confirm step.
type oidcEndSessionReq struct {
	xsrf       string
	postLogout string
	state      string
}

// newOIDCProvider makes the OIDC side; key signs ID tokens (ES384), kid names it in the JWKS
// ("" = the key's SHA-256 thumbprint).
func newOIDCProvider(be oidcBackend, key *ecdsa.PrivateKey, kid string) *oidcProvider {
	jwk := jose.JSONWebKey{Key: key, KeyID: kid, Algorithm: string(jose.ES384), Use: "sig"}
	if kid == "" {
		pub := jwk.Public()
		tp, err := pub.Thumbprint(crypto.SHA256)
		if err != nil {
			panic(fmt.Sprintf("logtotest: jwk thumbprint: %v", err))
		}
		jwk.KeyID = base64.RawURLEncoding.EncodeToString(tp)
	}
	return &oidcProvider{
		be:        be,
		key:       key,
		jwk:       jwk,
		cookieKey: oidcRandomBytes(32),
		inter:     map[string]*oidcInteraction{},
		sessions:  map[string]*oidcSession{},
		codes:     map[string]*oidcAuthCode{},
		access:    map[string]*oidcToken{},
		refresh:   map[string]*oidcToken{},
		xsrf:      map[string]oidcEndSessionReq{},
		sendTimes: map[string][]time.Time{},
	}
}

// register adds the OIDC side's routes to mux. The /oidc/token route is shared with the
// client_credentials grant (server.go): see oidcTokenGrant.
func (p *oidcProvider) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /oidc/auth", koaAccepts(p.handleAuth))
	mux.HandleFunc("POST /oidc/auth", koaAccepts(p.handleAuth))
	mux.HandleFunc("GET /oidc/auth/{uid}", koaAccepts(p.handleAuthResume))
	mux.HandleFunc("GET /consent", koaAccepts(p.handleConsent))
	mux.HandleFunc("GET /oidc/jwks", p.handleJWKS)
	mux.HandleFunc("POST /oidc/token/revocation", p.handleRevocation)
	mux.HandleFunc("GET /oidc/me", p.handleUserinfo)
	mux.HandleFunc("POST /oidc/me", p.handleUserinfo)
	mux.HandleFunc("GET /oidc/session/end", p.handleEndSession)
	mux.HandleFunc("POST /oidc/session/end", p.handleEndSession)
	mux.HandleFunc("POST /oidc/session/end/confirm", koaAccepts(p.handleEndSessionConfirm))
	mux.HandleFunc("GET /oidc/session/end/success", p.handleEndSessionSuccess)
	p.registerExperience(mux)
	p.registerPages(mux)
}

func (p *oidcProvider) issuer() string { return p.be.endpoint() + "/oidc" }

// ---- ids and randomness ----

const (
	oidcNanoidAlphabet = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict"
	oidcLowerAlnum     = "0123456789abcdefghijklmnopqrstuvwxyz"
)

func oidcRandomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("logtotest: random: %v", err))
	}
	return b
}

func oidcRandomFrom(alphabet string, n int) string {
	b := oidcRandomBytes(n)
	out := make([]byte, n)
	for i := range b {
		out[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(out)
}

// opaque returns a 43-character base64url value, as oidc-provider's codes and tokens.
func oidcOpaque() string { return base64.RawURLEncoding.EncodeToString(oidcRandomBytes(32)) }

func oidcNewUID() string     { return oidcRandomFrom(oidcNanoidAlphabet, 21) } // interaction and session ids
func expNewVerifyID() string { return oidcRandomFrom(oidcLowerAlnum, 21) }
func expNewUserID() string   { return oidcRandomFrom(oidcLowerAlnum, 12) }
func oidcNewXSRF() string    { return hex.EncodeToString(oidcRandomBytes(24)) }
func expNewSMSCode() string {
	return fmt.Sprintf("%06d", binary.BigEndian.Uint32(oidcRandomBytes(4))%1000000)
}

// ---- cookies (koa style: raw JSON values, keygrip .sig) ----

// cookieSig is keygrip's signature: base64url(HMAC-SHA1(key, "name=value")) without padding.
func (p *oidcProvider) cookieSig(name, value string) string {
	m := hmac.New(sha1.New, p.cookieKey)
	m.Write([]byte(name + "=" + value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

type oidcCookieOpts struct {
	path     string
	expires  time.Time // zero: session cookie
	httpOnly bool
	signed   bool
}

// setCookie writes a Set-Cookie header the way koa does: the value is not quoted or escaped
// (Logto's _logto and _interaction values are raw JSON), lower-case attributes.
func (p *oidcProvider) setCookie(w http.ResponseWriter, name, value string, o oidcCookieOpts) {
	write := func(n, v string) {
		var b strings.Builder
		b.WriteString(n + "=" + v + "; path=" + o.path)
		if !o.expires.IsZero() {
			b.WriteString("; expires=" + o.expires.UTC().Format(http.TimeFormat))
		}
		b.WriteString("; samesite=lax")
		if o.httpOnly {
			b.WriteString("; httponly")
		}
		w.Header().Add("Set-Cookie", b.String())
	}
	write(name, value)
	if o.signed {
		write(name+".sig", p.cookieSig(name, value))
	}
}

func (p *oidcProvider) clearCookie(w http.ResponseWriter, name, path string) {
	p.setCookie(w, name, "", oidcCookieOpts{path: path, expires: time.Unix(0, 0), httpOnly: true, signed: true})
}

// oidcReadCookies parses the Cookie header by hand: net/http drops values holding '"', and Logto's
// cookies are JSON.
func oidcReadCookies(r *http.Request) map[string]string {
	out := map[string]string{}
	for _, line := range r.Header.Values("Cookie") {
		for part := range strings.SplitSeq(line, ";") {
			name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || name == "" {
				continue
			}
			if _, seen := out[name]; !seen {
				out[name] = value
			}
		}
	}
	return out
}

// signedCookie returns a cookie's value when its .sig matches.
func (p *oidcProvider) signedCookie(r *http.Request, name string) (string, bool) {
	c := oidcReadCookies(r)
	v, ok := c[name]
	if !ok || v == "" {
		return "", false
	}
	if !hmac.Equal([]byte(c[name+".sig"]), []byte(p.cookieSig(name, v))) {
		return "", false
	}
	return v, true
}

// interactionFromCookie finds the live interaction named by the _interaction cookie.
func (p *oidcProvider) interactionFromCookie(r *http.Request) (*oidcInteraction, bool) {
	v, ok := p.signedCookie(r, "_interaction")
	if !ok {
		return nil, false
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return nil, false
	}
	uid := m["_legacy"]
	if app := oidcAppIDCookie(r); app != "" && m[app] != "" {
		uid = m[app]
	}
	in, ok := p.inter[uid]
	if !ok || time.Since(in.created) > oidcInteractionTTL {
		return nil, false
	}
	return in, true
}

func oidcAppIDCookie(r *http.Request) string {
	var v struct {
		AppID string `json:"appId"`
	}
	if err := json.Unmarshal([]byte(oidcReadCookies(r)["_logto"]), &v); err != nil {
		return ""
	}
	return v.AppID
}

// setInteractionCookies starts an interaction in the browser, as fixture 285 shows.
func (p *oidcProvider) setInteractionCookies(w http.ResponseWriter, in *oidcInteraction) {
	appJSON, _ := json.Marshal(map[string]string{"appId": in.clientID})
	p.setCookie(w, "_logto", string(appJSON), oidcCookieOpts{path: "/"})
	// Keep Logto's key order: {"<appId>":"<uid>","_legacy":"<uid>"}.
	k, _ := json.Marshal(in.clientID)
	u, _ := json.Marshal(in.uid)
	exp := time.Now().Add(oidcInteractionTTL)
	p.setCookie(w, "_interaction", "{"+string(k)+":"+string(u)+`,"_legacy":`+string(u)+"}",
		oidcCookieOpts{path: "/", expires: exp, httpOnly: true, signed: true})
	p.setCookie(w, "_interaction_resume", in.uid,
		oidcCookieOpts{path: "/oidc/auth/" + in.uid, expires: exp, httpOnly: true, signed: true})
}

func (p *oidcProvider) setSessionCookie(w http.ResponseWriter, s *oidcSession) {
	p.setCookie(w, "_session", s.id, oidcCookieOpts{path: "/", expires: time.Now().Add(oidcSessionTTL), httpOnly: true, signed: true})
}

// liveSession returns the session named by the _session cookie.
func (p *oidcProvider) liveSession(r *http.Request) (*oidcSession, bool) {
	id, ok := p.signedCookie(r, "_session")
	if !ok {
		return nil, false
	}
	s, ok := p.sessions[id]
	if !ok || time.Since(s.loginAt) > oidcSessionTTL || s.accountID == "" {
		return nil, false
	}
	return s, true
}

// ---- responses ----

// redirect answers like koa's ctx.redirect: the status, Location, and a short HTML body.
func koaRedirect(w http.ResponseWriter, status int, location string, noStore bool) {
	if noStore {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.Header().Set("Location", location)
	if kw, ok := w.(koaWriter); ok && !kw.html {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8") // r3-012-auth: Accept: application/json
	} else {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "Redirecting to %s.", html.EscapeString(location))
}

// koaWriter carries whether the request accepts HTML, for koaRedirect: Koa's ctx.redirect
// answers text/html to a client that accepts it, text/plain to one that does not.
type koaWriter struct {
	http.ResponseWriter
	html bool
}

// koaAccepts wraps a handler whose redirects depend on the request's Accept header.
func koaAccepts(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h(koaWriter{w, acceptsHTML(r.Header.Get("Accept"))}, r)
	}
}

// acceptsHTML is ctx.accepts('html') for one Accept header: none accepts everything.
func acceptsHTML(accept string) bool {
	if strings.TrimSpace(accept) == "" {
		return true
	}
	for part := range strings.SplitSeq(accept, ",") {
		media, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		media = strings.ToLower(strings.TrimSpace(media))
		if media != "text/html" && media != "text/*" && media != "*/*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok && strings.Trim(q, "0.") == "" {
			continue // q=0
		}
		return true
	}
	return false
}

// oidcErrBody is Logto's body for an oidc-provider error: its own code/message plus the OAuth
// error and error_description (koa-oidc-error-handler.ts). Field order as recorded.
type oidcErrBody struct {
	Code             string `json:"code"`
	Message          string `json:"message"`
	ErrorURI         string `json:"error_uri,omitempty"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	State            string `json:"state,omitempty"`
	Iss              string `json:"iss,omitempty"`
}

// oidcErrMessages are Logto's phrases for oidc.<error> (the recorded ones; others fall back to
// "An OIDC error occurred: oidc.<error>.").
var oidcErrMessages = map[string]string{ //nolint:gosec // error phrases, not credentials
	"invalid_redirect_uri": "`redirect_uri` did not match any of the client's registered `redirect_uris`.",
	"invalid_grant":        "Grant request is invalid.",
	"invalid_request":      "Request is invalid.",
	"invalid_target":       "Invalid resource indicator.",
	"invalid_token":        "Invalid token provided.",
	"invalid_scope":        "Scope is invalid.",
}

func newOIDCError(errCode, desc string) oidcErrBody {
	msg, ok := oidcErrMessages[errCode]
	if !ok {
		msg = "An OIDC error occurred: oidc." + errCode + "."
	}
	e := oidcErrBody{Code: "oidc." + errCode, Message: msg, Error: errCode, ErrorDescription: desc}
	if errCode == "invalid_grant" {
		e.ErrorURI = "https://openid.sh/debug/invalid_grant"
	}
	return e
}

func writeOIDCError(w http.ResponseWriter, status int, e oidcErrBody) {
	w.Header().Set("Cache-Control", "no-store")
	respondJSON(w, status, e)
}

// expError is the Experience API's error body ({code, message, data?}).
type expError struct {
	Code             string `json:"code"`
	Data             any    `json:"data,omitempty"`
	Details          string `json:"details,omitempty"`
	Message          string `json:"message"`
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description,omitempty"`
}

// oidcSameURI compares URIs the way Logto does (parsed, by href): "http://h:1" equals "http://h:1/".
func oidcSameURI(a, b string) bool {
	if a == b {
		return true
	}
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil || ua.Scheme == "" || ub.Scheme == "" {
		return false
	}
	norm := func(u *url.URL) string {
		c := *u
		c.Scheme = strings.ToLower(c.Scheme)
		c.Host = strings.ToLower(c.Host)
		if c.Path == "" {
			c.Path = "/"
		}
		return c.String()
	}
	return norm(ua) == norm(ub)
}

func oidcContainsURI(list []string, u string) bool {
	for _, x := range list {
		if oidcSameURI(x, u) {
			return true
		}
	}
	return false
}

func oidcHasScope(scope, s string) bool {
	for f := range strings.FieldsSeq(scope) {
		if f == s {
			return true
		}
	}
	return false
}
