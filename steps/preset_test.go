package steps

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

func testPreset() Preset {
	return Preset{
		File: "bookstore-07.yaml", Name: "Bookstore 07", Endpoint: "http://localhost:3001",
		AppID: "app07", AppSecret: appSecret, Port: 3007,
	}
}

// presetWorld is the fakes' world for an attendee: SendCode records its calls.
func presetWorld(sendErr error) (*world, *calls) {
	w := newWorld()
	sent := &calls{}
	w.deps.SendCode = func(_ context.Context, e logtoapi.Endpoint, appID, redirect, phone string) error {
		sent.add(e.String() + " " + appID + " " + redirect + " " + phone)
		return sendErr
	}
	return w, sent
}

// TestPresetLineTranscript runs every real step for an attendee in the line runner:
// the card answers the endpoint and the app (checked, not asked), the Twilio, service,
// template, connector and sign-in steps are passed over with a note, the test SMS goes
// through Logto's sign-in flow (SendCode), and neither Management API nor Twilio is
// used. The transcript is a golden.
func TestPresetLineTranscript(t *testing.T) {
	w, sent := presetWorld(nil)
	t.Setenv("LOGTO_M2M_APP_SECRET", "")
	dir := t.TempDir()
	w.deps.Store = &config.Store{Dir: dir}
	w.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "15005550006"}
	p := Prefill{M2MAppID: "m2m-from-env", M2MAppSecret: m2mSecret, TwilioAccountSID: accountSID, TwilioAuthToken: twilioToken}
	p.UsePreset(testPreset())
	st := NewState(p)
	answers := []string{
		"+15005550006", // test SMS phone (the welcome asks nothing with a card)
		"n",            // starter: no
		"",             // summary
	}
	var out bytes.Buffer
	err := tui.RunLines(t.Context(), All(st, w.deps), tui.Options{
		In: strings.NewReader(strings.Join(answers, "\n") + "\n"), Out: &out, Env: []string{},
		Checkpoint: Checkpoint(st, w.deps.Store),
	})
	transcript := strings.ReplaceAll(out.String(), dir, "$TMP")
	if err != nil {
		t.Fatalf("RunLines: %v\n%s", err, transcript)
	}
	if got := sent.list(); len(got) != 1 || got[0] != "http://localhost:3001 app07 http://localhost:3007/logto/sign-in-callback 15005550006" {
		t.Errorf("SendCode calls = %q", got)
	}
	if c := w.logto.list(); len(c) != 0 {
		t.Errorf("the attendee used the Management API: %q", c)
	}
	if c := w.twilio.list(); len(c) != 0 {
		t.Errorf("the attendee used Twilio: %q", c)
	}
	su := st.Setup
	if su.Method != config.MethodManual || su.AppID != "app07" || su.AppName != "Bookstore 07" || su.DemoPort != 3007 ||
		su.ConnectorAction != config.ConnectorKept || su.TestResult != "sent" || su.SignedInPhone != "+15005550006" || su.M2MAppID != "" {
		t.Errorf("setup %+v", su)
	}
	if w.demo.cfg.AppID != "app07" || w.demo.cfg.BaseURL != "http://localhost:3007" {
		t.Errorf("demo config %+v", w.demo.cfg)
	}
	for _, want := range []string{
		"– How to create the app — the workshop made your app, Bookstore 07",
		"– Twilio credentials — the workshop's connector sends the codes",
		"– Logto SMS connector — the workshop's shared Twilio connector, kept (the test SMS checks it)",
		"✓ App credentials — app app07 checked with Logto",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	assertNoSecrets(t, "transcript", transcript)
	for _, f := range []string{config.SetupFile, config.SecretsFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]string{"M2M secret": m2mSecret, "Auth Token": twilioToken} {
			if strings.Contains(string(b), v) {
				t.Errorf("%s holds the %s", f, name)
			}
		}
	}
	golden.RequireEqual(t, transcript)
}

// TestPresetTestSMSProblems: each refusal of Logto says what to tell the facilitator.
func TestPresetTestSMSProblems(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"no connector", &logtoapi.APIError{Status: 400, Code: "connector.not_found"}, "has no SMS connector"},
		{"port not registered", &logtoapi.APIError{Status: 400, Code: "oidc.invalid_redirect_uri"}, "no redirect URI for port 3007"},
		{"app deleted", &logtoapi.APIError{Status: 400, Code: "oidc.invalid_client"}, "does not know the card's app"},
		{"sign-in mode", &logtoapi.APIError{Status: 403, Code: "auth.forbidden"}, "does not allow sign-in now"},
		{"other", errors.New("boom"), "could not send the code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, _ := presetWorld(tc.err)
			p := Prefill{}
			p.UsePreset(testPreset())
			st := NewState(p)
			st.Setup = config.Setup{Endpoint: "http://localhost:3001", AppID: "app07", Method: config.MethodManual}
			s := newTestSMS(st, &w.deps)
			s.phone = "+15005550006"
			_, err := s.Execute(t.Context())
			var pr *Problem
			if !errors.As(err, &pr) || !strings.Contains(pr.What, tc.want) {
				t.Errorf("err = %v, want a problem saying %q", err, tc.want)
			}
			if st.Setup.TestResult != "" {
				t.Errorf("a failed send changed the setup: %+v", st.Setup)
			}
		})
	}
}

// TestApplyPreset: another card's app than the saved one is checked and proved again.
func TestApplyPreset(t *testing.T) {
	t.Parallel()
	p := Prefill{}
	p.UsePreset(testPreset())
	st := NewState(p)
	st.Setup = config.Setup{AppID: "other", Method: config.MethodAuto, M2MAppID: "m", Done: []string{"welcome", "credentials", "testsms", "verify"}}
	applyPreset(st)
	if st.Setup.Method != config.MethodManual || st.Setup.M2MAppID != "" || st.Setup.AppName != "Bookstore 07" ||
		len(st.Setup.Done) != 1 {
		t.Errorf("setup %+v", st.Setup)
	}
	none := NewState(Prefill{})
	applyPreset(none)
	if none.Setup.Method != "" {
		t.Errorf("without a card the setup changed: %+v", none.Setup)
	}
}
