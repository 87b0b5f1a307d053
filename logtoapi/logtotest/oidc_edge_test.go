package logtotest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Edge cases beyond the recordings. Where the recordings say nothing, the stand-in follows
// oidc-provider's and Logto's source; these tests pin that behaviour so it does not drift.

func authQuery(appID string, mod func(url.Values)) string {
	q := url.Values{
		"client_id": {appID}, "redirect_uri": {testRedirect}, "response_type": {"code"},
		"scope": {"openid offline_access profile phone"}, "state": {"st"}, "nonce": {"nn"},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"},
		"prompt": {"consent"},
	}
	if mod != nil {
		mod(q)
	}
	return "/oidc/auth?" + q.Encode()
}

func TestAuthorizationRequestEdges(t *testing.T) {
	tt := newTestTenant(t)
	tests := []struct {
		name       string
		mod        func(url.Values)
		wantStatus int
		wantLoc    string // path of the Location, or "callback"
		wantError  string // error (JSON body or callback query)
	}{
		{"missing client_id", func(q url.Values) { q.Del("client_id") }, 400, "", "invalid_request"},
		{"single registered redirect_uri may be omitted", func(q url.Values) { q.Del("redirect_uri") }, 303, "/sign-in", ""},
		{"redirect_uri with another port", func(q url.Values) { q.Set("redirect_uri", "http://localhost:3001/logto/sign-in-callback") }, 400, "", "invalid_redirect_uri"},
		{"response_type token", func(q url.Values) { q.Set("response_type", "token") }, 303, "callback", "unsupported_response_type"},
		{"missing response_type", func(q url.Values) { q.Del("response_type") }, 303, "callback", "invalid_request"},
		{"challenge without method", func(q url.Values) { q.Del("code_challenge_method") }, 303, "callback", "invalid_request"},
		{"method without challenge", func(q url.Values) { q.Del("code_challenge") }, 303, "callback", "invalid_request"},
		{"no PKCE is fine for a Traditional app", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, 303, "/sign-in", ""},
		{"unknown prompt", func(q url.Values) { q.Set("prompt", "bogus") }, 303, "callback", "invalid_request"},
		{"prompt=none without a session", func(q url.Values) { q.Set("prompt", "none") }, 303, "callback", "login_required"},
		{"first_screen=register", func(q url.Values) { q.Set("first_screen", "register") }, 303, "/register", ""},
		{"interaction_mode=signUp (older SDKs)", func(q url.Values) { q.Set("interaction_mode", "signUp") }, 303, "/register", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body, err := tt.s.NewBrowser().Get(t.Context(), authQuery(tt.appID, tc.mod))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 && resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.wantStatus, body)
			}
			switch {
			case tc.wantLoc == "callback":
				loc, _ := url.Parse(resp.Header.Get("Location"))
				if loc.Query().Get("error") != tc.wantError || loc.Query().Get("state") != "st" || loc.Query().Get("iss") != tt.s.URL+"/oidc" {
					t.Errorf("callback %v, want error %s", loc, tc.wantError)
				}
			case tc.wantLoc != "":
				if resp.Request.URL.Path != tc.wantLoc || resp.StatusCode != 200 {
					t.Errorf("landed on %s (%d), want %s", resp.Request.URL, resp.StatusCode, tc.wantLoc)
				}
			default:
				var e oidcErrBody
				if json.Unmarshal(body, &e) != nil || e.Error != tc.wantError || e.Code != "oidc."+tc.wantError {
					t.Errorf("body %s, want error %s", body, tc.wantError)
				}
			}
		})
	}
	// offline_access is dropped without prompt=consent, as oidc-provider does.
	b := tt.s.NewBrowser()
	cb, err := b.SignInByPhone(t.Context(), authQuery(tt.appID, func(q url.Values) { q.Del("prompt") }), "12015550199")
	if err != nil {
		t.Fatal(err)
	}
	tok := exchange(t, tt, cb, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
	if tok["refresh_token"] != nil || tok["scope"] != "openid profile phone" {
		t.Errorf("without prompt=consent: %v", tok)
	}
}

