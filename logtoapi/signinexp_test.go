package logtoapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// sie builds a sign-in experience from JSON.
func sie(t *testing.T, s string) logtoapi.SignInExperience {
	t.Helper()
	var x logtoapi.SignInExperience
	if err := json.Unmarshal([]byte(s), &x); err != nil {
		t.Fatal(err)
	}
	return x
}

// checkLogtoRules applies Logto's sign-in experience rules (api-contracts §A.5; v1.37–1.42,
// plus the ≤1.25 rule that each sign-up identifier is a sign-in method) to a planned body.
func checkLogtoRules(t *testing.T, up logtoapi.SignUp, in logtoapi.SignIn) {
	t.Helper()
	if slices.Contains(up.Identifiers, "phone") && !up.Verify {
		t.Error("passwordless_requires_verify: phone sign-up without verify")
	}
	seen := map[string]bool{}
	for _, m := range in.Methods {
		if seen[m.Identifier] {
			t.Errorf("duplicate sign-in method %s", m.Identifier)
		}
		seen[m.Identifier] = true
		if !m.Password && !m.VerificationCode {
			t.Errorf("at_least_one_authentication_factor: %s", m.Identifier)
		}
		if up.Verify && !up.Password && m.Identifier != "username" && !m.VerificationCode {
			t.Errorf("code_sign_in_must_be_enabled: %s", m.Identifier)
		}
	}
	for _, id := range up.Identifiers {
		if !seen[id] {
			t.Errorf("miss_sign_up_identifier_in_sign_in: %s", id)
		}
	}
}

func methods(in logtoapi.SignIn) []string {
	var out []string
	for _, m := range in.Methods {
		s := m.Identifier + ":"
		if m.Password {
			s += "p"
		}
		if m.VerificationCode {
			s += "c"
		}
		if m.IsPasswordPrimary {
			s += "P"
		}
		out = append(out, s)
	}
	return out
}

func TestPlanPhoneSignIn(t *testing.T) {
	t.Parallel()
	seed := string(loadFixture(t, "050").ResponseBody)
	after := string(loadFixture(t, "096").ResponseBody)
	tests := []struct {
		name         string
		cur          string
		wantNoChange bool
		wantMethods  []string
		wantChanges  []string // substrings, each in some Changes line
		wantWarnings []string
	}{
		{
			name:        "OSS seed: username and password",
			cur:         seed,
			wantMethods: []string{"phone:c", "username:pP"},
			wantChanges: []string{"sign up with their phone number", "before: username and a password", "sign in with their phone number and an SMS code", "Other sign-in methods stay: username with password"},
		},
		{
			name:         "already phone and code",
			cur:          after,
			wantNoChange: true,
			wantMethods:  []string{"phone:c"},
		},
		{
			name:         "Cloud default: email and password",
			cur:          `{"signUp":{"identifiers":["email"],"password":true,"verify":true},"signIn":{"methods":[{"identifier":"email","password":true,"verificationCode":false,"isPasswordPrimary":true}]},"signInMode":"SignInAndRegister"}`,
			wantMethods:  []string{"phone:c", "email:pcP"},
			wantChanges:  []string{"Email sign-in will also accept a verification code", "before: email with a verification code and a password"},
			wantWarnings: []string{"email connector"},
		},
		{
			name:        "phone with password only",
			cur:         `{"signUp":{"identifiers":["username"],"password":true,"verify":false},"signIn":{"methods":[{"identifier":"username","password":true,"verificationCode":false,"isPasswordPrimary":true},{"identifier":"phone","password":true,"verificationCode":false,"isPasswordPrimary":true}]}}`,
			wantMethods: []string{"phone:pc", "username:pP"},
			wantChanges: []string{"Phone sign-in will also accept an SMS code", "Phone becomes the first sign-in method", "SMS code first"},
		},
		{
			name:        "duplicate phone methods",
			cur:         `{"signUp":{"identifiers":["phone"],"password":false,"verify":true},"signIn":{"methods":[{"identifier":"phone","password":false,"verificationCode":true,"isPasswordPrimary":false},{"identifier":"phone","password":true,"verificationCode":false,"isPasswordPrimary":true}]}}`,
			wantMethods: []string{"phone:c"},
			wantChanges: []string{"duplicate phone sign-in method is removed"},
		},
		{
			name:         "SMS is an MFA factor",
			cur:          `{"signUp":{"identifiers":["username"],"password":true,"verify":false},"signIn":{"methods":[{"identifier":"username","password":true,"verificationCode":false,"isPasswordPrimary":true}]},"mfa":{"factors":["PhoneVerificationCode"],"policy":"UserControlled"}}`,
			wantMethods:  []string{"phone:c", "username:pP"},
			wantWarnings: []string{"multi-factor"},
		},
		{
			name:         "sign in only mode",
			cur:          `{"signUp":{"identifiers":["phone"],"password":false,"verify":true},"signIn":{"methods":[{"identifier":"phone","password":false,"verificationCode":true,"isPasswordPrimary":false}]},"signInMode":"SignIn"}`,
			wantNoChange: true,
			wantMethods:  []string{"phone:c"},
			wantWarnings: []string{"sign in only"},
		},
		{
			name:        "empty sign-in methods",
			cur:         `{"signUp":{"identifiers":[],"password":false,"verify":false},"signIn":{"methods":[]}}`,
			wantMethods: []string{"phone:c"},
			wantChanges: []string{"before: no sign-up identifier"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cur := sie(t, tt.cur)
			before, _ := json.Marshal(cur)
			p := logtoapi.PlanPhoneSignIn(cur)
			if after, _ := json.Marshal(cur); string(before) != string(after) {
				t.Error("PlanPhoneSignIn changed its input")
			}
			if p.NoChange() != tt.wantNoChange {
				t.Errorf("NoChange = %v, want %v (changes %q)", p.NoChange(), tt.wantNoChange, p.Changes)
			}
			if tt.wantNoChange && len(p.Changes) != 0 {
				t.Errorf("Changes = %q for no change", p.Changes)
			}
			if !tt.wantNoChange && len(p.Changes) == 0 {
				t.Error("no Changes lines")
			}
			if got := methods(p.SignIn); !slices.Equal(got, tt.wantMethods) {
				t.Errorf("methods = %v, want %v", got, tt.wantMethods)
			}
			if !slices.Equal(p.SignUp.Identifiers, []string{"phone"}) || p.SignUp.Password || !p.SignUp.Verify {
				t.Errorf("signUp = %+v", p.SignUp)
			}
			checkLogtoRules(t, p.SignUp, p.SignIn)
			for _, w := range tt.wantChanges {
				if !slices.ContainsFunc(p.Changes, func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("no Changes line contains %q: %q", w, p.Changes)
				}
			}
			for _, w := range tt.wantWarnings {
				if !slices.ContainsFunc(p.Warnings, func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("no Warnings line contains %q: %q", w, p.Warnings)
				}
			}
			if len(tt.wantWarnings) == 0 && len(p.Warnings) != 0 {
				t.Errorf("unexpected warnings %q", p.Warnings)
			}
		})
	}
}

