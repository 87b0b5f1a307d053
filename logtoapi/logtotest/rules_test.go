package logtotest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// env is a started stand-in with a Management token.
type env struct {
	t     *testing.T
	s     *Server
	token string
}

func newEnv(t *testing.T, opts ...Option) *env {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(s.Close)
	id, secret := s.AddM2MApp("wizard", true)
	status, body := mgmtToken(t, s, id, secret)
	if status != http.StatusOK {
		t.Fatalf("token: %d %v", status, body)
	}
	return &env{t: t, s: s, token: body["access_token"].(string)}
}

// call sends a Management API request with the env's token; body is JSON-encoded unless a string.
func (e *env) call(method, path string, body any) (int, []byte) {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = strings.NewReader(string(j))
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.s.URL+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.s.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func codeOf(b []byte) string {
	var v struct{ Code string }
	_ = json.Unmarshal(b, &v)
	return v.Code
}

func twilioConfigJSON(sid string, templates ...string) map[string]any {
	if len(templates) == 0 {
		templates = []string{"SignIn", "Register", "ForgotPassword", "Generic"}
	}
	var ts []map[string]string
	for _, u := range templates {
		ts = append(ts, map[string]string{"usageType": u, "content": u + " code {{code}}"})
	}
	return map[string]any{"accountSID": sid, "authToken": "tok", "fromMessagingServiceSID": "MG1", "templates": ts}
}

func TestM2MScopeRule(t *testing.T) {
	e := newEnv(t)
	noRoleID, noRoleSecret := e.s.AddM2MApp("no-role", false)
	status, body := mgmtToken(t, e.s, noRoleID, noRoleSecret)
	if status != http.StatusOK {
		t.Fatalf("token without role: %d %v", status, body)
	}
	if _, has := body["scope"]; has {
		t.Errorf("token without role has scope %v", body["scope"])
	}
	weak := &env{t: t, s: e.s, token: body["access_token"].(string)}
	if status, b := weak.call(http.MethodGet, "/api/applications", nil); status != http.StatusForbidden || codeOf(b) != "auth.forbidden" {
		t.Errorf("call without all: %d %s", status, b)
	}
	other := NewServer()
	defer other.Close()
	foreign := &env{t: t, s: other, token: e.token}
	if status, b := foreign.call(http.MethodGet, "/api/applications", nil); status != http.StatusUnauthorized || !strings.Contains(string(b), "ERR_JWKS_NO_MATCHING_KEY") {
		t.Errorf("other tenant's token: %d %s", status, b)
	}
}

func TestTokenExpires(t *testing.T) {
	var mu sync.Mutex
	now := time.UnixMilli(1795813400000)
	s := NewUnstartedServer()
	s.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s.Start()
	defer s.Close()
	id, secret := s.AddM2MApp("wizard", true)
	_, body := mgmtToken(t, s, id, secret)
	e := &env{t: t, s: s, token: body["access_token"].(string)}
	if status, _ := e.call(http.MethodGet, "/api/sign-in-exp", nil); status != http.StatusOK {
		t.Fatalf("fresh token: %d", status)
	}
	mu.Lock()
	now = now.Add(managementTokenTTL)
	mu.Unlock()
	if status, b := e.call(http.MethodGet, "/api/sign-in-exp", nil); status != http.StatusUnauthorized || !strings.Contains(string(b), "ERR_JWT_EXPIRED") {
		t.Errorf("expired token: %d %s", status, b)
	}
}

func TestTokenEndpointClients(t *testing.T) {
	e := newEnv(t)
	webID, webSecret := e.s.AddTraditionalApp("web", []string{"http://localhost:3000/logto/sign-in-callback"}, nil)
	m2mID, m2mSecret := e.s.AddM2MApp("m2m", true)
	tests := []struct {
		name       string
		id, secret string
		form       url.Values
		status     int
		oauthError string
	}{
		{
			"traditional app cannot use client_credentials", webID, webSecret,
			url.Values{"grant_type": {"client_credentials"}, "resource": {ManagementResource}},
			400, "invalid_request",
		},
		{
			"bogus code with the right secret", webID, webSecret,
			url.Values{"grant_type": {"authorization_code"}, "code": {"bogus"}},
			400, "invalid_grant",
		},
		{
			"bogus code with a wrong secret", webID, "wrong",
			url.Values{"grant_type": {"authorization_code"}, "code": {"bogus"}},
			401, "invalid_client",
		},
		{
			"unknown client", "nosuchapp", "x",
			url.Values{"grant_type": {"authorization_code"}, "code": {"bogus"}},
			400, "invalid_client",
		},
		{"no grant type", m2mID, m2mSecret, url.Values{}, 400, "invalid_request"},
		{"unknown grant type", m2mID, m2mSecret, url.Values{"grant_type": {"password"}}, 400, "unsupported_grant_type"},
		{"no resource", m2mID, m2mSecret, url.Values{"grant_type": {"client_credentials"}}, 400, "invalid_target"},
		{
			"unknown resource", m2mID, m2mSecret,
			url.Values{"grant_type": {"client_credentials"}, "resource": {"https://example.invalid/api"}},
			400, "invalid_target",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.s.URL+"/oidc/token", strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(tc.id, tc.secret)
			resp, err := e.s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct{ Code, Error string }
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tc.status || body.Error != tc.oauthError || body.Code != "oidc."+tc.oauthError {
				t.Errorf("got %d %+v, want %d %s", resp.StatusCode, body, tc.status, tc.oauthError)
			}
		})
	}
}

