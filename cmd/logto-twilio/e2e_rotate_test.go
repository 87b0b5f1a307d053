package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
	"github.com/logto-twilio/logto-twilio/internal/sandbox"
)

// savedSecrets reads the values in the sandbox folder's secrets.json.
func savedSecrets(t *testing.T, dir string) (appSecret, twilioToken string) {
	t.Helper()
	var s struct{ AppSecret, TwilioAuthToken string }
	b, err := os.ReadFile(filepath.Join(dir, "secrets.json"))
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		t.Fatalf("secrets.json: %v", err)
	}
	return s.AppSecret, s.TwilioAuthToken
}

// sandboxTwilio reads the Twilio stand-in's saved state: the account's
// tokens and the messages it accepted.
func sandboxTwilio(t *testing.T, dir string) (primary, secondary string, msgs []struct {
	To, EndStatus string
	Created       time.Time
},
) {
	t.Helper()
	var st struct {
		Twilio struct {
			Accounts []struct {
				SID, AuthToken     string
				SecondaryAuthToken string `json:"secondaryAuthToken"`
			}
			Messages []struct {
				To, EndStatus string
				Created       time.Time
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, sandbox.StateFile))
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil || len(st.Twilio.Accounts) == 0 {
		t.Fatalf("the sandbox's state: %v", err)
	}
	a := st.Twilio.Accounts[0]
	return a.AuthToken, a.SecondaryAuthToken, st.Twilio.Messages
}

// TestE2ERotateSandbox is issue 9's end-to-end proof: the real binary sets
// up the sandbox, then `rotate --twilio --app-secret --yes --sign-in` under
// tmux rotates both, doctor passes in-process, and Chromium signs in through
// the demo with the new app secret while the sign-in code goes out through
// Twilio with the new token (after the promotion the old token is refused,
// so an SMS Twilio accepted afterwards was sent with the new one).
func TestE2ERotateSandbox(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "chromium", "/usr/bin/chromium")
	e2etest.Need(t, "tmux")
	bin := buildBinary(t)
	dir := t.TempDir()
	port := freePort(t)
	sandboxSetupUnderTmux(t, bin, dir, port)
	oldApp, oldToken := savedSecrets(t, dir)
	_, _, before := sandboxTwilio(t, dir)
	rotatedAt := time.Now()

	tm := newTmux(t, 100, 40, []string{"NO_COLOR=1", "TERM=xterm-256color"},
		bin, "rotate", "--sandbox", "--no-browser", "--config-dir", dir, "--twilio", "--app-secret", "--yes", "--sign-in")
	s := tm.waitText("Waiting for the sign-in")
	for _, want := range []string{"doctor:", "0 failed"} {
		if !strings.Contains(s, want) {
			t.Errorf("rotate's screen lacks %q before the sign-in:\n%s", want, s)
		}
	}
	browser := e2etest.Chromium(t)
	demoURL := fmt.Sprintf("http://localhost:%d", port)
	signInThroughDemo(browser, t, tm, demoURL)
	// Issue 23: the demo stays up after the sign-in, so the signed-in page's
	// Sign out works; rotate ends when the sign-out has come back from Logto.
	s = tm.waitText("press Enter to finish")
	if strings.Contains(s, "EXIT=") || !strings.Contains(s, "signed in as "+sandboxTestPhone) {
		t.Fatalf("rotate did not wait after the sign-in:\n%s", s)
	}
	ctx, cancel := context.WithTimeout(browser, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(demoURL+"/"), chromedp.WaitVisible(chromedp.CSS("#sign-out")),
		chromedp.Click(chromedp.CSS("#sign-out")), chromedp.WaitVisible(chromedp.CSS("#sign-in"))); err != nil {
		page, _ := chromedp.Run(browser, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("signing out through the demo: %v\npage:\n%s\nscreen:\n%s", err, page, tm.screen())
	}
	s = tm.waitText("EXIT=")
	if !strings.Contains(s, "EXIT=0") || !strings.Contains(s, "Signed out through the demo") {
		t.Fatalf("rotate did not end with the sign-out and exit 0:\n%s", s)
	}
	for _, secret := range []string{oldApp, oldToken} {
		if strings.Contains(s, secret) {
			t.Errorf("the screen shows an old secret")
		}
	}

	newApp, newToken := savedSecrets(t, dir)
	if newApp == oldApp || newToken == oldToken || newApp == "" || newToken == "" {
		t.Fatalf("secrets.json was not rotated (app changed %v, token changed %v)", newApp != oldApp, newToken != oldToken)
	}
	if strings.Contains(s, newApp) || strings.Contains(s, newToken) {
		t.Errorf("the screen shows a new secret")
	}
	primary, secondary, after := sandboxTwilio(t, dir)
	if primary != newToken || secondary != "" {
		t.Errorf("Twilio's primary token is not the new one, or a secondary is left (secondary set: %v)", secondary != "")
	}
	accepted := 0
	for _, m := range after[len(before):] {
		if m.To == sandboxTestPhone && !m.Created.Before(rotatedAt.Add(-time.Second)) && m.EndStatus != "failed" && m.EndStatus != "undelivered" {
			accepted++
		}
	}
	if accepted < 2 { // the rotation's test SMS and the sign-in code
		t.Errorf("Twilio accepted %d SMS after the rotation, want the test SMS and the sign-in code", accepted)
	}
	code, d := runDoctorJSON(t, bin, dir)
	if code != exitOK || !d.OK {
		t.Errorf("doctor after the rotation: exit %d, %+v", code, d)
	}
	assertSecretsOnlyInSecretsFile(t, dir, s)
}