// exchange posts the code of a callback URL to /oidc/token; it returns the JSON answer.
func exchange(t *testing.T, tt *testTenant, callback, verifier string) map[string]any {
	t.Helper()
	u, _ := url.Parse(callback)
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")},
		"redirect_uri": {testRedirect}, "code_verifier": {verifier},
	}
	status, out := postToken(t, tt, form)
	if status != 200 {
		t.Fatalf("exchange: %d %v", status, out)
	}
	return out
}

func postToken(t *testing.T, tt *testTenant, form url.Values) (int, map[string]any) {
	t.Helper()
	return postTokenAs(t, tt, tt.secret, form)
}

// postTokenAs posts form to /oidc/token as the tenant's app with the given secret.
func postTokenAs(t *testing.T, tt *testTenant, secret string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, tt.s.URL+"/oidc/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(tt.appID, secret)
	resp, err := tt.s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestCodeGrantEdges(t *testing.T) {
	tt := newTestTenant(t)
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" // RFC 7636 appendix B
	signIn := func(mod func(url.Values)) string {
		cb, err := tt.s.NewBrowser().SignInByPhone(t.Context(), authQuery(tt.appID, mod), "12015550199")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(cb)
		return u.Query().Get("code")
	}
	t.Run("expired code", func(t *testing.T) {
		code := signIn(nil)
		p := tt.s.oidc
		p.mu.Lock()
		p.codes[code].expires = time.Now().Add(-time.Second)
		p.mu.Unlock()
		status, out := postToken(t, tt, url.Values{
			"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {testRedirect}, "code_verifier": {verifier},
		})
		if status != 400 || out["error"] != "invalid_grant" {
			t.Errorf("%d %v", status, out)
		}
	})
	t.Run("verifier without a challenge", func(t *testing.T) {
		code := signIn(func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") })
		status, out := postToken(t, tt, url.Values{
			"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {testRedirect}, "code_verifier": {verifier},
		})
		if status != 400 || out["error"] != "invalid_grant" {
			t.Errorf("%d %v", status, out)
		}
		status, out = postToken(t, tt, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testRedirect}})
		if status != 200 || out["id_token"] == nil {
			t.Errorf("without PKCE: %d %v", status, out)
		}
	})
	t.Run("code of another client", func(t *testing.T) {
		code := signIn(nil)
		otherID, otherSecret := tt.s.AddTraditionalApp("Other", []string{testRedirect}, nil)
		form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testRedirect}, "code_verifier": {verifier}}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, tt.s.URL+"/oidc/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(otherID, otherSecret)
		resp, err := tt.s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), `"invalid_grant"`) {
			t.Errorf("%d %s", resp.StatusCode, b)
		}
	})
	t.Run("M2M app may not use the code grant", func(t *testing.T) {
		id, secret := tt.s.AddM2MApp("m2m", false)
		form := url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "redirect_uri": {testRedirect}}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, tt.s.URL+"/oidc/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(id, secret)
		resp, err := tt.s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), "requested grant type is not allowed for this client") {
			t.Errorf("%d %s", resp.StatusCode, b)
		}
	})
}

