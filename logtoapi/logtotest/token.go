package logtotest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// managementTokenTTL is the lifetime of a client-credentials access token (expires_in 3600).
const managementTokenTTL = time.Hour

// handleDiscovery serves the OIDC discovery document recorded in fixture 006, with this server's URL.
func (s *Server) handleDiscovery(w http.ResponseWriter, _ *http.Request) {
	body := bytes.ReplaceAll(seedDiscoveryJSON, []byte("http://127.0.0.1:3001"), []byte(s.URL))
	var compact bytes.Buffer
	_ = json.Compact(&compact, body)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(compact.Bytes())
}

// allowedGrants lists the grant types oidc-provider allows per Logto application type.
func allowedGrants(appType string) []string {
	switch appType {
	case "MachineToMachine":
		return []string{"client_credentials"}
	case "Traditional", "SPA", "Native", "Protected":
		return []string{"authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:token-exchange"}
	}
	return nil
}

var supportedGrants = map[string]bool{
	"authorization_code": true, "refresh_token": true, "client_credentials": true,
	"implicit": true, "urn:ietf:params:oauth:grant-type:token-exchange": true,
}

// handleToken is POST /oidc/token: client authentication, then the grant.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		respondOIDCError(w, http.StatusBadRequest, "invalid_request", "could not parse the request body")
		return
	}
	if s.oidc.oidcTokenGrant(w, r) {
		return
	}
	form := r.PostForm
	client, ok := s.authenticateClient(w, r, form)
	if !ok {
		return
	}
	grantType := form.Get("grant_type")
	if grantType == "" {
		respondOIDCError(w, http.StatusBadRequest, "invalid_request", "missing required parameter 'grant_type'")
		return
	}
	if !supportedGrants[grantType] {
		respondOIDCError(w, http.StatusBadRequest, "unsupported_grant_type", "unsupported grant_type requested")
		return
	}
	allowed := false
	for _, g := range allowedGrants(client.Type) {
		allowed = allowed || g == grantType
	}
	if !allowed {
		respondOIDCError(w, http.StatusBadRequest, "invalid_request", "requested grant type is not allowed for this client")
		return
	}
	if grantType == "client_credentials" {
		s.grantClientCredentials(w, client, form)
		return
	}
	// Token exchange, allowed but not imitated: invalid_grant, as for an unknown code (fixture 120).
	respondOIDCError(w, http.StatusBadRequest, "invalid_grant", "grant request is invalid")
}

// authenticateClient applies client_secret_basic / client_secret_post with Logto's secret rules
// (koa-app-secret-transpilation.ts) and oidc-provider's errors. It writes the error and returns
// false on failure; the returned application is a copy.
func (s *Server) authenticateClient(w http.ResponseWriter, r *http.Request, form url.Values) (*application, bool) {
	basicID, basicSecret, hasBasic := r.BasicAuth()
	if hasBasic {
		if id, err := url.QueryUnescape(basicID); err == nil {
			basicID = id
		}
		if sec, err := url.QueryUnescape(basicSecret); err == nil {
			basicSecret = sec
		}
	}
	postID, postSecret := form.Get("client_id"), form.Get("client_secret")
	var id, secret string
	switch {
	case hasBasic && postSecret != "":
		respondOIDCError(w, http.StatusBadRequest, "invalid_request", "client authentication must only be provided using one mechanism")
		return nil, false
	case hasBasic && postID != "" && postID != basicID:
		respondOIDCError(w, http.StatusBadRequest, "invalid_request", "client_id mismatch")
		return nil, false
	case hasBasic:
		id, secret = basicID, basicSecret
	case postID != "":
		id, secret = postID, postSecret
	default:
		respondOIDCError(w, http.StatusBadRequest, "invalid_request", "no client authentication mechanism provided")
		return nil, false
	}
	s.mu.Lock()
	a, ok := s.apps[id]
	var verdict secretVerdict
	var cp application
	if ok {
		verdict = s.checkClientSecretLocked(a, secret)
		cp = *a
	}
	s.mu.Unlock()
	if !ok {
		respondOIDCError(w, http.StatusBadRequest, "invalid_client", "invalid client "+id)
		return nil, false
	}
	switch verdict {
	case secretOK:
		return &cp, true
	case secretExpired:
		respondOIDCError(w, http.StatusBadRequest, "invalid_request", "client secret has expired")
		return nil, false
	default:
		if hasBasic {
			w.Header().Set("WWW-Authenticate", `Basic realm="`+s.issuer()+`", error="invalid_client", error_description="client authentication failed"`)
		}
		respondOIDCError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return nil, false
	}
}

type secretVerdict int

const (
	secretWrong secretVerdict = iota
	secretOK
	secretExpired
)

