package logtotest

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// oidcTokenGrant serves POST /oidc/token for grant_type authorization_code and refresh_token
// (fixtures 120-121, 123, 223-227, 231-234, 253-254, 298-299, 313), client authentication
// included (the backend's, so Logto's secret rules are the same as for client_credentials). It
// returns false, having written nothing, for any other grant type, so the shared token handler
// (token.go's handleToken, which calls this first) handles client_credentials. It parses the
// form; r.PostForm stays readable afterwards. Every code exchange by a known client, failed or
// not, gets an audit log entry (logs.go, r3-001).
func (p *oidcProvider) oidcTokenGrant(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		return false
	}
	gt := r.PostForm.Get("grant_type")
	if gt != "authorization_code" && gt != "refresh_token" {
		return false
	}
	var x codeExchange
	if gt == "authorization_code" {
		lr := &logRecorder{ResponseWriter: w}
		w = lr
		defer func() {
			if _, known := p.be.client(x.clientID); !known {
				return
			}
			if x.grant == nil {
				_ = json.Unmarshal(lr.body, &x.body)
				x.status = lr.status
				if x.status == http.StatusUnauthorized && x.body.Error == "invalid_client" {
					x.detail = "invalid secret provided"
				}
			}
			p.logCodeExchange(r, x)
		}()
	}
	x.clientID, x.secretName = p.presentedClient(r)
	cl, ok := p.be.authenticateClient(w, r)
	if !ok {
		x.secretName = "" // a wrong secret: no applicationSecret in the entry (r3-001)
		return true
	}
	if cl.Type != "Traditional" && cl.Type != "SPA" && cl.Type != "Native" && cl.Type != "Protected" {
		writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "requested grant type is not allowed for this client"))
		return true
	}
	if gt == "authorization_code" {
		if len(cl.RedirectURIs) == 0 {
			// An app with no redirect URI: real 1.37.1 answered 400 oidc.invalid_redirect_uri to a
			// made-up-code exchange (issue 23, "Defects" §2: doctor's secret probe). No recording
			// holds the body: the message and description are those of fixture 280
			// (/oidc/auth with an unregistered redirect_uri), without its state and iss.
			writeOIDCError(w, http.StatusBadRequest, oidcErrBody{
				Code: "oidc.invalid_redirect_uri", Message: oidcInvalidRedirectURIMessage,
				Error: "invalid_redirect_uri", ErrorDescription: "redirect_uri did not match any of the client's registered redirect_uris",
			})
			return true
		}
		x.grant, x.detail = p.codeGrant(w, r.PostForm, cl.ID)
	} else {
		p.refreshGrant(w, r.PostForm, cl.ID)
	}
	return true
}

// oidcInvalidRedirectURIMessage is Logto's message for oidc.invalid_redirect_uri (fixture 280).
const oidcInvalidRedirectURIMessage = "`redirect_uri` did not match any of the client's registered `redirect_uris`."

func oidcInvalidGrant(w http.ResponseWriter) {
	writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_grant", "grant request is invalid"))
}

// codeGrant is grant_type=authorization_code, after server.go authenticated the client
// (fixtures 120, 223-227, 232, 298, 313). It returns the grant on success, else oidc-provider's
// error_detail of the failure ("" if it has none), for the audit log.
func (p *oidcProvider) codeGrant(w http.ResponseWriter, f url.Values, clientID string) (*oidcGrant, string) {
	if f.Get("code") == "" {
		writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "missing required parameter 'code'"))
		return nil, ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.codes[f.Get("code")]
	fail := func(detail string) (*oidcGrant, string) {
		oidcInvalidGrant(w)
		return nil, detail
	}
	switch {
	case !ok:
		return fail("authorization code not found")
	case c.grant.clientID != clientID:
		return fail("client mismatch")
	case c.used:
		// "authorization code already consumed": the whole grant is revoked (fixtures 232-234).
		p.revokeGrant(c.grant)
		return fail("authorization code already consumed")
	case time.Now().After(c.expires) || c.grant.revoked:
		return fail("authorization code is expired")
	case !oidcPKCEOK(c.codeChallenge, f.Get("code_verifier")):
		return fail("PKCE verification failed") // the code stays usable (fixture 223)
	case f.Get("redirect_uri") != c.redirectURI && !oidcSameURI(f.Get("redirect_uri"), c.redirectURI):
		return fail("authorization code redirect_uri mismatch") // fixture 225
	case f.Get("resource") != "" && f.Get("resource") != c.grant.resource:
		writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_target", "resource indicator is missing, or unknown"))
		return nil, ""
	}
	c.used = true
	p.writeTokens(w, c.grant, "")
	return c.grant, ""
}

