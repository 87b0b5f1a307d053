package logtotest

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// versionsAnd142 are the versions run for real plus 1.42.0 (from the source), for the tests
// where 1.42 matters.
var versionsAnd142 = append(slices.Clone(Versions), "1.42.0")

// TestRoleAssignmentByVersion: 1.37.1 answers 201 text/plain "Created" (fixture 031) and 422
// application.role_exists for a role the app has (source); 1.41 answers 201 JSON with the roles
// sent and those added, and a repeat is 201 with none added (replay-results.md R2, probe P1).
func TestRoleAssignmentByVersion(t *testing.T) {
	for _, v := range versionsAnd142 {
		t.Run(v, func(t *testing.T) {
			e := newEnv(t, WithVersion(v))
			appID, _ := e.s.AddM2MApp("probe", false)
			e.s.mu.Lock()
			roleID := e.s.managementRoleLocked().ID
			e.s.mu.Unlock()
			path := "/api/applications/" + appID + "/roles"
			body := map[string]any{"roleIds": []string{roleID}}
			status, first := e.call(http.MethodPost, path, body)
			repeat, again := e.call(http.MethodPost, path, body)
			if v == DefaultVersion {
				if status != http.StatusCreated || string(first) != "Created" {
					t.Errorf("first: %d %s", status, first)
				}
				if repeat != http.StatusUnprocessableEntity || !strings.Contains(string(again), "application.role_exists") {
					t.Errorf("repeat: %d %s", repeat, again)
				}
				return
			}
			for _, tc := range []struct {
				status int
				body   []byte
				added  []string
			}{{status, first, []string{roleID}}, {repeat, again, []string{}}} {
				var got struct {
					RoleIDs      []string `json:"roleIds"`
					AddedRoleIDs []string `json:"addedRoleIds"`
				}
				if tc.status != http.StatusCreated || json.Unmarshal(tc.body, &got) != nil ||
					!slices.Equal(got.RoleIDs, []string{roleID}) || !slices.Equal(got.AddedRoleIDs, tc.added) {
					t.Errorf("%d %s, want 201 roleIds [%s] addedRoleIds %v", tc.status, tc.body, roleID, tc.added)
				}
			}
			if status, b := e.call(http.MethodPost, path, map[string]any{"roleIds": []string{"nosuchrole"}}); status != http.StatusNotFound {
				t.Errorf("unknown role: %d %s", status, b)
			}
		})
	}
}

// TestRoleAssignmentContentType141 checks the JSON answer's Content-Type (R2).
func TestRoleAssignmentContentType141(t *testing.T) {
	e := newEnv(t, WithVersion("1.41.0"))
	appID, _ := e.s.AddM2MApp("probe", false)
	e.s.mu.Lock()
	roleID := e.s.managementRoleLocked().ID
	e.s.mu.Unlock()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, e.s.URL+"/api/applications/"+appID+"/roles",
		strings.NewReader(`{"roleIds":["`+roleID+`"]}`))
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
}

// TestSignInExpSeed141: a fresh 1.41 tenant's sign-in experience has the five new keys, where the
// table has them, with the values a fresh seed gives; 1.37.1 has none of them.
func TestSignInExpSeed141(t *testing.T) {
	want := map[string]string{
		"customUiCsp":            `{}`,
		"verificationCodePolicy": `{}`,
		"signUpProfileFields":    `null`,
		"passwordExpiration":     `{}`,
		"usernamePolicy": `{"caseSensitive":true,"minLength":1,"maxLength":128,` +
			`"allowedChars":{"lowercase":true,"uppercase":true,"numbers":true,"underscore":true}}`,
	}
	for _, v := range versionsAnd142 {
		t.Run(v, func(t *testing.T) {
			e := newEnv(t, WithVersion(v))
			status, b := e.call(http.MethodGet, "/api/sign-in-exp", nil)
			if status != http.StatusOK {
				t.Fatalf("%d %s", status, b)
			}
			o, err := parseOrderedObject(b)
			if err != nil {
				t.Fatal(err)
			}
			for k, val := range want {
				got, ok := o.vals[k]
				if v == DefaultVersion {
					if ok {
						t.Errorf("1.37.1 has %s", k)
					}
					continue
				}
				if string(got) != val {
					t.Errorf("%s = %s, want %s", k, got, val)
				}
			}
			if v == DefaultVersion {
				return
			}
			// The order of sign_in_experiences.sql at v1.41.0.
			order := []string{
				"customUiAssets", "customUiCsp", "passwordPolicy", "emailBlocklistPolicy", "verificationCodePolicy",
				"forgotPasswordMethods", "passkeySignIn", "signUpProfileFields", "passwordExpiration", "usernamePolicy",
			}
			var got []string
			for _, k := range o.keys {
				if slices.Contains(order, k) {
					got = append(got, k)
				}
			}
			if !slices.Equal(got, order) {
				t.Errorf("key order %v, want %v", got, order)
			}
			if last := o.keys[len(o.keys)-1]; last != "usernamePolicy" {
				t.Errorf("last key %s", last)
			}
		})
	}
}

