package steps

import (
	"bytes"
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

// wizardAnswers answers every question of a fresh automatic run, in order.
var wizardAnswers = []string{
	"y",                     // welcome: ready
	"http://localhost:3001", // endpoint
	"1",                     // method: automatic
	"m2m1",                  // M2M App ID
	m2mSecret,               // M2M App secret
	accountSID,              // Twilio Account SID (the app: none named Bookstore, made without asking)
	twilioToken,             // Auth Token
	"n",                     // templates: use these (the service: the only one with a sender)
	"+15005550006",          // test SMS phone
	"y",                     // sign-in: apply
	"y",                     // starter: write
	"",                      // starter folder: default (the summary asks nothing)
}

// TestWizardLineTranscript runs every real step in the line runner against
// the fakes: the transcript of plain mode is a golden, and no secret value
// appears in it or in any saved file except secrets.json.
func TestWizardLineTranscript(t *testing.T) {
	w := newWorld()
	// Relative paths under a fresh working directory: the wrapped transcript
	// must not depend on the length of the temporary directory's name.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	w.deps.Store = &config.Store{Dir: "config"}
	starterDir := "starter"
	w.deps.WriteExpress = func(_ string, v demo.ExpressValues, _ func(string) bool) ([]string, error) {
		w.express.add(v.AppID)
		return []string{"app.js", ".env"}, nil
	}
	w.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "15005550006"}
	st := NewState(Prefill{})
	answers := append([]string(nil), wizardAnswers...)
	answers[len(answers)-1] = starterDir
	var out bytes.Buffer
	err = tui.RunLines(t.Context(), All(st, w.deps), tui.Options{
		In: strings.NewReader(strings.Join(answers, "\n") + "\n"), Out: &out, Env: []string{},
		Checkpoint: Checkpoint(st, w.deps.Store),
	})
	transcript := strings.ReplaceAll(out.String(), dir, "$TMP")
	if err != nil {
		t.Fatalf("RunLines: %v\n%s", err, transcript)
	}
	if st.Setup.SignedInPhone != "+15005550006" || st.Setup.ConnectorAction != config.ConnectorCreated {
		t.Fatalf("setup %+v", st.Setup)
	}
	assertNoSecrets(t, "transcript", transcript)
	assertNoKeyNames(t, "transcript", transcript)
	setupJSON, err := os.ReadFile(filepath.Join(w.deps.Store.Dir, config.SetupFile))
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, config.SetupFile, string(setupJSON))
	secretsJSON, _ := os.ReadFile(filepath.Join(w.deps.Store.Dir, config.SecretsFile))
	for _, s := range []string{m2mSecret, appSecret, twilioToken} {
		if !strings.Contains(string(secretsJSON), s) {
			t.Errorf("secrets.json lacks a secret it must keep")
		}
	}
	entries, _ := os.ReadDir(w.deps.Store.Dir)
	if len(entries) != 2 {
		t.Errorf("store holds %d files, want setup.json and secrets.json only", len(entries))
	}
	t.Chdir(wd) // the golden file is relative to the package
	golden.RequireEqual(t, transcript)
}

func assertNoSecrets(t *testing.T, where, s string) {
	t.Helper()
	for name, v := range map[string]string{"M2M secret": m2mSecret, "app secret": appSecret, "Auth Token": twilioToken} {
		if strings.Contains(s, v) {
			t.Errorf("%s shows the %s", where, name)
		}
	}
}

// TestWizardLinePrefilled: with every answer prefilled (flags, env), plain
// mode needs only "y" and enter for each question.
func TestWizardLinePrefilled(t *testing.T) {
	t.Parallel()
	w := newWorld()
	w.deps.Store = &config.Store{Dir: t.TempDir()}
	w.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "15005550006"}
	st := NewState(fullPrefill())
	var out bytes.Buffer
	in := "y\n" + strings.Repeat("\n", 30)
	err := tui.RunLines(t.Context(), All(st, w.deps), tui.Options{
		In: strings.NewReader(in), Out: &out, Env: []string{},
		Checkpoint: Checkpoint(st, w.deps.Store),
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if st.Setup.M2MAppID != "m2m1" || st.Setup.SignedInPhone != "+15005550006" {
		t.Fatalf("setup %+v", st.Setup)
	}
	assertNoSecrets(t, "transcript", out.String())
}

// TestWizardLineManual runs the manual path in plain mode: no Management
// API call at all, the Console page opened once, the test SMS sent through
// Twilio and followed, and no secret in the transcript.
func TestWizardLineManual(t *testing.T) {
	t.Parallel()
	w := newWorld()
	w.check = logtoapi.AppCredentialsOK
	w.deps.Store = &config.Store{Dir: t.TempDir()}
	w.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "15005550006"}
	st := NewState(Prefill{TwilioAccountSID: accountSID, TwilioAuthToken: twilioToken, TestPhone: "+15005550006"})
	in := strings.Join([]string{
		"y",       // welcome
		"",        // endpoint: default
		"3",       // method: manual
		"web1",    // App ID
		appSecret, // App secret
		"", "",    // Twilio SID and token: prefilled
		"",  // service: first
		"n", // templates: keep
		"y", // connector saved in the Console
		"",  // phone: prefilled
		"y", // sign-in saved in the Console
		"n", // no starter
		"",  // summary
	}, "\n") + "\n"
	var out bytes.Buffer
	err := tui.RunLines(t.Context(), All(st, w.deps), tui.Options{
		In: strings.NewReader(in), Out: &out, Env: []string{},
		Checkpoint: Checkpoint(st, w.deps.Store),
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if calls := w.logto.list(); len(calls) != 0 {
		t.Errorf("the manual path called the Management API: %q", calls)
	}
	if got := w.opener.list(); len(got) != 2 || !strings.Contains(got[0], "/console/applications/create") {
		t.Errorf("opened %q, want the Console page, then the demo", got)
	}
	tw := strings.Join(w.twilio.list(), ",")
	if !strings.Contains(tw, "Send ") || !strings.Contains(tw, "Follow SM1") {
		t.Errorf("Twilio calls %s", tw)
	}
	if st.Setup.AppID != "web1" || st.Setup.ConnectorAction != config.ConnectorManual || st.Setup.TestResult != "delivered" ||
		!strings.Contains(out.String(), "– The app — not needed: you create the app in the Console") {
		t.Errorf("setup %+v", st.Setup)
	}
	assertNoSecrets(t, "transcript", out.String())
	// Plain mode has no alt+ keys: the texts show the URLs instead.
	plain := strings.Join(strings.Fields(out.String()), " ") // undo the wrapping
	if strings.Contains(plain, "alt+") {
		t.Errorf("plain mode names alt+ keys:\n%s", out.String())
	}
	for _, want := range []string{
		"(http://localhost:3002/console/applications/create)",
		"Redirect URI http://localhost:3000/logto/sign-in-callback",
		"Post sign-out URI http://localhost:3000",
		"In the Console (http://localhost:3002/console/connectors/passwordless), add the Twilio SMS connector",
		`"fromMessagingServiceSID": "MG11111111111111111111111111111111"`,
		"In the Console (http://localhost:3002/console/sign-in-experience",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("plain mode lacks %q:\n%s", want, out.String())
		}
	}
}