// checkClientSecretLocked: a secret from application_secrets works unless expired; the internal
// secret works through the legacy fallback before 1.42.
func (s *Server) checkClientSecretLocked(a *application, secret string) secretVerdict {
	if secret == "" {
		return secretWrong
	}
	for _, sec := range a.Secrets {
		if sec.Value != secret {
			continue
		}
		if sec.ExpiresAt != nil && *sec.ExpiresAt <= s.nowMillis() {
			return secretExpired
		}
		return secretOK
	}
	if secret == a.InternalSecret && !s.atLeast142() {
		return secretOK
	}
	return secretWrong
}

// accessTokenClaims are the claims of a Management API access token, in Logto's order.
type accessTokenClaims struct {
	JTI      string `json:"jti"`
	Sub      string `json:"sub"`
	IAT      int64  `json:"iat"`
	EXP      int64  `json:"exp"`
	Scope    string `json:"scope,omitempty"`
	ClientID string `json:"client_id"`
	ISS      string `json:"iss"`
	AUD      string `json:"aud"`
}

func (s *Server) grantClientCredentials(w http.ResponseWriter, client *application, form url.Values) {
	resource := form.Get("resource")
	if resource == "" && form.Get("organization_id") == "" {
		respondOIDCError(w, http.StatusBadRequest, "invalid_target", "both `resource` and `organization_id` are not provided")
		return
	}
	if resource != ManagementResource {
		respondOIDCError(w, http.StatusBadRequest, "invalid_target", "resource indicator is missing, or unknown")
		return
	}
	s.mu.Lock()
	granted := map[string]bool{}
	for _, rid := range client.RoleIDs {
		for _, r := range s.roles {
			if r.ID == rid {
				for _, sc := range r.Scopes {
					granted[sc] = true
				}
			}
		}
	}
	s.mu.Unlock()
	var scopes []string
	for _, sc := range strings.Fields(form.Get("scope")) {
		if granted[sc] {
			scopes = append(scopes, sc)
		}
	}
	now := s.now()
	claims := accessTokenClaims{
		JTI: randomString(21, alphabetURLSafe), Sub: client.ID,
		IAT: now.Unix(), EXP: now.Add(managementTokenTTL).Unix(),
		Scope: strings.Join(scopes, " "), ClientID: client.ID, ISS: s.issuer(), AUD: resource,
	}
	body := struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		TokenType   string `json:"token_type"`
		Scope       string `json:"scope,omitempty"`
	}{s.signJWT("at+jwt", claims), int(managementTokenTTL / time.Second), "Bearer", claims.Scope}
	w.Header().Set("Cache-Control", "no-store")
	respondJSON(w, http.StatusOK, body)
}

// requireManagement wraps a Management API handler with Logto's koa-auth checks: a Bearer JWT
// signed by this tenant, for the Management API resource, not expired, with scope "all". The
// signature of a token is checked once (token_cache.go); the other checks run on every request.
func (s *Server) requireManagement(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if auth == "" {
			respondLogtoError(w, http.StatusUnauthorized, "auth.authorization_header_missing", "Authorization header is missing.", nil)
			return
		}
		typ, tok, _ := strings.Cut(auth, " ")
		if !strings.EqualFold(typ, "Bearer") {
			respondLogtoError(w, http.StatusUnauthorized, "auth.authorization_token_type_not_supported", "Authorization type is not supported.", nil)
			return
		}
		unauthorized := func(code, name string) {
			respondLogtoError(w, http.StatusUnauthorized, "auth.unauthorized", "Unauthorized. Please check credentials and its scope.",
				map[string]string{"code": code, "name": name})
		}
		now := s.now().Unix()
		claims, ok := s.managementClaims(strings.TrimSpace(tok), now)
		if !ok {
			if looksLikeJWS(tok) {
				unauthorized("ERR_JWKS_NO_MATCHING_KEY", "JWKSNoMatchingKey")
			} else {
				unauthorized("ERR_JWS_INVALID", "JWSInvalid")
			}
			return
		}
		if claims.EXP <= now {
			unauthorized("ERR_JWT_EXPIRED", "JWTExpired")
			return
		}
		if claims.AUD != ManagementResource || claims.ISS != s.issuer() {
			unauthorized("ERR_JWT_CLAIM_VALIDATION_FAILED", "JWTClaimValidationFailed")
			return
		}
		if !hasScopeWord(claims.Scope, "all") {
			respondLogtoError(w, http.StatusForbidden, "auth.forbidden", "Forbidden. Please check your user roles and permissions.", nil)
			return
		}
		h(w, r)
	}
}

func hasScopeWord(scope, want string) bool {
	for _, f := range strings.Fields(scope) {
		if f == want {
			return true
		}
	}
	return false
}

// looksLikeJWS reports whether tok is three base64url parts with a JSON header.
func looksLikeJWS(tok string) bool {
	parts := strings.Split(strings.TrimSpace(tok), ".")
	if len(parts) != 3 {
		return false
	}
	h, err := base64.RawURLEncoding.DecodeString(parts[0])
	return err == nil && json.Valid(h)
}
