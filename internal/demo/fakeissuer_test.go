package demo

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// fakeIssuer is a minimal Logto-like OpenID provider for unit tests: discovery, /oidc/auth (which
// redirects straight back with a code, as Logto does for a live session), /oidc/token (Basic auth,
// PKCE S256 checked) and /oidc/jwks. ID tokens are ES384 with Logto's phone claims; a test can
// change the claims or the token before it is returned.
type fakeIssuer struct {
	t      *testing.T
	srv    *httptest.Server
	issuer string
	key    *ecdsa.PrivateKey
	appID  string
	secret string

	mu               sync.Mutex
	codes            map[string]authReq
	claims           func(c map[string]any)  // edits the ID token claims
	token            func(jwt string) string // edits the signed ID token
	discoveredIssuer string                  // "" = the real one
	tokenCalls       int
}

type authReq struct{ challenge, nonce, redirect string }

func newFakeIssuer(t *testing.T) *fakeIssuer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeIssuer{t: t, key: key, appID: "schcd6fv8p7jad4k1udy3", secret: "s3cr3t-app-secret", codes: map[string]authReq{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oidc/.well-known/openid-configuration", f.discovery)
	mux.HandleFunc("GET /oidc/jwks", f.jwks)
	mux.HandleFunc("GET /oidc/auth", f.auth)
	mux.HandleFunc("POST /oidc/token", f.tokenEndpoint)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	f.issuer = f.srv.URL + "/oidc"
	return f
}

func (f *fakeIssuer) discovery(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	iss := f.discoveredIssuer
	f.mu.Unlock()
	if iss == "" {
		iss = f.issuer
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                iss,
		"authorization_endpoint":                f.issuer + "/auth",
		"token_endpoint":                        f.issuer + "/token",
		"userinfo_endpoint":                     f.issuer + "/me",
		"jwks_uri":                              f.issuer + "/jwks",
		"end_session_endpoint":                  f.issuer + "/session/end",
		"id_token_signing_alg_values_supported": []string{"ES384"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

func (f *fakeIssuer) jwks(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &f.key.PublicKey, KeyID: "k1", Algorithm: "ES384", Use: "sig",
	}}})
}

func (f *fakeIssuer) auth(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != f.appID || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	code := rand.Text()
	f.mu.Lock()
	f.codes[code] = authReq{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirect: q.Get("redirect_uri")}
	f.mu.Unlock()
	back := url.Values{"code": {code}, "state": {q.Get("state")}, "iss": {f.issuer}}
	http.Redirect(w, r, q.Get("redirect_uri")+"?"+back.Encode(), http.StatusSeeOther)
}

func (f *fakeIssuer) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.tokenCalls++
	f.mu.Unlock()
	id, secret, ok := r.BasicAuth()
	if !ok || id != f.appID || secret != f.secret {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+f.issuer+`"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{
			"code": "oidc.invalid_client", "error": "invalid_client", "error_description": "client authentication failed",
		})
		return
	}
	if err := r.ParseForm(); err != nil {
		f.t.Errorf("token: %v", err)
	}
	invalidGrant := func() {
		writeJSON(w, http.StatusBadRequest, map[string]string{
			"code": "oidc.invalid_grant", "error": "invalid_grant", "error_description": "grant request is invalid",
		})
	}
	f.mu.Lock()
	req, found := f.codes[r.PostForm.Get("code")]
	delete(f.codes, r.PostForm.Get("code"))
	claimsHook, tokenHook := f.claims, f.token
	f.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !found || r.PostForm.Get("grant_type") != "authorization_code" ||
		r.PostForm.Get("redirect_uri") != req.redirect ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != req.challenge {
		invalidGrant()
		return
	}
	access := rand.Text() + rand.Text()
	h := sha512.Sum384([]byte(access))
	now := time.Now()
	claims := map[string]any{
		"sub":                   "8lny5fw97pfx",
		"name":                  nil,
		"picture":               nil,
		"updated_at":            now.UnixMilli(),
		"username":              nil,
		"created_at":            now.UnixMilli() - 1000,
		"phone_number":          "12015550199",
		"phone_number_verified": true,
		"nonce":                 req.nonce,
		"at_hash":               base64.RawURLEncoding.EncodeToString(h[:len(h)/2]),
		"aud":                   f.appID,
		"exp":                   now.Add(time.Hour).Unix(),
		"iat":                   now.Unix(),
		"iss":                   f.issuer,
	}
	if claimsHook != nil {
		claimsHook(claims)
	}
	jwt := f.sign(claims)
	if tokenHook != nil {
		jwt = tokenHook(jwt)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "expires_in": 3600, "id_token": jwt,
		"scope": "openid offline_access profile phone", "token_type": "Bearer",
	})
}

func (f *fakeIssuer) sign(claims map[string]any) string {
	f.t.Helper()
	return signES384(f.t, f.key, claims)
}

func signES384(t *testing.T, key *ecdsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES384, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tamperPhone rewrites the payload's phone number and keeps the original signature.
func tamperPhone(t *testing.T) func(string) string {
	return func(jwt string) string {
		parts := strings.Split(jwt, ".")
		b, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		m["phone_number"] = "19995550000"
		nb, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		parts[1] = base64.RawURLEncoding.EncodeToString(nb)
		return strings.Join(parts, ".")
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
