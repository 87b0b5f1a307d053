package sandbox

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// readyForPhoneSignIn gives the host's Logto what the wizard sets up: the
// Twilio connector (through the sandbox's Twilio account) and phone sign-in.
func readyForPhoneSignIn(t *testing.T, env *Env) {
	t.Helper()
	env.tw.AddNumber(sandboxAccountSID, "+14155550100")
	svc := env.tw.AddService(sandboxAccountSID, "Attendee test", "+14155550100")
	cfg, _ := json.Marshal(map[string]any{
		"accountSID": sandboxAccountSID, "authToken": sandboxAuthToken, "fromMessagingServiceSID": svc,
		"templates": []map[string]string{
			{"usageType": "Register", "content": "Your sign-up code is {{code}}"},
			{"usageType": "SignIn", "content": "Your sign-in code is {{code}}"},
			{"usageType": "Generic", "content": "Your code is {{code}}"},
		},
	})
	env.lg.SetSMSConnector(logtotest.TwilioFactoryID, cfg)
	e, err := logtoapi.ParseEndpoint(env.Answers.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	c, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: env.Answers.M2MAppID, AppSecret: env.Answers.M2MAppSecret.Reveal()}, env.LogtoHTTP)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := c.SignInExperience(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ApplySignInPlan(t.Context(), logtoapi.PlanPhoneSignIn(cur)); err != nil {
		t.Fatal(err)
	}
}

// signIn signs in to app by phone on the host's Logto, as an attendee's
// browser would, so that a code is sent for app.
func signIn(t *testing.T, env *Env, appID, phoneDigits string) {
	t.Helper()
	q := url.Values{
		"client_id": {appID}, "redirect_uri": {"http://localhost:3000/callback"}, "response_type": {"code"},
		"scope": {"openid phone"}, "state": {"st"}, "nonce": {"nn"},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"},
	}
	if _, err := env.lg.NewBrowser().SignInByPhone(t.Context(), "/oidc/auth?"+q.Encode(), phoneDigits); err != nil {
		t.Fatalf("sign in to %s: %v", appID, err)
	}
}

// TestAttendeeInbox: an attendee whose card names a sandbox's Logto sees
// the codes sent for the card's app, and only those; a wrong secret, or an
// endpoint that is not on this machine, gives no panel.
func TestAttendeeInbox(t *testing.T) {
	t.Parallel()
	host := mustOpen(t, Options{ConfigDir: t.TempDir()})
	readyForPhoneSignIn(t, host)
	redirect := []string{"http://localhost:3000/callback"}
	mine, mySecret := host.lg.AddTraditionalApp("Bookstore 01", redirect, nil)
	theirs, _ := host.lg.AddTraditionalApp("Bookstore 02", redirect, nil)
	host.tw.AddVerifiedCallerID(sandboxAccountSID, "+14155550124")

	if p := AttendeeInbox(t.Context(), host.Answers.Endpoint, mine, "wrong"); p != nil {
		p.Close()
		t.Error("a wrong app secret got a panel")
	}
	if p := AttendeeInbox(t.Context(), "https://logto.example.com", mine, mySecret); p != nil {
		p.Close()
		t.Error("a non-loopback endpoint got a panel")
	}
	p := AttendeeInbox(t.Context(), host.Answers.Endpoint, mine, mySecret)
	if p == nil {
		t.Fatal("no panel for the card's app")
	}
	defer p.Close()
	if !strings.Contains(p.View(), "no messages yet") {
		t.Errorf("panel before any sign-in:\n%s", p.View())
	}

	signIn(t, host, theirs, "14155550124")
	signIn(t, host, mine, "14155550123")
	mineCode, ok := host.lg.LastSMS("14155550123")
	if !ok {
		t.Fatal("no code sent")
	}
	theirCode, _ := host.lg.LastSMS("14155550124")

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for !strings.Contains(p.View(), mineCode.Code) {
		select {
		case <-p.Changed():
		case <-ctx.Done():
			t.Fatalf("the attendee's panel never showed their code %s:\n%s", mineCode.Code, p.View())
		}
	}
	if strings.Contains(p.View(), theirCode.Code) {
		t.Errorf("the attendee's panel shows another app's code:\n%s", p.View())
	}
	if !strings.Contains(p.View(), mineCode.Code+" · sign-in · +14155550123") {
		t.Errorf("the code's line lacks what it is for:\n%s", p.View())
	}
}