func TestApplicationSearch(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"Bookstore", "Bookstore", "Shop"} {
		if status, b := e.call(http.MethodPost, "/api/applications", map[string]any{"name": name, "type": "Traditional"}); status != http.StatusOK {
			t.Fatalf("create %s: %d %s", name, status, b)
		}
	}
	tests := []struct {
		query string
		want  int
	}{
		{"search=Bookstore", 2}, // duplicate names are allowed
		{"search=bookstore", 2}, // case-insensitive
		{"search=books", 0},     // no implicit wildcards
		{"search=Book", 0},
		{"search=%25ook%25", 2},
		{"search=B_okstore", 2},
		{"search.name=Bookstore&mode.name=exact", 2},
		{"search.name=bookstore&mode.name=exact&isCaseSensitive=true", 0},
		{"types=Traditional", 3},
		{"types=MachineToMachine", 1},
		{"types=Traditional&search=Shop", 1},
		{"", 4},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			status, b := e.call(http.MethodGet, "/api/applications?"+tc.query, nil)
			var apps []map[string]any
			if err := json.Unmarshal(b, &apps); status != http.StatusOK || err != nil {
				t.Fatalf("%d %s", status, b)
			}
			if len(apps) != tc.want {
				t.Errorf("%d apps, want %d", len(apps), tc.want)
			}
		})
	}
}

func TestApplicationPatchReplacesMetadata(t *testing.T) {
	e := newEnv(t)
	id, _ := e.s.AddTraditionalApp("web", []string{"http://localhost:3000/cb"}, []string{"http://localhost:3000/"})
	status, b := e.call(http.MethodPatch, "/api/applications/"+id,
		map[string]any{"oidcClientMetadata": map[string]any{"redirectUris": []string{"http://localhost:3000/logto/sign-in-callback"}}})
	if status != http.StatusBadRequest || codeOf(b) != "guard.invalid_input" || !strings.Contains(string(b), "postLogoutRedirectUris") {
		t.Errorf("partial metadata: %d %s", status, b)
	}
	status, b = e.call(http.MethodPatch, "/api/applications/"+id, map[string]any{"oidcClientMetadata": map[string]any{
		"redirectUris": []string{"http://localhost:3000/logto/sign-in-callback"}, "postLogoutRedirectUris": []string{},
	}})
	if status != http.StatusOK {
		t.Fatalf("whole metadata: %d %s", status, b)
	}
	raw, _ := e.s.Application(id)
	var app struct {
		OIDCClientMetadata struct{ RedirectURIs, PostLogoutRedirectURIs []string } `json:"oidcClientMetadata"`
	}
	_ = json.Unmarshal(raw, &app)
	if got := app.OIDCClientMetadata; len(got.RedirectURIs) != 1 || len(got.PostLogoutRedirectURIs) != 0 {
		t.Errorf("stored %+v", got)
	}
}

