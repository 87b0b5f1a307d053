package logtotest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkManagementRequest measures the stand-in's side of one Management API call with the
// same Bearer token each time, as a client (the wizard, workshop prepare) makes them. "auth" is
// the token check alone (requireManagement around a handler that does nothing); "request" is a
// whole GET /api/sign-in-exp through the middleware and the mux, without the network.
func BenchmarkManagementRequest(b *testing.B) {
	s := NewUnstartedServer()
	id, secret := s.AddM2MApp("wizard", true)
	token := benchToken(b, s, id, secret)

	b.Run("auth", func(b *testing.B) {
		h := s.requireManagement(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
		req := httptest.NewRequest(http.MethodGet, "/api/sign-in-exp", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			h(rec, req)
			if rec.Code != http.StatusNoContent {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	})
	b.Run("request", func(b *testing.B) {
		h := s.srv.Config.Handler
		b.ReportAllocs()
		for b.Loop() {
			req := httptest.NewRequest(http.MethodGet, "/api/sign-in-exp", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
		// The middleware records every request; drop them so the next run starts light.
		s.mu.Lock()
		s.requests = nil
		s.mu.Unlock()
	})
}

// benchToken gets a Management API token from the stand-in's handler, without a listener.
func benchToken(tb testing.TB, s *Server, id, secret string) string {
	tb.Helper()
	req := httptest.NewRequest(http.MethodPost, "/oidc/token", strings.NewReader(url.Values{
		"grant_type": {"client_credentials"}, "resource": {ManagementResource}, "scope": {"all"},
	}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	rec := httptest.NewRecorder()
	s.srv.Config.Handler.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &tok) != nil || tok.AccessToken == "" {
		tb.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	return tok.AccessToken
}

// mgmtCall sends GET /api/sign-in-exp with this Authorization header to the stand-in's handler
// and returns the status and body.
func mgmtCall(s *Server, auth string) (int, string) {
	req := httptest.NewRequest(http.MethodGet, "/api/sign-in-exp", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	s.srv.Config.Handler.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// forgetVerified empties the cache of verified tokens, so the next request checks the signature.
func forgetVerified(s *Server) {
	s.verified.mu.Lock()
	clear(s.verified.m)
	s.verified.mu.Unlock()
}

func TestVerifiedTokenCacheKeepsAnswers(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.UnixMilli(1795813400000)
	s := NewUnstartedServer()
	s.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	id, secret := s.AddM2MApp("wizard", true)
	noRoleID, noRoleSecret := s.AddM2MApp("no role", false)
	token := benchToken(t, s, id, secret)
	weak := benchToken(t, s, noRoleID, noRoleSecret)
	other := NewUnstartedServer() // another key, as after a restart of the sandbox
	otherID, otherSecret := other.AddM2MApp("wizard", true)
	foreign := benchToken(t, other, otherID, otherSecret)

	// tamper changes one character of a token's part (0 header, 1 payload, 2 signature).
	tamper := func(tok string, part int) string {
		parts := strings.Split(tok, ".")
		p := []byte(parts[part])
		i := len(p) / 2
		if p[i] == 'A' {
			p[i] = 'B'
		} else {
			p[i] = 'A'
		}
		parts[part] = string(p)
		return strings.Join(parts, ".")
	}

	tests := []struct {
		name    string
		auth    string
		advance time.Duration // how far the clock moves after the first (caching) request
		status  int
		want    string // in the body
	}{
		{"fresh token", "Bearer " + token, 0, http.StatusOK, `"signUp"`},
		{"token just before expiry", "Bearer " + token, managementTokenTTL - time.Second, http.StatusOK, `"signUp"`},
		{"expired token", "Bearer " + token, managementTokenTTL, http.StatusUnauthorized, "ERR_JWT_EXPIRED"},
		{"tampered payload", "Bearer " + tamper(token, 1), 0, http.StatusUnauthorized, "ERR_JWKS_NO_MATCHING_KEY"},
		{"tampered signature", "Bearer " + tamper(token, 2), 0, http.StatusUnauthorized, "ERR_JWKS_NO_MATCHING_KEY"},
		{"another key's token", "Bearer " + foreign, 0, http.StatusUnauthorized, "ERR_JWKS_NO_MATCHING_KEY"},
		{"not a JWT", "Bearer nope", 0, http.StatusUnauthorized, "ERR_JWS_INVALID"},
		{"no scope all", "Bearer " + weak, 0, http.StatusForbidden, "auth.forbidden"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			start := now
			mu.Unlock()
			t.Cleanup(func() { mu.Lock(); now = start; mu.Unlock() })
			// The genuine token is in the cache before every case, so a tampered copy of it
			// cannot ride on its entry.
			if status, body := mgmtCall(s, "Bearer "+token); status != http.StatusOK {
				t.Fatalf("genuine token: %d %s", status, body)
			}
			_, _ = mgmtCall(s, tc.auth) // may fill the cache
			mu.Lock()
			now = now.Add(tc.advance)
			mu.Unlock()
			cachedStatus, cachedBody := mgmtCall(s, tc.auth)
			forgetVerified(s)
			freshStatus, freshBody := mgmtCall(s, tc.auth)
			if cachedStatus != freshStatus || cachedBody != freshBody {
				t.Errorf("the cache changed the answer: %d %s, without it %d %s", cachedStatus, cachedBody, freshStatus, freshBody)
			}
			if cachedStatus != tc.status || !strings.Contains(cachedBody, tc.want) {
				t.Errorf("answer %d %s, want %d with %s", cachedStatus, cachedBody, tc.status, tc.want)
			}
		})
	}
}

func TestVerifiedTokenCacheChecksOnce(t *testing.T) {
	t.Parallel()
	s := NewUnstartedServer()
	id, secret := s.AddM2MApp("wizard", true)
	token := benchToken(t, s, id, secret)
	for range 3 {
		if status, body := mgmtCall(s, "Bearer "+token); status != http.StatusOK {
			t.Fatalf("%d %s", status, body)
		}
	}
	s.verified.mu.Lock()
	_, cached := s.verified.m[token]
	n := len(s.verified.m)
	s.verified.mu.Unlock()
	if !cached || n != 1 {
		t.Errorf("cache after three calls with one token: %d entries, token cached %v", n, cached)
	}
	mgmtCall(s, "Bearer "+token[:len(token)-2]+"AA")
	mgmtCall(s, "Bearer nope")
	s.verified.mu.Lock()
	n = len(s.verified.m)
	s.verified.mu.Unlock()
	if n != 1 {
		t.Errorf("refused tokens were cached: %d entries", n)
	}

	// A cached entry counts only for the key it was checked against.
	old := s.signingKey
	key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s.signingKey = key
	status, body := mgmtCall(s, "Bearer "+token)
	s.signingKey = old
	if status != http.StatusUnauthorized || !strings.Contains(body, "ERR_JWKS_NO_MATCHING_KEY") {
		t.Errorf("a token cached under the previous key: %d %s", status, body)
	}
}

func TestVerifiedTokenCacheIsBounded(t *testing.T) {
	t.Parallel()
	now := time.Now().Unix()
	for _, tc := range []struct {
		name string
		exp  int64 // of the entries already there
		want int   // entries after one more token
	}{
		{"full of expired tokens: they go", now - 1, 1},
		{"full of live tokens: all go", now + 3600, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := NewUnstartedServer()
			id, secret := s.AddM2MApp("wizard", true)
			token := benchToken(t, s, id, secret)
			s.verified.mu.Lock()
			s.verified.m = map[string]verifiedToken{}
			for i := range maxVerifiedTokens {
				s.verified.m[strconv.Itoa(i)] = verifiedToken{claims: accessTokenClaims{EXP: tc.exp}, key: s.signingKey}
			}
			s.verified.mu.Unlock()
			if status, body := mgmtCall(s, "Bearer "+token); status != http.StatusOK {
				t.Fatalf("%d %s", status, body)
			}
			s.verified.mu.Lock()
			n := len(s.verified.m)
			_, cached := s.verified.m[token]
			s.verified.mu.Unlock()
			if n != tc.want || !cached {
				t.Errorf("%d entries (want %d), token cached %v", n, tc.want, cached)
			}
		})
	}
}