func TestExperienceEdges(t *testing.T) {
	phone := map[string]string{"type": "phone", "value": "12015550199"}
	start := func(t *testing.T, tt *testTenant) *Browser {
		t.Helper()
		b := tt.s.NewBrowser()
		if _, _, err := b.Get(t.Context(), authQuery(tt.appID, nil)); err != nil {
			t.Fatal(err)
		}
		return b
	}
	call := func(t *testing.T, b *Browser, method, path string, in any) (int, map[string]any) {
		t.Helper()
		status, raw, err := b.API(t.Context(), method, path, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		return status, out
	}
	sendCode := map[string]any{"interactionEvent": "SignIn", "identifier": phone}
	// identify starts an experience for event, verifies the phone and asks for identification.
	identify := func(t *testing.T, tt *testTenant, b *Browser, event string) (int, map[string]any) {
		t.Helper()
		call(t, b, "PUT", "/api/experience", map[string]string{"interactionEvent": event})
		_, sent := call(t, b, "POST", "/api/experience/verification/verification-code",
			map[string]any{"interactionEvent": event, "identifier": phone})
		call(t, b, "POST", "/api/experience/verification/verification-code/verify",
			map[string]any{"verificationId": sent["verificationId"], "identifier": phone, "code": tt.tw.lastCode(t)})
		return call(t, b, "POST", "/api/experience/identification", map[string]any{"verificationId": sent["verificationId"]})
	}
	signInOnly := func(tt *testTenant) {
		tt.s.mu.Lock()
		defer tt.s.mu.Unlock()
		tt.s.signInExp.set("signInMode", json.RawMessage(`"SignIn"`))
	}
	seedSignInExperience := func(tt *testTenant) {
		tt.s.mu.Lock()
		defer tt.s.mu.Unlock()
		tt.s.signInExp = seedSignInExp() // username + password, as a fresh Logto
	}

	tests := []struct {
		name       string
		setup      func(*testTenant)
		run        func(t *testing.T, tt *testTenant, b *Browser) (int, map[string]any)
		wantStatus int
		wantCode   string
	}{
		{"no SMS connector", func(tt *testTenant) {
			tt.s.mu.Lock()
			tt.s.connectors = nil
			tt.s.mu.Unlock()
		}, func(t *testing.T, _ *testTenant, b *Browser) (int, map[string]any) {
			return call(t, b, "POST", "/api/experience/verification/verification-code", sendCode)
		}, 501, "connector.not_found"}, // r3-020, r3-021
		{"Twilio refuses the credentials (fixture 073)", func(tt *testTenant) {
			tt.tw.mu.Lock()
			defer tt.tw.mu.Unlock()
			tt.tw.status, tt.tw.body = 401, `{"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}`
		}, func(t *testing.T, _ *testTenant, b *Browser) (int, map[string]any) {
			return call(t, b, "POST", "/api/experience/verification/verification-code", sendCode)
		}, 400, "connector.general"},
		{
			"Twilio unreachable (fixture 071)", func(tt *testTenant) { tt.tw.Close() },
			func(t *testing.T, _ *testTenant, b *Browser) (int, map[string]any) {
				return call(t, b, "POST", "/api/experience/verification/verification-code", sendCode)
			}, 500, "",
		},
		{"bad interaction event", nil, func(t *testing.T, _ *testTenant, b *Browser) (int, map[string]any) {
			return call(t, b, "PUT", "/api/experience", map[string]string{"interactionEvent": "Bogus"})
		}, 400, "guard.invalid_input"},
		{"unknown verification", nil, func(t *testing.T, _ *testTenant, b *Browser) (int, map[string]any) {
			return call(t, b, "POST", "/api/experience/verification/verification-code/verify",
				map[string]any{"verificationId": "nope", "identifier": phone, "code": "123456"})
		}, 404, "session.verification_session_not_found"},
		{"submit before identification", nil, func(t *testing.T, _ *testTenant, b *Browser) (int, map[string]any) {
			call(t, b, "PUT", "/api/experience", map[string]string{"interactionEvent": "SignIn"})
			return call(t, b, "POST", "/api/experience/submit", nil)
		}, 404, "session.identifier_not_found"},
		{
			"register an existing phone", func(tt *testTenant) { tt.s.AddUser("12015550199") },
			func(t *testing.T, tt *testTenant, b *Browser) (int, map[string]any) {
				call(t, b, "PUT", "/api/experience", map[string]string{"interactionEvent": "Register"})
				_, sent := call(t, b, "POST", "/api/experience/verification/verification-code",
					map[string]any{"interactionEvent": "Register", "identifier": phone})
				call(t, b, "POST", "/api/experience/verification/verification-code/verify",
					map[string]any{"verificationId": sent["verificationId"], "identifier": phone, "code": tt.tw.lastCode(t)})
				return call(t, b, "POST", "/api/experience/identification", map[string]any{"verificationId": sent["verificationId"]})
			}, 422, "user.phone_already_in_use",
		},
		{
			"phone sign-in not enabled (a fresh tenant's sign-in experience)", seedSignInExperience,
			func(t *testing.T, tt *testTenant, b *Browser) (int, map[string]any) {
				return identify(t, tt, b, "SignIn")
			},
			422, "user.sign_in_method_not_enabled",
		},
		{
			"sign-up asks for a username and password", seedSignInExperience,
			func(t *testing.T, tt *testTenant, b *Browser) (int, map[string]any) {
				return identify(t, tt, b, "Register")
			},
			422, "user.missing_profile",
		},
		{
			// PUT /api/experience itself is not guarded (r3-012); identification is.
			"registration turned off: a Register experience cannot identify", signInOnly,
			func(t *testing.T, tt *testTenant, b *Browser) (int, map[string]any) {
				return identify(t, tt, b, "Register")
			}, 403, "auth.forbidden",
		},
		{
			"registration turned off: the modal's switch to Register is refused", signInOnly,
			func(t *testing.T, tt *testTenant, b *Browser) (int, map[string]any) {
				if status, out := identify(t, tt, b, "SignIn"); out["code"] != "user.user_not_exist" {
					return status, out
				}
				return call(t, b, "PUT", "/api/experience/interaction-event", map[string]string{"interactionEvent": "Register"})
			}, 403, "auth.forbidden",
		},
		{"code for another phone", nil, func(t *testing.T, tt *testTenant, b *Browser) (int, map[string]any) {
			_, sent := call(t, b, "POST", "/api/experience/verification/verification-code", sendCode)
			return call(t, b, "POST", "/api/experience/verification/verification-code/verify",
				map[string]any{"verificationId": sent["verificationId"], "identifier": map[string]string{"type": "phone", "value": "12015550100"}, "code": tt.tw.lastCode(t)})
		}, 400, "verification_code.phone_mismatch"},
		{"ten wrong codes", nil, func(t *testing.T, tt *testTenant, b *Browser) (int, map[string]any) {
			_, sent := call(t, b, "POST", "/api/experience/verification/verification-code", sendCode)
			verify := func(code string) (int, map[string]any) {
				return call(t, b, "POST", "/api/experience/verification/verification-code/verify",
					map[string]any{"verificationId": sent["verificationId"], "identifier": phone, "code": code})
			}
			for range 10 {
				if status, out := verify("000000"); out["code"] != "verification_code.code_mismatch" {
					return status, out
				}
			}
			return verify(tt.tw.lastCode(t))
		}, 400, "verification_code.exceed_max_try"},
		{"a code is used once", nil, func(t *testing.T, tt *testTenant, b *Browser) (int, map[string]any) {
			_, sent := call(t, b, "POST", "/api/experience/verification/verification-code", sendCode)
			body := map[string]any{"verificationId": sent["verificationId"], "identifier": phone, "code": tt.tw.lastCode(t)}
			if status, out := call(t, b, "POST", "/api/experience/verification/verification-code/verify", body); status != 200 {
				return status, out
			}
			return call(t, b, "POST", "/api/experience/verification/verification-code/verify", body)
		}, 400, "verification_code.not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tt := newTestTenant(t)
			if tc.setup != nil {
				tc.setup(tt)
			}
			status, out := tc.run(t, tt, start(t, tt))
			if status != tc.wantStatus || (tc.wantCode != "" && out["code"] != tc.wantCode) {
				t.Errorf("%d %v, want %d %s", status, out, tc.wantStatus, tc.wantCode)
			}
		})
	}
}

