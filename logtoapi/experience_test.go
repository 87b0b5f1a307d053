package logtoapi_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// TestSendSignInCode sends a sign-in code through the stand-in's sign-in flow with only
// an app's ID and redirect URI (no Management API), as an attendee's test SMS does.
func TestSendSignInCode(t *testing.T) {
	t.Parallel()
	const redirect = "http://localhost:3007/logto/sign-in-callback"
	s := newStandin(t)
	ctx := t.Context()
	appID, _ := s.srv.AddTraditionalApp("Bookstore 07", []string{redirect}, []string{"http://localhost:3007"})

	// No SMS connector yet: Logto's connector.not_found, nothing sent.
	err := logtoapi.SendSignInCode(ctx, s.srv.Client(), s.e, appID, redirect, "14155550123")
	var ae *logtoapi.APIError
	if !errors.As(err, &ae) || ae.Code != "connector.not_found" {
		t.Fatalf("without a connector: %v", err)
	}

	if _, err := s.c.CreateTwilioConnector(ctx, twilioConfig("AC00000000000000000000000000000001"), ""); err != nil {
		t.Fatal(err)
	}
	plan, err := s.c.SignInExperience(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.c.ApplySignInPlan(ctx, logtoapi.PlanPhoneSignIn(plan)); err != nil {
		t.Fatal(err)
	}
	before := s.tw.count()
	if err := logtoapi.SendSignInCode(ctx, s.srv.Client(), s.e, appID, redirect, "14155550123"); err != nil {
		t.Fatalf("send: %v", err)
	}
	if s.tw.count() != before+1 {
		t.Errorf("Twilio got %d messages, want 1", s.tw.count()-before)
	}
	sms, ok := s.srv.LastSMS("14155550123")
	if !ok || sms.UsageType != "SignIn" || len(sms.Code) != 6 {
		t.Errorf("the stand-in sent %+v", sms)
	}

	for _, tc := range []struct {
		name, app, redirect, phone, want string
	}{
		{"unregistered port", appID, "http://localhost:3999/logto/sign-in-callback", "14155550123", "oidc.invalid_redirect_uri"},
		{"unknown app", "nosuchapp123", redirect, "14155550123", "oidc.invalid_client"},
		{"phone with +", appID, redirect, "+14155550123", "digits only"},
		{"no phone", appID, redirect, "", "digits only"},
	} {
		err := logtoapi.SendSignInCode(ctx, s.srv.Client(), s.e, tc.app, tc.redirect, tc.phone)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

// recordAuth remembers the query of the authorization request.
type recordAuth struct {
	next  http.RoundTripper
	query url.Values
}

func (r *recordAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/auth") {
		r.query = req.URL.Query()
	}
	return r.next.RoundTrip(req)
}

// TestSendSignInCodeAuthRequest: the authorization request is the one a sign-in page
// starts from (logto-observed.md "OIDC sign-in by phone" §1): the app, its redirect URI,
// the scopes, prompt=consent, a state and an S256 PKCE challenge of a 32-byte verifier.
func TestSendSignInCodeAuthRequest(t *testing.T) {
	t.Parallel()
	const redirect = "http://localhost:3007/logto/sign-in-callback"
	s := newStandin(t)
	appID, _ := s.srv.AddTraditionalApp("Bookstore 07", []string{redirect}, []string{"http://localhost:3007"})
	hc := *s.srv.Client()
	rec := &recordAuth{next: hc.Transport}
	hc.Transport = rec
	_ = logtoapi.SendSignInCode(t.Context(), &hc, s.e, appID, redirect, "14155550123") // connector.not_found: sent after the request
	q := rec.query
	for k, want := range map[string]string{
		"client_id": appID, "redirect_uri": redirect, "response_type": "code",
		"scope": "openid offline_access profile phone", "prompt": "consent", "code_challenge_method": "S256",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if c := q.Get("code_challenge"); len(c) != 43 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		t.Errorf("code_challenge = %q, want 43 base64url characters (SHA-256)", c)
	}
	if q.Get("state") == "" {
		t.Error("no state")
	}
}