// oidcPKCEOK verifies S256 when the authorization request carried a challenge; a verifier without a
// challenge fails too, as oidc-provider's checkPKCE does.
func oidcPKCEOK(challenge, verifier string) bool {
	if challenge == "" && verifier == "" {
		return true
	}
	if challenge == "" || verifier == "" {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

// refreshGrant is grant_type=refresh_token (fixtures 231, 234, 253, 254, 299).
func (p *oidcProvider) refreshGrant(w http.ResponseWriter, f url.Values, clientID string) {
	if f.Get("refresh_token") == "" {
		writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "missing required parameter 'refresh_token'"))
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rt, ok := p.refresh[f.Get("refresh_token")]
	if !ok || rt.grant.revoked || rt.grant.clientID != clientID || time.Now().After(rt.expires) {
		oidcInvalidGrant(w)
		return
	}
	if res := f.Get("resource"); res != "" && res != rt.grant.resource {
		writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_target", "resource indicator is missing, or unknown"))
		return
	}
	if sc := f.Get("scope"); sc != "" {
		for s := range strings.FieldsSeq(sc) {
			if !oidcHasScope(rt.grant.scope, s) {
				writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_scope", "refresh token missing requested scope"))
				return
			}
		}
	}
	// Logto does not rotate refresh tokens: the same one comes back (fixtures 231, 253, 299).
	p.writeTokens(w, rt.grant, rt.value)
}

func (p *oidcProvider) revokeGrant(g *oidcGrant) {
	g.revoked = true
	for k, t := range p.access {
		if t.grant == g {
			delete(p.access, k)
		}
	}
	for k, t := range p.refresh {
		if t.grant == g {
			delete(p.refresh, k)
		}
	}
}

// oidcTokenResponse has the recorded field order.
type oidcTokenResponse struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	IDToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
	TokenType    string `json:"token_type"`
}

// writeTokens issues an access token (and ID token and refresh token as the scope allows).
// p.mu must be held.
func (p *oidcProvider) writeTokens(w http.ResponseWriter, g *oidcGrant, refresh string) {
	now := time.Now()
	at := &oidcToken{value: oidcOpaque(), grant: g, expires: now.Add(oidcAccessTokenTTL)}
	p.access[at.value] = at
	resp := oidcTokenResponse{AccessToken: at.value, ExpiresIn: int(oidcAccessTokenTTL / time.Second), Scope: g.scope, TokenType: "Bearer"}
	if oidcHasScope(g.scope, "offline_access") {
		if refresh == "" {
			rt := &oidcToken{value: oidcOpaque(), grant: g, expires: now.Add(oidcRefreshTokenTTL)}
			p.refresh[rt.value] = rt
			refresh = rt.value
		}
		resp.RefreshToken = refresh
	}
	if oidcHasScope(g.scope, "openid") {
		idt, err := p.idToken(g, at.value, now)
		if err != nil {
			respondJSON(w, http.StatusInternalServerError, map[string]string{"message": "Internal server error."})
			return
		}
		resp.IDToken = idt
	}
	w.Header().Set("Cache-Control", "no-store")
	respondJSON(w, http.StatusOK, resp)
}

// claimKV is one claim; claims are kept in Logto's order.
type claimKV struct {
	k string
	v any
}

func oidcOrderedJSON(fields []claimKV) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.k)
		v, _ := json.Marshal(f.v)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// userClaims are the claims the scope allows, in Logto's order (fixture 228). p.mu must be held.
func (p *oidcProvider) userClaims(accountID, scope string) []claimKV {
	u := p.userByID(accountID)
	claims := []claimKV{{"sub", accountID}}
	if u == nil {
		return claims
	}
	if oidcHasScope(scope, "profile") {
		claims = append(claims, claimKV{"name", nil}, claimKV{"picture", nil}, claimKV{"updated_at", u.UpdatedAt.UnixMilli()},
			claimKV{"username", nil}, claimKV{"created_at", u.CreatedAt.UnixMilli()})
	}
	if oidcHasScope(scope, "phone") {
		var phone any
		if u.PhoneNumber != "" {
			phone = u.PhoneNumber
		}
		claims = append(claims, claimKV{"phone_number", phone}, claimKV{"phone_number_verified", u.PhoneNumber != ""})
	}
	return claims
}