func TestVersionDifferences(t *testing.T) {
	for _, tc := range []struct {
		version        string
		secretInApp    bool
		internalWorks  bool
		accessControl  bool
		toHasPlusAdded bool
	}{
		{"1.37.1", true, true, false, false},
		{"1.41.0", true, true, true, true}, // 036 and the DIFF rows of replay-results.md
		{"1.42.0", false, false, true, true},
	} {
		t.Run(tc.version, func(t *testing.T) {
			tw := &capture{}
			twSrv := httptest.NewServer(tw)
			defer twSrv.Close()
			e := newEnv(t, WithVersion(tc.version), WithTwilioBaseURL(twSrv.URL))
			status, b := e.call(http.MethodPost, "/api/applications", map[string]any{"name": "probe", "type": "MachineToMachine"})
			if status != http.StatusOK {
				t.Fatalf("create: %d %s", status, b)
			}
			var app map[string]any
			_ = json.Unmarshal(b, &app)
			_, hasSecret := app["secret"]
			_, hasAC := app["appLevelAccessControlEnabled"]
			if hasSecret != tc.secretInApp || hasAC != tc.accessControl {
				t.Errorf("secret in response %v, appLevelAccessControlEnabled %v", hasSecret, hasAC)
			}
			id := app["id"].(string)
			e.s.mu.Lock()
			internal := e.s.apps[id].InternalSecret
			e.s.mu.Unlock()
			status, _ = mgmtToken(t, e.s, id, internal)
			if (status == http.StatusOK) != tc.internalWorks {
				t.Errorf("token with the internal secret: %d", status)
			}
			status, b = e.call(http.MethodPost, "/api/connectors/"+TwilioFactoryID+"/test",
				map[string]any{"phone": "15551234567", "config": twilioConfigJSON("AC1")})
			if status != http.StatusNoContent {
				t.Fatalf("test send: %d %s", status, b)
			}
			if to := tw.last().Get("To"); (to == "+15551234567") != tc.toHasPlusAdded {
				t.Errorf("To=%q", to)
			}
		})
	}
}