func TestPlanKeepsUnknownFields(t *testing.T) {
	t.Parallel()
	cur := sie(t, `{"signUp":{"identifiers":["username"],"password":true,"verify":false,"secondaryIdentifiers":[{"identifier":"phone","verify":true},{"identifier":"email","verify":true}],"futureKey":1},
		"signIn":{"methods":[{"identifier":"username","password":true,"verificationCode":false,"isPasswordPrimary":true,"futureMethodKey":"x"}],"futureSignInKey":true}}`)
	p := logtoapi.PlanPhoneSignIn(cur)
	up, _ := json.Marshal(p.SignUp)
	in, _ := json.Marshal(p.SignIn)
	assertJSONEqual(t, up, []byte(`{"identifiers":["phone"],"password":false,"verify":true,"secondaryIdentifiers":[{"identifier":"email","verify":true}],"futureKey":1}`))
	assertJSONEqual(t, in, []byte(`{"methods":[{"identifier":"phone","password":false,"verificationCode":true,"isPasswordPrimary":false},{"identifier":"username","password":true,"verificationCode":false,"isPasswordPrimary":true,"futureMethodKey":"x"}],"futureSignInKey":true}`))
	if !slices.ContainsFunc(p.Changes, func(s string) bool { return strings.Contains(s, "extra sign-up identifier") }) {
		t.Errorf("Changes = %q", p.Changes)
	}
	// The input's secondary identifiers are untouched.
	orig, _ := json.Marshal(cur.SignUp)
	if !strings.Contains(string(orig), `"identifier":"phone"`) {
		t.Errorf("input changed: %s", orig)
	}
}

func TestSignInExperienceRoundTrip(t *testing.T) {
	t.Parallel()
	raw := loadFixture(t, "050").ResponseBody
	x := sie(t, string(raw))
	if x.SignInMode != "SignInAndRegister" || len(x.SignIn.Methods) != 1 || x.SignIn.Methods[0].Identifier != "username" {
		t.Errorf("decoded %+v", x)
	}
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	assertJSONEqual(t, b, raw)
	if x.Raw("passwordPolicy") == nil {
		t.Error("Raw(passwordPolicy) = nil")
	}
}

func TestSignInExperienceDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, wantPath string
	}{
		{"signUp", `{"signUp":{"identifiers":"phone"}}`, "signUp: "},
		{"sign-in method", `{"signIn":{"methods":[{"identifier":7}]}}`, "signIn: sign-in method: "},
		{"top level", `{"signInMode":1}`, "sign-in experience: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var x logtoapi.SignInExperience
			err := json.Unmarshal([]byte(tt.body), &x)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.wantPath) {
				t.Errorf("error %q does not name %q", err, tt.wantPath)
			}
			var te *json.UnmarshalTypeError
			if !errors.As(err, &te) {
				t.Errorf("error %q does not wrap a *json.UnmarshalTypeError", err)
			}
		})
	}
}