// idToken signs an ES384 ID token with the claims of fixtures 237/257/273/306. p.mu must be held.
func (p *oidcProvider) idToken(g *oidcGrant, accessToken string, now time.Time) (string, error) {
	claims := p.userClaims(g.accountID, g.scope)
	if g.nonce != "" {
		claims = append(claims, claimKV{"nonce", g.nonce})
	}
	sum := sha512.Sum384([]byte(accessToken))
	claims = append(claims,
		claimKV{"at_hash", base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])},
		claimKV{"aud", g.clientID},
		claimKV{"exp", now.Add(time.Hour).Unix()},
		claimKV{"iat", now.Unix()},
		claimKV{"iss", p.issuer()},
	)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES384, Key: p.jwk},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("logtotest: ID token signer: %w", err)
	}
	obj, err := signer.Sign(oidcOrderedJSON(claims))
	if err != nil {
		return "", fmt.Errorf("logtotest: sign ID token: %w", err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("logtotest: serialize ID token: %w", err)
	}
	return s, nil
}

// handleJWKS is GET /oidc/jwks (fixture 230).
func (p *oidcProvider) handleJWKS(w http.ResponseWriter, _ *http.Request) {
	pub := p.jwk.Public()
	b, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{pub}})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/jwk-set+json; charset=utf-8")
	_, _ = w.Write(b)
}

// handleUserinfo is GET/POST /oidc/me (fixtures 228, 229, 233).
func (p *oidcProvider) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	tok := ""
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		tok = strings.TrimSpace(h[7:])
	} else if r.Method == http.MethodPost {
		_ = r.ParseForm()
		tok = r.PostForm.Get("access_token")
	}
	realm := `Bearer realm="` + p.issuer() + `"`
	if tok == "" {
		w.Header().Set("WWW-Authenticate", realm+`, error="invalid_request", error_description="no access token provided"`)
		writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "no access token provided"))
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	at, ok := p.access[tok]
	if !ok || at.grant.revoked || time.Now().After(at.expires) {
		w.Header().Set("WWW-Authenticate", realm+`, error="invalid_token", error_description="invalid token provided"`)
		writeOIDCError(w, http.StatusUnauthorized, newOIDCError("invalid_token", "invalid token provided"))
		return
	}
	if !oidcHasScope(at.grant.scope, "openid") {
		w.Header().Set("WWW-Authenticate", realm+`, error="insufficient_scope", error_description="access token missing 'openid' scope"`)
		writeOIDCError(w, http.StatusForbidden, newOIDCError("insufficient_scope", "access token missing 'openid' scope"))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(oidcOrderedJSON(p.userClaims(at.grant.accountID, at.grant.scope)))
}

// handleRevocation is POST /oidc/token/revocation (RFC 7009, advertised in discovery; @logto/node
// calls it on sign-out). The client authenticates as at /oidc/token; the answer is 200 with an
// empty text/plain body whether or not the token was known (r3-030), 400 without a token
// (r3-031), 401 for a wrong secret (r3-032); unlike the token endpoint's, none of these has a
// Cache-Control header. Revoking a token of a grant revokes the whole grant, as oidc-provider does.
func (p *oidcProvider) handleRevocation(w http.ResponseWriter, r *http.Request) {
	w = noCacheControl{w}
	if err := r.ParseForm(); err != nil {
		writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "could not parse the request body"))
		return
	}
	cl, ok := p.be.authenticateClient(w, r)
	if !ok {
		return
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		writeOIDCError(w, http.StatusBadRequest, newOIDCError("invalid_request", "missing required parameter 'token'"))
		return
	}
	p.mu.Lock()
	for _, m := range []map[string]*oidcToken{p.refresh, p.access} {
		if t, ok := m[tok]; ok && t.grant.clientID == cl.ID {
			p.revokeGrant(t.grant)
		}
	}
	p.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
}

// noCacheControl drops the Cache-Control header the shared error writers set.
type noCacheControl struct{ http.ResponseWriter }

func (n noCacheControl) WriteHeader(status int) {
	n.Header().Del("Cache-Control")
	n.ResponseWriter.WriteHeader(status)
}

func (n noCacheControl) Write(b []byte) (int, error) {
	n.Header().Del("Cache-Control")
	return n.ResponseWriter.Write(b) //nolint:wrapcheck // a pass-through writer
}