// capture is a Twilio stand-in that answers 201 and keeps the forms it got.
type capture struct {
	mu     sync.Mutex
	forms  []url.Values
	status int
	body   string
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forms = append(c.forms, r.PostForm)
	status, body := c.status, c.body
	if status == 0 {
		status, body = http.StatusCreated, `{"sid":"SM1"}`
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func (c *capture) last() url.Values {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.forms) == 0 {
		return url.Values{}
	}
	return c.forms[len(c.forms)-1]
}

func TestConnectorRules(t *testing.T) {
	tw := &capture{}
	twSrv := httptest.NewServer(tw)
	defer twSrv.Close()
	e := newEnv(t, WithTwilioBaseURL(twSrv.URL))

	httpID := e.s.SetSMSConnector("http-sms", json.RawMessage(`{"endpoint":"http://127.0.0.1:1/sms"}`))
	status, b := e.call(http.MethodPost, "/api/connectors", map[string]any{"connectorId": TwilioFactoryID, "config": twilioConfigJSON("AC1")})
	if status != http.StatusOK {
		t.Fatalf("create: %d %s", status, b)
	}
	var created struct{ ID string }
	_ = json.Unmarshal(b, &created)
	if status, _ := e.call(http.MethodGet, "/api/connectors/"+httpID, nil); status != http.StatusNotFound {
		t.Errorf("replaced connector still there: %d", status)
	}
	status, b = e.call(http.MethodGet, "/api/connectors", nil)
	var list []any
	if json.Unmarshal(b, &list) != nil || len(list) != 1 {
		t.Errorf("connectors after create: %d %s", status, b)
	}

	tests := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{
			"templates without {{code}} are accepted", http.MethodPatch, "/api/connectors/" + created.ID,
			map[string]any{"config": map[string]any{
				"accountSID": "AC1", "authToken": "t", "fromMessagingServiceSID": "MG1",
				"templates": []map[string]string{
					{"usageType": "SignIn", "content": "hi"},
					{"usageType": "Register", "content": "hi"},
					{"usageType": "ForgotPassword", "content": "hi"},
					{"usageType": "Generic", "content": "hi"},
				},
			}},
			200, "",
		},
		{
			"extra usage types are accepted", http.MethodPatch, "/api/connectors/" + created.ID,
			map[string]any{"config": twilioConfigJSON("AC1", "SignIn", "Register", "ForgotPassword", "Generic", "BindMfa")},
			200, "",
		},
		{
			"a missing required usage type is refused", http.MethodPatch, "/api/connectors/" + created.ID,
			map[string]any{"config": twilioConfigJSON("AC1", "SignIn", "Register", "ForgotPassword")},
			400, "connector.invalid_config",
		},
		{
			"PATCH replaces config whole", http.MethodPatch, "/api/connectors/" + created.ID,
			map[string]any{"config": map[string]any{"authToken": "only"}},
			400, "connector.invalid_config",
		},
		{"unknown factory", http.MethodPost, "/api/connectors", map[string]any{"connectorId": "nope", "config": map[string]any{}}, 422, "connector.not_found_with_connector_id"},
		{
			"test phone with +", http.MethodPost, "/api/connectors/" + TwilioFactoryID + "/test",
			map[string]any{"phone": "+15551234567", "config": twilioConfigJSON("AC1")},
			400, "guard.invalid_input",
		},
		{
			"test phone with spaces", http.MethodPost, "/api/connectors/" + TwilioFactoryID + "/test",
			map[string]any{"phone": "1 555 123", "config": twilioConfigJSON("AC1")},
			400, "guard.invalid_input",
		},
		{
			"test without phone or email", http.MethodPost, "/api/connectors/" + TwilioFactoryID + "/test",
			map[string]any{"config": map[string]any{}},
			400, "guard.invalid_input",
		},
		{
			"test unknown factory", http.MethodPost, "/api/connectors/nope/test",
			map[string]any{"phone": "1555", "config": map[string]any{}},
			400, "connector.not_found",
		},
		{
			"test invalid config", http.MethodPost, "/api/connectors/" + TwilioFactoryID + "/test",
			map[string]any{"phone": "1555", "config": map[string]any{"accountSID": "AC1"}},
			400, "connector.invalid_config",
		},
		{"delete", http.MethodDelete, "/api/connectors/" + created.ID, nil, 204, ""},
		{"delete again", http.MethodDelete, "/api/connectors/" + created.ID, nil, 404, "entity.not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, b := e.call(tc.method, tc.path, tc.body)
			if status != tc.status || codeOf(b) != tc.code {
				t.Errorf("%d %s, want %d %q", status, b, tc.status, tc.code)
			}
		})
	}
}

