package logtoapi_test

import (
	"errors"
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