// TestSignInExpPatch141 checks what PATCH /api/sign-in-exp does with the five keys: 1.37.1 strips
// them as unknown; 1.41 stores them after their guards.
func TestSignInExpPatch141(t *testing.T) {
	policy := map[string]any{
		"caseSensitive": true, "minLength": 3, "maxLength": 20,
		"allowedChars": map[string]any{"lowercase": true, "uppercase": false, "numbers": true, "underscore": true},
	}
	good := map[string]any{
		"customUiCsp":            map[string]any{},
		"verificationCodePolicy": map[string]any{"maxRetryAttempts": 5, "expirationDuration": 300, "extra": 1},
		"signUpProfileFields":    []any{},
		"usernamePolicy":         policy,
	}
	t.Run("1.37.1 strips them", func(t *testing.T) {
		e := newEnv(t)
		status, b := e.call(http.MethodPatch, "/api/sign-in-exp", good)
		if status != http.StatusOK || strings.Contains(string(b), "usernamePolicy") {
			t.Errorf("%d %s", status, b)
		}
	})
	t.Run("1.41 stores them", func(t *testing.T) {
		e := newEnv(t, WithVersion("1.41.0"))
		status, b := e.call(http.MethodPatch, "/api/sign-in-exp", good)
		if status != http.StatusOK {
			t.Fatalf("%d %s", status, b)
		}
		var got map[string]json.RawMessage
		_ = json.Unmarshal(b, &got)
		for k, want := range map[string]string{
			"verificationCodePolicy": `{"expirationDuration":300,"maxRetryAttempts":5}`,
			"usernamePolicy": `{"caseSensitive":true,"minLength":3,"maxLength":20,` +
				`"allowedChars":{"lowercase":true,"uppercase":false,"numbers":true,"underscore":true}}`,
			"signUpProfileFields": `[]`,
			"customUiCsp":         `{}`,
			"passwordExpiration":  `{}`,
		} {
			if string(got[k]) != want {
				t.Errorf("%s = %s, want %s", k, got[k], want)
			}
		}
	})
	for name, tc := range map[string]struct {
		body   map[string]any
		status int
		code   string
	}{
		"numbers-only usernames": {map[string]any{"usernamePolicy": map[string]any{
			"caseSensitive": true, "minLength": 1, "maxLength": 10,
			"allowedChars": map[string]any{"lowercase": false, "uppercase": false, "numbers": true, "underscore": false},
		}}, http.StatusBadRequest, "guard.invalid_input"},
		"min above max": {map[string]any{"usernamePolicy": map[string]any{
			"caseSensitive": true, "minLength": 9, "maxLength": 3,
			"allowedChars": map[string]any{"lowercase": true, "uppercase": true, "numbers": true, "underscore": true},
		}}, http.StatusBadRequest, "guard.invalid_input"},
		"code lifetime too short": {map[string]any{"verificationCodePolicy": map[string]any{"expirationDuration": 30}}, http.StatusBadRequest, "guard.invalid_input"},
		"csp unknown directive":   {map[string]any{"customUiCsp": map[string]any{"imgSrc": []string{}}}, http.StatusBadRequest, "guard.invalid_input"},
		"csp source on OSS":       {map[string]any{"customUiCsp": map[string]any{"scriptSrc": []string{"https://cdn.example.com"}}}, http.StatusBadRequest, "request.invalid_input"},
		"expiration without days": {map[string]any{"passwordExpiration": map[string]any{"enabled": true}}, http.StatusBadRequest, "guard.invalid_input"},
		"expiration without a forgot-password connector": {
			map[string]any{"passwordExpiration": map[string]any{"enabled": true, "validPeriodDays": 30}},
			http.StatusUnprocessableEntity, "sign_in_experiences.password_expiration_requires_forgot_password",
		},
		"profile field without a name": {map[string]any{"signUpProfileFields": []any{map[string]any{}}}, http.StatusBadRequest, "guard.invalid_input"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, WithVersion("1.41.0"))
			before := e.s.SignInExperience()
			status, b := e.call(http.MethodPatch, "/api/sign-in-exp", tc.body)
			var got logtoError
			_ = json.Unmarshal(b, &got)
			if status != tc.status || got.Code != tc.code {
				t.Errorf("%d %s, want %d %s", status, b, tc.status, tc.code)
			}
			if after := e.s.SignInExperience(); string(after) != string(before) {
				t.Errorf("a refused PATCH changed the sign-in experience")
			}
		})
	}
}