func TestConnectorTestSend(t *testing.T) {
	tw := &capture{}
	twSrv := httptest.NewServer(tw)
	defer twSrv.Close()
	e := newEnv(t, WithTwilioBaseURL(twSrv.URL))
	cfg := twilioConfigJSON("ACabc", "SignIn", "Register", "ForgotPassword")
	cfg["templates"] = append(cfg["templates"].([]map[string]string), map[string]string{"usageType": "Generic", "content": "Code: {{ code }} {{code.x}} {{other}}"})

	status, b := e.call(http.MethodPost, "/api/connectors/"+TwilioFactoryID+"/test", map[string]any{"phone": "15551234567", "config": cfg})
	if status != http.StatusNoContent || len(b) != 0 {
		t.Fatalf("send: %d %s", status, b)
	}
	want := url.Values{"To": {"15551234567"}, "MessagingServiceSid": {"MG1"}, "Body": {"Code: 000000  {{other}}"}, "RiskCheck": {"enable"}}
	if got := tw.last(); got.Encode() != want.Encode() {
		t.Errorf("Twilio form %v, want %v", got, want)
	}

	tw.mu.Lock()
	tw.status, tw.body = http.StatusBadRequest, `{"code": 21608, "message": "unverified <number>", "status": 400}`
	tw.mu.Unlock()
	status, b = e.call(http.MethodPost, "/api/connectors/"+TwilioFactoryID+"/test", map[string]any{"phone": "15551234567", "config": cfg})
	var wrapped struct {
		Code string
		Data struct{ Message string }
	}
	_ = json.Unmarshal(b, &wrapped)
	if status != http.StatusBadRequest || wrapped.Code != "connector.general" || wrapped.Data.Message != tw.body {
		t.Errorf("Twilio error: %d %s", status, b)
	}
	if strings.Contains(string(b), `\u003c`) {
		t.Errorf("body is HTML-escaped, Logto's is not: %s", b)
	}

	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	e2 := newEnv(t, WithTwilioBaseURL(gone.URL))
	status, b = e2.call(http.MethodPost, "/api/connectors/"+TwilioFactoryID+"/test", map[string]any{"phone": "15551234567", "config": cfg})
	if status != http.StatusInternalServerError || codeOf(b) != "" {
		t.Errorf("Twilio unreachable: %d %s", status, b)
	}
}

func TestSignInExperienceRules(t *testing.T) {
	phoneSignUp := map[string]any{"identifiers": []string{"phone"}, "password": false, "verify": true}
	phoneCode := map[string]any{"methods": []map[string]any{{"identifier": "phone", "password": false, "verificationCode": true, "isPasswordPrimary": false}}}
	phonePassword := map[string]any{"methods": []map[string]any{{"identifier": "phone", "password": true, "verificationCode": false, "isPasswordPrimary": true}}}
	usernamePassword := map[string]any{"methods": []map[string]any{{"identifier": "username", "password": true, "verificationCode": false, "isPasswordPrimary": true}}}
	tests := []struct {
		name      string
		connector bool
		body      map[string]any
		status    int
		code      string
	}{
		{"phone sign-up without SMS connector", false, map[string]any{"signUp": phoneSignUp, "signIn": phoneCode}, 400, "sign_in_experiences.enabled_connector_not_found"},
		{"phone code sign-in only, without connector", false, map[string]any{"signIn": phoneCode}, 400, "sign_in_experiences.enabled_connector_not_found"},
		{"secondary phone identifier without connector", false, map[string]any{"signUp": map[string]any{
			"identifiers": []string{"username"}, "password": true, "verify": false,
			"secondaryIdentifiers": []map[string]any{{"identifier": "phone"}},
		}}, 400, "sign_in_experiences.enabled_connector_not_found"},
		{"phone sign-up with connector", true, map[string]any{"signUp": phoneSignUp, "signIn": phoneCode}, 200, ""},
		{"verify off", true, map[string]any{"signUp": map[string]any{"identifiers": []string{"phone"}, "password": false, "verify": false}}, 400, "sign_in_experiences.passwordless_requires_verify"},
		{"password-only phone sign-in", true, map[string]any{"signUp": phoneSignUp, "signIn": phonePassword}, 400, "sign_in_experiences.code_sign_in_must_be_enabled"},
		{"username sign-in stays allowed", true, map[string]any{"signUp": phoneSignUp, "signIn": usernamePassword}, 200, ""},
		{"no factor", true, map[string]any{"signIn": map[string]any{"methods": []map[string]any{{"identifier": "username", "password": false, "verificationCode": false, "isPasswordPrimary": true}}}}, 400, "sign_in_experiences.at_least_one_authentication_factor"},
		{"bad identifier", true, map[string]any{"signUp": map[string]any{"identifiers": []string{"mobile"}, "password": false, "verify": true}}, 400, "guard.invalid_input"},
		{"missing method flag", true, map[string]any{"signIn": map[string]any{"methods": []map[string]any{{"identifier": "phone", "verificationCode": true}}}}, 400, "guard.invalid_input"},
		{"email forgot-password without connector", true, map[string]any{"forgotPasswordMethods": []string{"EmailVerificationCode"}}, 400, "sign_in_experiences.forgot_password_method_requires_connector"},
		{"phone code sign-in while SMS is an MFA factor", true, map[string]any{
			"signUp": phoneSignUp, "signIn": phoneCode,
			"mfa": map[string]any{"factors": []string{"PhoneVerificationCode"}, "policy": "UserControlled"},
		}, 400, "sign_in_experiences.phone_verification_code_cannot_be_used_for_sign_in"},
		{"phone forgot-password with connector", true, map[string]any{"forgotPasswordMethods": []string{"PhoneVerificationCode"}}, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if tc.connector {
				e.s.SetSMSConnector(TwilioFactoryID, json.RawMessage(`{}`))
			}
			before := e.s.SignInExperience()
			status, b := e.call(http.MethodPatch, "/api/sign-in-exp", tc.body)
			if status != tc.status || codeOf(b) != tc.code {
				t.Fatalf("%d %s, want %d %q", status, b, tc.status, tc.code)
			}
			if status != http.StatusOK && string(e.s.SignInExperience()) != string(before) {
				t.Errorf("a refused PATCH changed the sign-in experience")
			}
		})
	}
}

