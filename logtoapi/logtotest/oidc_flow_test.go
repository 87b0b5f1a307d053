package logtotest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Shared fixtures for the OIDC tests: a Traditional app registered like the recorded "Bookstore"
// app and a Twilio connector with the four recorded templates (fixtures 203, 205, 307).

const (
	testRedirect   = "http://localhost:3000/logto/sign-in-callback"
	testPostLogout = "http://localhost:3000/"
	testAccountSID = "ACa1b2c3d4e5f60718293a4b5c6d7e8f90"
	testAuthToken  = "0123456789abcdef0123456789abcdef"
	testServiceSID = "MGf0e1d2c3b4a5968778695a4b3c2d1e0f"
)

// fakeTwilio records what the connector sends, like the fake api.twilio.com of fixture 307.
type fakeTwilio struct {
	*httptest.Server
	mu   sync.Mutex
	sent []twilioCall
	// status, when not 0, is answered instead of 201 with body.
	status int
	body   string
}

type twilioCall struct {
	Path, User, Password string
	Form                 url.Values
}

func newFakeTwilio(t *testing.T) *fakeTwilio {
	t.Helper()
	f := &fakeTwilio{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		u, p, _ := r.BasicAuth()
		f.mu.Lock()
		f.sent = append(f.sent, twilioCall{Path: r.URL.Path, User: u, Password: p, Form: r.PostForm})
		status, body := f.status, f.body
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if status != 0 {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"sid":"SM00000000000000000000000000000000","status":"accepted"}`)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeTwilio) calls() []twilioCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]twilioCall(nil), f.sent...)
}

var smsCodeRE = regexp.MustCompile(`\b(\d{6})\b`)

// lastCode reads the code out of the last SMS the fake received, as the E2E tests read it from
// the Twilio stand-in's inbox.
func (f *fakeTwilio) lastCode(t *testing.T) string {
	t.Helper()
	c := f.calls()
	if len(c) == 0 {
		t.Fatal("no SMS reached Twilio")
	}
	m := smsCodeRE.FindStringSubmatch(c[len(c)-1].Form.Get("Body"))
	if m == nil {
		t.Fatalf("no code in SMS body %q", c[len(c)-1].Form.Get("Body"))
	}
	return m[1]
}

type testTenant struct {
	s             *Server
	tw            *fakeTwilio
	appID, secret string
}

func newTestTenant(t *testing.T, opts ...Option) *testTenant {
	t.Helper()
	return newTestTenantAt(t, nil, opts...)
}

// newTestTenantAt is newTestTenant with the stand-in's clock set to now (nil: the real clock).
func newTestTenantAt(t *testing.T, now func() time.Time, opts ...Option) *testTenant {
	t.Helper()
	tw := newFakeTwilio(t)
	s := NewUnstartedServer(append([]Option{WithTwilioBaseURL(tw.URL), WithHTTPClient(tw.Client())}, opts...)...)
	if now != nil {
		s.now = now
	}
	s.Start()
	t.Cleanup(s.Close)
	appID, secret := s.AddTraditionalApp("Bookstore", []string{testRedirect}, []string{testPostLogout})
	cfg, _ := json.Marshal(map[string]any{
		"accountSID": testAccountSID, "authToken": testAuthToken, "fromMessagingServiceSID": testServiceSID,
		"templates": []map[string]string{
			{"usageType": "Register", "content": "Bookstore: your sign-up code is {{code}} (Register template)."},
			{"usageType": "SignIn", "content": "Bookstore: your sign-in code is {{code}} (SignIn template)."},
			{"usageType": "ForgotPassword", "content": "Bookstore: your password reset code is {{code}} (ForgotPassword template)."},
			{"usageType": "Generic", "content": "Bookstore: your verification code is {{code}} (Generic template)."},
		},
	})
	s.SetSMSConnector(TwilioFactoryID, cfg)
	enablePhoneSignIn(t, s)
	return &testTenant{s: s, tw: tw, appID: appID, secret: secret}
}

// enablePhoneSignIn sends the recorded sign-in experience PATCH (fixture 204: phone sign-up,
// phone + code sign-in) through the Management API, as the wizard does.
func enablePhoneSignIn(t *testing.T, s *Server) {
	t.Helper()
	id, secret := s.AddM2MApp("test setup", true)
	form := url.Values{"grant_type": {"client_credentials"}, "resource": {ManagementResource}, "scope": {"all"}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/oidc/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	_ = resp.Body.Close()
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("management token: %d %v", resp.StatusCode, err)
	}
	f := loadRecorded(t, "204")
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPatch, s.URL+"/api/sign-in-exp", strings.NewReader(string(f.RequestBody)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != f.Status {
		t.Fatalf("PATCH /api/sign-in-exp: %d %s", resp.StatusCode, body)
	}
}

// TestOIDCSignInWithGoOIDC signs in over HTTP with go-oidc + oauth2 as the relying party (the
// demo server's libraries), reading the SMS code from a fake Twilio.
func TestOIDCSignInWithGoOIDC(t *testing.T) {
	tt := newTestTenant(t)
	ctx := oidc.ClientContext(t.Context(), tt.s.Client())
	provider, err := oidc.NewProvider(ctx, tt.s.URL+"/oidc")
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	conf := oauth2.Config{
		ClientID: tt.appID, ClientSecret: tt.secret, RedirectURL: testRedirect,
		Endpoint: provider.Endpoint(),
		Scopes:   []string{oidc.ScopeOpenID, oidc.ScopeOfflineAccess, "profile", "phone"},
	}
	conf.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("state-123", oauth2.S256ChallengeOption(verifier),
		oidc.Nonce("nonce-456"), oauth2.SetAuthURLParam("prompt", "consent"))

	// The person: sign-in page, phone, code from the SMS, "Create a new one?", back to the app.
	b := tt.s.NewBrowser()
	resp, _, err := b.Get(t.Context(), authURL)
	if err != nil || resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/sign-in" {
		t.Fatalf("authorization request: %v %v", resp, err)
	}
	call := func(method, path string, in any, want int) map[string]any {
		t.Helper()
		status, raw, err := b.API(t.Context(), method, path, in, nil)
		if err != nil || status != want {
			t.Fatalf("%s %s = %d %s (%v), want %d", method, path, status, raw, err, want)
		}
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		return out
	}
	phone := map[string]string{"type": "phone", "value": "12015550199"}
	call("PUT", "/api/experience", map[string]string{"interactionEvent": "SignIn"}, 204)
	vid := call("POST", "/api/experience/verification/verification-code",
		map[string]any{"interactionEvent": "SignIn", "identifier": phone}, 200)["verificationId"]
	call("POST", "/api/experience/verification/verification-code/verify",
		map[string]any{"verificationId": vid, "identifier": phone, "code": tt.tw.lastCode(t)}, 200)
	notExist := call("POST", "/api/experience/identification", map[string]any{"verificationId": vid}, 404)
	if notExist["code"] != "user.user_not_exist" {
		t.Fatalf("identification of a new phone: %v", notExist)
	}
	call("PUT", "/api/experience/interaction-event", map[string]string{"interactionEvent": "Register"}, 204)
	call("POST", "/api/experience/identification", map[string]any{"verificationId": vid}, 201)
	redirectTo, _ := call("POST", "/api/experience/submit", nil, 200)["redirectTo"].(string)
	resp, _, err = b.Get(t.Context(), redirectTo)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("back to the app: %v %v", resp, err)
	}
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || cb.Scheme+"://"+cb.Host+cb.Path != testRedirect {
		t.Fatalf("callback %q", resp.Header.Get("Location"))
	}
	if cb.Query().Get("state") != "state-123" || cb.Query().Get("iss") != tt.s.URL+"/oidc" {
		t.Fatalf("callback query %v", cb.Query())
	}

	// The app: exchange the code, verify the ID token, call userinfo, refresh.
	tok, err := conf.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("code exchange: %v", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: tt.appID}).Verify(ctx, rawID)
	if err != nil {
		t.Fatalf("verify ID token: %v", err)
	}
	if idt.Nonce != "nonce-456" {
		t.Errorf("nonce = %q", idt.Nonce)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("at_hash: %v", err)
	}
	var claims struct {
		Phone    string `json:"phone_number"`
		Verified bool   `json:"phone_number_verified"`
	}
	if err := idt.Claims(&claims); err != nil || claims.Phone != "12015550199" || !claims.Verified {
		t.Errorf("claims %+v %v", claims, err)
	}
	users := tt.s.Users()
	if len(users) != 1 || users[0].ID != idt.Subject || users[0].PhoneNumber != "12015550199" {
		t.Errorf("users %+v, sub %q", users, idt.Subject)
	}
	ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil || ui.Subject != idt.Subject {
		t.Fatalf("userinfo: %+v %v", ui, err)
	}
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	expired := *tok
	expired.AccessToken, expired.Expiry = "", expired.Expiry.Add(-24*3600e9)
	refreshed, err := conf.TokenSource(ctx, &expired).Token()
	if err != nil || refreshed.AccessToken == tok.AccessToken || refreshed.RefreshToken != tok.RefreshToken {
		t.Fatalf("refresh: %v (same refresh token: %v)", err, refreshed != nil && refreshed.RefreshToken == tok.RefreshToken)
	}

	// What Twilio received (fixture 307): SignIn template for a new user from the sign-in page.
	calls := tt.tw.calls()
	if len(calls) != 1 {
		t.Fatalf("%d SMS sent, want 1", len(calls))
	}
	c := calls[0]
	if c.Path != "/2010-04-01/Accounts/"+testAccountSID+"/Messages.json" || c.User != testAccountSID || c.Password != testAuthToken {
		t.Errorf("twilio call %s as %s", c.Path, c.User)
	}
	if c.Form.Get("To") != "12015550199" || c.Form.Get("MessagingServiceSid") != testServiceSID ||
		c.Form.Get("RiskCheck") != "enable" || !strings.Contains(c.Form.Get("Body"), "(SignIn template)") {
		t.Errorf("twilio form %v", c.Form)
	}
	if len(c.Form) != 4 {
		t.Errorf("twilio form has %d fields, want To, MessagingServiceSid, Body, RiskCheck", len(c.Form))
	}
	_ = base64.RawURLEncoding
}