// TestPasswordExpirationEnabledAt141: enabledAt is the server's (stamped when turned on, kept
// while on, whatever the client sends), in the guard's key order.
func TestPasswordExpirationEnabledAt141(t *testing.T) {
	e := newEnv(t, WithVersion("1.41.0"))
	e.s.SetSMSConnector(TwilioFactoryID, json.RawMessage(`{}`))
	read := func(b []byte) (enabledAt int64, raw string) {
		var got struct {
			PasswordExpiration json.RawMessage `json:"passwordExpiration"`
		}
		_ = json.Unmarshal(b, &got)
		var pe struct{ EnabledAt int64 }
		_ = json.Unmarshal(got.PasswordExpiration, &pe)
		return pe.EnabledAt, string(got.PasswordExpiration)
	}
	status, b := e.call(http.MethodPatch, "/api/sign-in-exp", map[string]any{
		"forgotPasswordMethods": []string{"PhoneVerificationCode"},
		"passwordExpiration":    map[string]any{"enabledAt": 5, "validPeriodDays": 90, "enabled": true},
	})
	at, raw := read(b)
	if status != http.StatusOK || at < 1e12 || !regexp.MustCompile(`^\{"enabled":true,"validPeriodDays":90,"enabledAt":\d+\}$`).MatchString(raw) {
		t.Fatalf("%d %s", status, raw)
	}
	_, b = e.call(http.MethodPatch, "/api/sign-in-exp", map[string]any{"passwordExpiration": map[string]any{"enabled": true, "validPeriodDays": 30}})
	if again, raw := read(b); again != at || !strings.Contains(raw, `"validPeriodDays":30`) {
		t.Errorf("enabledAt %d then %d (%s)", at, again, raw)
	}
	// While on, any PATCH that would leave no forgot-password method is refused.
	if status, b := e.call(http.MethodPatch, "/api/sign-in-exp", map[string]any{"forgotPasswordMethods": []string{}}); status != http.StatusUnprocessableEntity {
		t.Errorf("clearing the forgot-password methods: %d %s", status, b)
	}
	_, b = e.call(http.MethodPatch, "/api/sign-in-exp", map[string]any{"passwordExpiration": map[string]any{"enabled": false}})
	if _, raw := read(b); raw != `{"enabled":false}` {
		t.Errorf("off: %s", raw)
	}
}