func TestSignInExperienceStripsUnknownKeys(t *testing.T) {
	e := newEnv(t)
	status, b := e.call(http.MethodPatch, "/api/sign-in-exp", `{"bogusTop":1,"signUp":{"identifiers":["username"],"password":true,"verify":false,"bogus":1}}`)
	if status != http.StatusOK || strings.Contains(string(b), "bogus") {
		t.Errorf("%d %s", status, b)
	}
	var got, seed map[string]json.RawMessage
	_ = json.Unmarshal(b, &got)
	_ = json.Unmarshal(seedSignInExpJSON, &seed)
	if len(got) != len(seed) {
		t.Errorf("%d keys, seed has %d", len(got), len(seed))
	}
}

func TestInjectFaults(t *testing.T) {
	e := newEnv(t)
	id, _ := e.s.AddTraditionalApp("web", nil, nil)

	e.s.Inject(http.MethodGet, "/api/applications/{id}", Fault{Status: http.StatusServiceUnavailable, Body: `{"message":"down"}`, Times: 1})
	if status, b := e.call(http.MethodGet, "/api/applications/"+id, nil); status != http.StatusServiceUnavailable || string(b) != `{"message":"down"}` {
		t.Errorf("injected status: %d %s", status, b)
	}
	if status, _ := e.call(http.MethodGet, "/api/applications/"+id, nil); status != http.StatusOK {
		t.Errorf("after Times ran out: %d", status)
	}
	if status, _ := e.call(http.MethodGet, "/api/applications", nil); status != http.StatusOK {
		t.Errorf("other route affected: %d", status)
	}

	e.s.Inject("", "/api/sign-in-exp", Fault{Drop: true})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, e.s.URL+"/api/sign-in-exp", nil)
	resp, err := e.s.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Errorf("dropped connection answered %d", resp.StatusCode)
	}

	var seen bool
	for _, r := range e.s.Requests() {
		seen = seen || (r.Method == http.MethodGet && r.Path == "/api/applications/"+id)
	}
	if !seen {
		t.Error("Requests() misses the calls made")
	}
}

func TestInjectLatency(t *testing.T) {
	s := NewUnstartedServer()
	defer s.Close()
	s.Inject(http.MethodGet, "/api/status", Fault{Latency: 5 * time.Second})
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		rec := httptest.NewRecorder()
		s.srv.Config.Handler.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/status", nil))
		if rec.Code != http.StatusNoContent || time.Since(start) != 5*time.Second {
			t.Errorf("status %d after %v", rec.Code, time.Since(start))
		}
	})
}

func TestSendConnectorSMSErrors(t *testing.T) {
	s := NewUnstartedServer()
	defer s.Close()
	err := s.sendConnectorSMS(t.Context(), TwilioFactoryID, json.RawMessage(`{"templates":[{"usageType":"SignIn","content":"x"}]}`), "Register", "1", "123456")
	var ce *connectorError
	if !errors.As(err, &ce) || ce.Code != "template_not_found" {
		t.Errorf("no template and no Generic: %v", err)
	}
}