func TestSignInExperienceGetAndApply(t *testing.T) {
	t.Parallel()
	r := newReplay(t, tokenRoutes(map[string]string{
		"GET /api/sign-in-exp":   "050",
		"PATCH /api/sign-in-exp": "095",
	}))
	c := r.client(t)
	cur, err := c.SignInExperience(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	p := logtoapi.PlanPhoneSignIn(cur)
	got, err := c.ApplySignInPlan(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if got.SignUp.Identifiers[0] != "phone" {
		t.Errorf("got %+v", got.SignUp)
	}
	reqs := r.apiRequests()
	if len(reqs) != 2 || reqs[1].Method != http.MethodPatch {
		t.Fatalf("requests = %+v", reqs)
	}
	assertJSONEqual(t, reqs[1].Body, []byte(`{"signUp":{"identifiers":["phone"],"password":false,"verify":true},
		"signIn":{"methods":[{"identifier":"phone","password":false,"verificationCode":true,"isPasswordPrimary":false},{"identifier":"username","password":true,"verificationCode":false,"isPasswordPrimary":true}]}}`))
}

func TestApplySignInPlanNoChangeSendsNothing(t *testing.T) {
	t.Parallel()
	cur := sie(t, string(loadFixture(t, "096").ResponseBody))
	p := logtoapi.PlanPhoneSignIn(cur)
	got, err := offlineClient(t).ApplySignInPlan(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if got.SignUp.Identifiers[0] != "phone" {
		t.Errorf("got %+v", got)
	}
	if _, err := offlineClient(t).ApplySignInPlan(t.Context(), logtoapi.SignInPlan{}); err == nil {
		t.Error("zero plan: nil error")
	}
}

func TestApplySignInPlanRefusals(t *testing.T) {
	t.Parallel()
	seed := sie(t, string(loadFixture(t, "050").ResponseBody))
	tests := []struct {
		fixture, code, explain string
	}{
		{"051", "sign_in_experiences.enabled_connector_not_found", "no working SMS connector"},
		{"107", "sign_in_experiences.enabled_connector_not_found", "Set up the Twilio connector first"},
		{"092", "sign_in_experiences.code_sign_in_must_be_enabled", "verification code"},
		{"090", "sign_in_experiences.passwordless_requires_verify", "verification turned on"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			r := newReplay(t, tokenRoutes(map[string]string{"PATCH /api/sign-in-exp": tt.fixture}))
			_, err := r.client(t).ApplySignInPlan(t.Context(), logtoapi.PlanPhoneSignIn(seed))
			var ae *logtoapi.APIError
			if !errors.As(err, &ae) || ae.Code != tt.code || ae.Status != 400 {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
			if !strings.HasPrefix(err.Error(), "logtoapi: update sign-in experience: ") {
				t.Errorf("err = %q", err)
			}
			if got := logtoapi.Explain(err); !strings.Contains(got, tt.explain) {
				t.Errorf("Explain = %q, want %q", got, tt.explain)
			}
		})
	}
}

func TestExplainEmailConnector(t *testing.T) {
	t.Parallel()
	err := &logtoapi.APIError{Status: 400, Code: "sign_in_experiences.enabled_connector_not_found", Message: "Enabled Email connector not found."}
	if got := logtoapi.Explain(err); !strings.Contains(got, "email connector") {
		t.Errorf("Explain = %q", got)
	}
	if got := logtoapi.Explain(errors.New("other")); got != "" {
		t.Errorf("Explain(other) = %q", got)
	}
	if got := logtoapi.Explain(nil); got != "" {
		t.Errorf("Explain(nil) = %q", got)
	}
}

func TestPlanDescribesKeptMethods(t *testing.T) {
	t.Parallel()
	cur := sie(t, `{"signUp":{"identifiers":["username"],"password":true,"verify":false},
		"signIn":{"methods":[
			{"identifier":"username","password":true,"verificationCode":false,"isPasswordPrimary":true},
			{"identifier":"email","password":true,"verificationCode":false,"isPasswordPrimary":true},
			{"identifier":"username","password":false,"verificationCode":false,"isPasswordPrimary":false}]},
		"signInMode":"SignInAndRegister"}`)
	p := logtoapi.PlanPhoneSignIn(cur)
	want := "Other sign-in methods stay: username with password; email with password or verification code; username."
	if !slices.Contains(p.Changes, want) {
		t.Errorf("Changes = %q\nwant the line %q", p.Changes, want)
	}
	if !slices.ContainsFunc(p.Changes, func(s string) bool { return strings.HasPrefix(s, "Email sign-in will also accept a verification code") }) {
		t.Errorf("Changes = %q: want a line saying email gets a verification code", p.Changes)
	}
}

func TestEmptySignInObjectsEncodeArrays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"signIn", logtoapi.SignIn{}, `{"methods":[]}`},
		{"signUp", logtoapi.SignUp{}, `{"identifiers":[],"password":false,"verify":false}`},
		{"zero sign-in experience", logtoapi.SignInExperience{}, `{"signIn":{"methods":[]},"signUp":{"identifiers":[],"password":false,"verify":false}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("Marshal = %s, want %s (Logto refuses null for a list)", b, tt.want)
			}
		})
	}
}