// TestUsernamePolicyCaseConflict141: turning the username policy case-insensitive while two users'
// usernames differ only by case is 409 with Logto's data (findCaseConflicts); without conflicts,
// or when the policy is already case-insensitive, it is 200.
func TestUsernamePolicyCaseConflict141(t *testing.T) {
	insensitive := map[string]any{"usernamePolicy": map[string]any{
		"caseSensitive": false, "minLength": 1, "maxLength": 128,
		"allowedChars": map[string]any{"lowercase": true, "uppercase": true, "numbers": true, "underscore": true},
	}}
	e := newEnv(t, WithVersion("1.41.0"))
	a, b, c := e.s.AddUser("15550000001"), e.s.AddUser("15550000002"), e.s.AddUser("15550000003")
	e.s.SetUsername(a, "Alice")
	e.s.SetUsername(b, "bob")
	e.s.SetUsername(c, "alice")
	status, body := e.call(http.MethodPatch, "/api/sign-in-exp", insensitive)
	var got struct {
		Code string `json:"code"`
		Data struct {
			TotalConflicts int                    `json:"totalConflicts"`
			Samples        []usernameCaseConflict `json:"samples"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &got)
	if status != http.StatusConflict || got.Code != "sign_in_experiences.username_policy_case_conflicts_exist" ||
		got.Data.TotalConflicts != 1 || len(got.Data.Samples) != 1 ||
		got.Data.Samples[0].UsernameLower != "alice" || !slices.Equal(got.Data.Samples[0].UserIDs, []string{a, c}) {
		t.Fatalf("%d %s", status, body)
	}
	e.s.SetUsername(c, "carol")
	if status, body := e.call(http.MethodPatch, "/api/sign-in-exp", insensitive); status != http.StatusOK {
		t.Fatalf("without conflicts: %d %s", status, body)
	}
	e.s.SetUsername(c, "ALICE") // a conflict made while already case-insensitive is not looked for
	if status, body := e.call(http.MethodPatch, "/api/sign-in-exp", insensitive); status != http.StatusOK {
		t.Errorf("already case-insensitive: %d %s", status, body)
	}
	// 1.37.1 has no username policy: the key is stripped.
	old := newEnv(t)
	x, y := old.s.AddUser("15550000001"), old.s.AddUser("15550000002")
	old.s.SetUsername(x, "Alice")
	old.s.SetUsername(y, "alice")
	if status, body := old.call(http.MethodPatch, "/api/sign-in-exp", insensitive); status != http.StatusOK {
		t.Errorf("1.37.1: %d %s", status, body)
	}
}

// TestAppLevelAccessControl141: 1.41 answers appLevelAccessControlEnabled false on every
// application object (R1) and takes it in PATCH; turning it on needs rules (422).
func TestAppLevelAccessControl141(t *testing.T) {
	for _, v := range versionsAnd142 {
		t.Run(v, func(t *testing.T) {
			e := newEnv(t, WithVersion(v))
			id, _ := e.s.AddTraditionalApp("web", []string{"http://localhost:3000/callback"}, nil)
			for _, path := range []string{"/api/applications/" + id, "/api/applications"} {
				_, b := e.call(http.MethodGet, path, nil)
				if has := strings.Contains(string(b), `"appLevelAccessControlEnabled":false`); has != (v != DefaultVersion) {
					t.Errorf("GET %s: %s", path, b)
				}
			}
			status, b := e.call(http.MethodPatch, "/api/applications/"+id, map[string]any{"appLevelAccessControlEnabled": false})
			if status != http.StatusOK {
				t.Errorf("false: %d %s", status, b)
			}
			status, b = e.call(http.MethodPatch, "/api/applications/"+id, map[string]any{"appLevelAccessControlEnabled": true})
			want := http.StatusUnprocessableEntity
			if v == DefaultVersion {
				want = http.StatusOK // an unknown key, stripped
			}
			if status != want {
				t.Errorf("true: %d %s, want %d", status, b, want)
			}
		})
	}
}

// TestDiscovery141 follows testdata/logto-1.41/discovery-diff.md: from 1.41 discovery has
// device_authorization_endpoint (<ENDPOINT>/oidc/device/auth) and the device_code grant.
func TestDiscovery141(t *testing.T) {
	raw, err := os.ReadFile("testdata/logto-1.41/discovery-diff.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("added `device_authorization_endpoint`: \"<ENDPOINT>([^\"]+)\"").FindSubmatch(raw)
	g := regexp.MustCompile(`grant_types_supported\x60: \+\['([^']+)'\]`).FindSubmatch(raw)
	if m == nil || g == nil {
		t.Fatalf("discovery-diff.md: cannot read the added endpoint or grant:\n%s", raw)
	}
	for _, v := range versionsAnd142 {
		t.Run(v, func(t *testing.T) {
			s := NewServer(WithVersion(v))
			defer s.Close()
			resp, err := s.Client().Get(s.URL + "/oidc/.well-known/openid-configuration")
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			var doc struct {
				Device string   `json:"device_authorization_endpoint"`
				Grants []string `json:"grant_types_supported"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
				t.Fatal(err)
			}
			on := v != DefaultVersion
			if (doc.Device == s.URL+string(m[1])) != on || (doc.Device == "") == on {
				t.Errorf("device_authorization_endpoint %q", doc.Device)
			}
			if slices.Contains(doc.Grants, string(g[1])) != on || len(doc.Grants) != 5+map[bool]int{true: 1}[on] {
				t.Errorf("grant_types_supported %v", doc.Grants)
			}
		})
	}
}

// TestRestoreOlderSnapshot141: a snapshot of a 1.37 tenant restored into a 1.41 stand-in gets the
// five keys, as Logto's alterations add the columns.
func TestRestoreOlderSnapshot141(t *testing.T) {
	old := NewServer()
	defer old.Close()
	snap, err := old.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(WithVersion("1.41.0"))
	defer s.Close()
	if err := s.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if sie := string(s.SignInExperience()); !strings.Contains(sie, `"usernamePolicy":{"caseSensitive":true`) ||
		!strings.Contains(sie, `"verificationCodePolicy":{}`) {
		t.Errorf("restored: %s", sie)
	}
}