func TestDeleteConnectorWithPasswordExpiration(t *testing.T) {
	for _, tc := range []struct {
		version string
		status  int
	}{{"1.37.1", http.StatusNoContent}, {"1.41.0", http.StatusUnprocessableEntity}, {"1.42.0", http.StatusUnprocessableEntity}} {
		t.Run(tc.version, func(t *testing.T) {
			e := newEnv(t, WithVersion(tc.version))
			id := e.s.SetSMSConnector(TwilioFactoryID, json.RawMessage(`{}`))
			if status, b := e.call(http.MethodPatch, "/api/sign-in-exp", map[string]any{
				"passwordExpiration":    map[string]any{"enabled": true, "validPeriodDays": 90},
				"forgotPasswordMethods": []string{"PhoneVerificationCode"},
			}); status != http.StatusOK {
				t.Fatalf("patch: %d %s", status, b)
			}
			if status, b := e.call(http.MethodDelete, "/api/connectors/"+id, nil); status != tc.status {
				t.Errorf("delete: %d %s, want %d", status, b, tc.status)
			}
		})
	}
}

// TestConcurrentCalls lets the race detector watch the tenant state under parallel calls.
func TestConcurrentCalls(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for range 8 {
		wg.Go(func() {
			if status, b := e.call(http.MethodPost, "/api/applications", map[string]any{"name": "app", "type": "Traditional"}); status != http.StatusOK {
				errs <- string(b)
			}
			if status, b := e.call(http.MethodPost, "/api/connectors", map[string]any{"connectorId": TwilioFactoryID, "config": twilioConfigJSON("AC1")}); status != http.StatusOK {
				errs <- string(b)
			}
			if status, b := e.call(http.MethodGet, "/api/applications?search=app", nil); status != http.StatusOK {
				errs <- string(b)
			}
			_, _ = e.s.SMSConnector()
			_ = e.s.Requests()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	status, b := e.call(http.MethodGet, "/api/connectors", nil)
	var list []any
	if json.Unmarshal(b, &list) != nil || status != http.StatusOK || len(list) != 1 {
		t.Errorf("after parallel creates: %d, %d connectors, want exactly one SMS connector", status, len(list))
	}
}

// TestPaginationHeaders: Total-Number and koa-pagination's Link lines, one per relation (first,
// last, prev, next), without /api.
func TestPaginationHeaders(t *testing.T) {
	e := newEnv(t) // one M2M app
	for range 4 {
		e.s.AddTraditionalApp("web", nil, nil)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, e.s.URL+"/api/applications?types=Traditional&page=2&page_size=2", nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := e.s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var apps []any
	_ = json.NewDecoder(resp.Body).Decode(&apps)
	base := e.s.URL + "/applications?types=Traditional&page="
	want := []string{"<" + base + "1&page_size=2>; rel=\"first\"", "<" + base + "2&page_size=2>; rel=\"last\"", "<" + base + "1&page_size=2>; rel=\"prev\""}
	if len(apps) != 2 || resp.Header.Get("Total-Number") != "4" || !slices.Equal(resp.Header.Values("Link"), want) {
		t.Errorf("%d apps, Total-Number %q, Link lines %q, want %q", len(apps), resp.Header.Get("Total-Number"), resp.Header.Values("Link"), want)
	}
}

// TestMoreThanOneSMSConnector: a tenant left with two SMS connectors (by an older Logto or a
// database edit; the API never creates it) cannot list its connectors, as in Logto.
func TestMoreThanOneSMSConnector(t *testing.T) {
	e := newEnv(t)
	e.s.SetSMSConnector(TwilioFactoryID, nil)
	e.s.mu.Lock()
	e.s.connectors = append(e.s.connectors, &connector{ID: randomShortID(), ConnectorID: "http-sms", Config: json.RawMessage(`{}`), Metadata: json.RawMessage(`{}`)})
	e.s.mu.Unlock()
	status, body := e.call(http.MethodGet, "/api/connectors", nil)
	if status != http.StatusBadRequest || !strings.Contains(string(body), `"connector.more_than_one_sms"`) {
		t.Errorf("GET /api/connectors: %d %s, want 400 connector.more_than_one_sms", status, body)
	}
}

// TestManagementTokenChecks: the Management API refuses a token of this Logto that was issued
// for another resource or by another issuer, and a token request without a resource.
func TestManagementTokenChecks(t *testing.T) {
	e := newEnv(t)
	now := e.s.now()
	mint := func(aud, iss string) string {
		return e.s.signJWT("at+jwt", accessTokenClaims{
			JTI: "j1", Sub: "wizard", IAT: now.Unix(), EXP: now.Add(time.Hour).Unix(),
			Scope: "all", ClientID: "wizard", ISS: iss, AUD: aud,
		})
	}
	tests := []struct {
		name, token string
		wantStatus  int
	}{
		{"right token", mint(ManagementResource, e.s.issuer()), http.StatusOK},
		{"another resource", mint("https://api.example.com", e.s.issuer()), http.StatusUnauthorized},
		{"another issuer", mint(ManagementResource, "http://localhost:9999/oidc"), http.StatusUnauthorized},
		{"not a JWT", "abc", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, e.s.URL+"/api/applications", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+tt.token)
			resp, err := e.s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d (%s), want %d", resp.StatusCode, b, tt.wantStatus)
			}
		})
	}

	id, secret := e.s.AddM2MApp("another", true)
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"all"}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.s.URL+"/oidc/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(id, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := e.s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "invalid_target") || !strings.Contains(string(b), "are not provided") {
		t.Errorf("token request without resource: %d %s, want 400 invalid_target", resp.StatusCode, b)
	}
}