func TestEndSessionEdges(t *testing.T) {
	tt := newTestTenant(t)
	b := tt.s.NewBrowser()
	cb, err := b.SignInByPhone(t.Context(), authQuery(tt.appID, nil), "12015550199")
	if err != nil {
		t.Fatal(err)
	}
	tok := exchange(t, tt, cb, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
	hint, _ := tok["id_token"].(string)
	tests := []struct {
		name, query string
		want        int
		wantDesc    string
	}{
		{"id_token_hint", "id_token_hint=" + hint + "&post_logout_redirect_uri=" + url.QueryEscape(testPostLogout), 200, ""},
		{
			"post_logout without client", "post_logout_redirect_uri=" + url.QueryEscape(testPostLogout), 400,
			"post_logout_redirect_uri can only be used in combination with id_token_hint or client_id",
		},
		{"hint of another client", "client_id=other&id_token_hint=" + hint, 400, "client_id does not match the provided id_token_hint"},
		{"tampered hint", "id_token_hint=" + hint[:len(hint)-4] + "AAAA", 400, "could not validate id_token_hint"},
		{
			"post_logout differs by a path", "client_id=" + tt.appID + "&post_logout_redirect_uri=" + url.QueryEscape("http://localhost:3000/x"), 400,
			"post_logout_redirect_uri not registered",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body, err := tt.s.NewBrowser().Get(t.Context(), "/oidc/session/end?"+tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.want || (tc.wantDesc != "" && !strings.Contains(string(body), tc.wantDesc)) {
				t.Errorf("%d %s", resp.StatusCode, body)
			}
		})
	}
	// A wrong xsrf is refused; the right one signs out and the next authorization shows the page.
	resp, page, _ := b.Get(t.Context(), "/oidc/session/end?client_id="+tt.appID+"&post_logout_redirect_uri="+url.QueryEscape(testPostLogout)+"&state=s1")
	if resp.StatusCode != 200 {
		t.Fatalf("session/end %d", resp.StatusCode)
	}
	confirm := func(xsrf string) *http.Response {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, tt.s.URL+"/oidc/session/end/confirm",
			strings.NewReader(url.Values{"xsrf": {xsrf}, "logout": {"yes"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r, err := b.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = r.Body.Close()
		return r
	}
	if r := confirm("0000"); r.StatusCode != 400 {
		t.Errorf("wrong xsrf: %d", r.StatusCode)
	}
	if r := confirm(string(xsrfRE.FindSubmatch(page)[1])); r.StatusCode != 303 || r.Header.Get("Location") != testPostLogout+"?state=s1" {
		t.Errorf("confirm: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	resp, _, _ = b.Get(t.Context(), authQuery(tt.appID, nil))
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/sign-in" {
		t.Errorf("after sign-out: %d %s", resp.StatusCode, resp.Request.URL)
	}
}

func TestRevocation(t *testing.T) {
	tt := newTestTenant(t)
	cb, err := tt.s.NewBrowser().SignInByPhone(t.Context(), authQuery(tt.appID, nil), "12015550199")
	if err != nil {
		t.Fatal(err)
	}
	tok := exchange(t, tt, cb, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
	revoke := func(token string) int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, tt.s.URL+"/oidc/token/revocation",
			strings.NewReader(url.Values{"token": {token}, "token_type_hint": {"refresh_token"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(tt.appID, tt.secret)
		resp, err := tt.s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if got := revoke("unknown-token"); got != 200 {
		t.Errorf("unknown token: %d", got)
	}
	if got := revoke(tok["refresh_token"].(string)); got != 200 {
		t.Errorf("refresh token: %d", got)
	}
	status, out := postToken(t, tt, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}})
	if status != 400 || out["error"] != "invalid_grant" {
		t.Errorf("refresh after revocation: %d %v", status, out)
	}
}

// TestRefreshTokenBoundToClient: another app cannot use an app's refresh token (oidc-provider's
// refresh_token grant checks the client); the token stays usable by its own app.
func TestRefreshTokenBoundToClient(t *testing.T) {
	tt := newTestTenant(t)
	cb, err := tt.s.NewBrowser().SignInByPhone(t.Context(), authQuery(tt.appID, nil), "12015550199")
	if err != nil {
		t.Fatal(err)
	}
	tok := exchange(t, tt, cb, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
	rt, _ := tok["refresh_token"].(string)
	if rt == "" {
		t.Fatalf("no refresh token: %v", tok)
	}
	other := *tt
	other.appID, other.secret = tt.s.AddTraditionalApp("Another app", []string{testRedirect}, nil)
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	if status, out := postToken(t, &other, form); status != 400 || out["error"] != "invalid_grant" {
		t.Errorf("refresh by another app: %d %v, want 400 invalid_grant", status, out)
	}
	if status, out := postToken(t, tt, form); status != 200 || out["access_token"] == nil {
		t.Errorf("refresh by its own app: %d %v, want 200 with an access token", status, out)
	}
}