// TestSendConnectorSMSForm: the Twilio message the stand-in sends for Logto: the usage type's
// template, else Generic; RiskCheck as configured; the account's SID and token as Basic auth.
func TestSendConnectorSMSForm(t *testing.T) {
	tests := []struct {
		name, config, usage, wantBody, wantRisk string
	}{
		{"own template", `{"accountSID":"AC1","authToken":"tok","fromMessagingServiceSID":"MG1","templates":[{"usageType":"SignIn","content":"sign in {{code}}"},{"usageType":"Generic","content":"generic {{code}}"}]}`, "SignIn", "sign in 123456", "enable"},
		{"Generic fallback", `{"accountSID":"AC1","authToken":"tok","fromMessagingServiceSID":"MG1","templates":[{"usageType":"SignIn","content":"sign in {{code}}"},{"usageType":"Generic","content":"generic {{code}}"}]}`, "Register", "generic 123456", "enable"},
		{"risk check off", `{"accountSID":"AC1","authToken":"tok","fromMessagingServiceSID":"MG1","disableRiskCheck":true,"templates":[{"usageType":"Generic","content":"generic {{code}}"}]}`, "SignIn", "generic 123456", "disable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tw := newFakeTwilio(t)
			s := NewUnstartedServer(WithTwilioBaseURL(tw.URL), WithHTTPClient(tw.Client()))
			defer s.Close()
			if err := s.sendConnectorSMS(t.Context(), TwilioFactoryID, json.RawMessage(tt.config), tt.usage, "15551234567", "123456"); err != nil {
				t.Fatal(err)
			}
			calls := tw.calls()
			if len(calls) != 1 {
				t.Fatalf("%d calls to Twilio, want 1", len(calls))
			}
			c := calls[0]
			if c.Path != "/2010-04-01/Accounts/AC1/Messages.json" || c.User != "AC1" || c.Password != "tok" {
				t.Errorf("call %s as %s:%s", c.Path, c.User, c.Password)
			}
			if c.Form.Get("Body") != tt.wantBody || c.Form.Get("RiskCheck") != tt.wantRisk || c.Form.Get("MessagingServiceSid") != "MG1" {
				t.Errorf("form %v, want Body %q and RiskCheck %s", c.Form, tt.wantBody, tt.wantRisk)
			}
		})
	}
}
