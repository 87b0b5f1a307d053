package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
	"github.com/logto-twilio/logto-twilio/internal/sandbox"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// buildBinary builds the real binary once per test.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "logto-twilio")
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// tmuxTerm is a real terminal (e2etest.Tmux: tmux runs the binary,
// send-keys types, capture-pane reads the screen; each test has its own tmux
// server), with the count of the user's actions.
type tmuxTerm struct {
	*e2etest.Tmux
	t *testing.T
	// actions counts the user's actions: one keys or paste call is one
	// (a key, a typed or pasted text, or keys pressed together such as
	// "Enter Enter" over two prefilled fields).
	actions int
}

// newTmux runs argv with env (NAME=value words) added to this process's
// environment; when it ends the pane shows "EXIT=<code>".
func newTmux(t *testing.T, width, height int, env []string, argv ...string) *tmuxTerm {
	t.Helper()
	line := "env " + strings.Join(env, " ") + " " + e2etest.ShellQuote(argv...) + `; echo "EXIT=$?"`
	return &tmuxTerm{Tmux: e2etest.NewTmux(t, width, height, nil, line), t: t}
}

func (tm *tmuxTerm) run(args ...string) string {
	tm.t.Helper()
	return tm.Run(args...)
}

// screen is what the terminal shows now.
func (tm *tmuxTerm) screen() string { return tm.Screen() }

// keys types keys (tmux key names such as Enter, or literal text with -l).
func (tm *tmuxTerm) keys(keys ...string) {
	tm.t.Helper()
	tm.actions++
	tm.Keys(keys...)
}

// waitFor polls the screen until it matches, or fails with the last screen
// (e2etest.Tmux.WaitFor).
func (tm *tmuxTerm) waitFor(what string, match func(string) bool) string {
	tm.t.Helper()
	return tm.WaitFor(what, match)
}

// waitForm waits until the step titled title shows its form (a focused
// field, drawn with "┃"), so keys are not sent while the step still loads.
func (tm *tmuxTerm) waitForm(title string) string {
	tm.t.Helper()
	return tm.waitFor(fmt.Sprintf("the form of %q", title), func(s string) bool {
		i := strings.Index(s, title)
		return i >= 0 && strings.Contains(s[i:], "\n┃ ")
	})
}

func (tm *tmuxTerm) waitText(text string) string {
	tm.t.Helper()
	return tm.waitFor(fmt.Sprintf("%q", text), func(s string) bool { return strings.Contains(s, text) })
}

// TestE2EWizardSandbox runs the real binary under tmux with --sandbox,
// answers every step with send-keys, signs in through the demo page with
// headless Chromium, and checks the final screen names the phone number.
func TestE2EWizardSandbox(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "chromium", "/usr/bin/chromium")
	e2etest.Need(t, "tmux")
	bin := buildBinary(t)
	port := freePort(t)
	dir := t.TempDir()
	tm := newTmux(t, 100, 40, []string{"NO_COLOR=1", "TERM=xterm-256color"},
		bin, "--sandbox", "--no-browser", "--port", fmt.Sprint(port), "--config-dir", dir)

	// Every step, with the keys a user presses there. The sandbox prefills
	// every answer, so Enter accepts it.
	// Every step with a question left, with the keys a user presses there.
	// The sandbox prefills every answer: the endpoint, method, credentials,
	// Twilio and test phone steps run on their own, as do the obvious
	// choices (a new "Bookstore" app, the only Messaging Service).
	answers := []struct{ title, keys string }{
		{"Step 1/14 · Welcome", "y"},
		{"Step 8/14 · SMS templates", "Enter"}, // the defaults
	}
	for i, a := range answers {
		tm.waitForm(a.title)
		if i == 0 {
			// NO_COLOR=1: attributes such as bold may stay, colours may not.
			if ansi := tm.run("capture-pane", "-e", "-p", "-t", "w"); colourSGR.MatchString(ansi) {
				t.Errorf("NO_COLOR=1, yet the screen has colours: %q", colourSGR.FindString(ansi))
			}
		}
		tm.keys(strings.Fields(a.keys)...)
	}
	s := tm.waitText("┃ Apply these changes")
	if !strings.Contains(s, "Step 11/14 · Sign-in experience") || !strings.Contains(s, "What will change") {
		t.Errorf("the sign-in step does not show what will change:\n%s", s)
	}
	if flat := strings.Join(strings.Fields(s), " "); !strings.Contains(flat, "(from sandbox)") ||
		!strings.Contains(flat, "(the only Messaging Service with a sender)") {
		t.Errorf("the ✓ lines do not say where the answers came from:\n%s", s)
	}
	if !strings.Contains(s, "✓ Test SMS") || !strings.Contains(s, "✓ Logto SMS connector") {
		t.Errorf("the scrollback lacks the connector and test SMS lines:\n%s", s)
	}
	tm.keys("Enter")
	s = tm.waitText("Step 12/14 · Sign in for real")
	demoURL := fmt.Sprintf("http://localhost:%d", port)
	if !strings.Contains(s, demoURL) {
		t.Fatalf("the verify step does not show %s:\n%s", demoURL, s)
	}

	browser := e2etest.Chromium(t)
	signInThroughDemo(browser, t, tm, demoURL)

	tm.waitFor("the wizard to see the sign-in", func(s string) bool {
		return strings.Contains(s, "✓ Sign in for real") && strings.Contains(s, sandboxTestPhone)
	})
	// The Express starter offer: skip it (one Enter on its form, so the
	// action count is a count: a redraw never sends a second key). The
	// summary then runs on its own and the wizard ends.
	tm.waitForm("Step 13/14")
	tm.keys("Enter")
	s = tm.waitText("EXIT=")
	if !strings.Contains(s, "EXIT=0") {
		t.Errorf("the wizard did not exit 0:\n%s", s)
	}
	if !strings.Contains(s, sandboxTestPhone) {
		t.Errorf("the final screen does not name the signed-in phone number %s:\n%s", sandboxTestPhone, s)
	}
	if strings.Contains(s, sandboxAuthToken) {
		t.Errorf("the screen shows the Twilio auth token:\n%s", s)
	}
	assertSecretsOnlyInSecretsFile(t, dir, s)
	reportActions(t, "sandbox", tm.actions, 5)
}

// actionsFile is where the end-to-end tests write their action counts
// (lines "sandbox N", "m2m-env N", "manual N") for make bench.
func actionsFile() string {
	if f := os.Getenv("LOGTO_TWILIO_ACTIONS_FILE"); f != "" {
		return f
	}
	return filepath.Join(os.TempDir(), "logto-twilio-actions.txt")
}

// reportActions logs how many actions a path took against its goal (0:
// none), and
// writes the count into actionsFile (replacing that path's line).
func reportActions(t *testing.T, path string, n, goal int) {
	t.Helper()
	if goal > 0 {
		t.Logf("%s path: %d user actions (goal ≤ %d)", path, n, goal)
	} else {
		t.Logf("%s path: %d user actions", path, n)
	}
	f := actionsFile()
	old, _ := os.ReadFile(f)
	var lines []string
	for l := range strings.SplitSeq(strings.TrimSpace(string(old)), "\n") {
		if l != "" && !strings.HasPrefix(l, path+" ") {
			lines = append(lines, l)
		}
	}
	lines = append(lines, fmt.Sprintf("%s %d", path, n))
	tmp := f + ".tmp" + fmt.Sprint(os.Getpid())
	if err := os.WriteFile(tmp, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err == nil {
		_ = os.Rename(tmp, f)
	}
}

// assertSecretsOnlyInSecretsFile checks that no secret value appears on the
// screen or in any saved file but secrets.json (and the sandbox's state
// file, its stand-ins' database), and that those are 0600.
func assertSecretsOnlyInSecretsFile(t *testing.T, dir, screen string) {
	t.Helper()
	secrets := savedSecretValues(t, dir)
	info, err := os.Stat(filepath.Join(dir, "secrets.json"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("secrets.json mode = %v (%v), want 0600", info.Mode().Perm(), err)
	}
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == "secrets.json" {
			return err
		}
		if filepath.Base(p) == sandbox.StateFile {
			// The sandbox's stand-ins' own data (their made-up
			// credentials included), kept like secrets.json.
			if info, err := d.Info(); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("%s is not mode 0600", p)
			}
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, s := range secrets {
			if strings.Contains(string(b), s) {
				t.Errorf("%s contains a secret value", p)
			}
		}
		return nil
	})
	for _, s := range secrets {
		if strings.Contains(screen, s) {
			t.Errorf("the screen shows a secret value")
		}
	}
}

// savedSecretValues are the secret values a run in dir knows: the sandbox's
// Twilio Auth Token and every value in dir's secrets.json.
func savedSecretValues(t testing.TB, dir string) []string {
	t.Helper()
	secrets := []string{sandboxAuthToken}
	raw, err := os.ReadFile(filepath.Join(dir, "secrets.json"))
	if err != nil {
		t.Fatalf("no secrets file: %v", err)
	}
	for _, m := range regexp.MustCompile(`"[^"]*"\s*:\s*"([^"]{16,})"`).FindAllStringSubmatch(string(raw), -1) {
		secrets = append(secrets, m[1])
	}
	return secrets
}

// colourSGR matches an SGR sequence that sets a foreground or background
// colour (30–37, 38;…, 40–47, 48;…, 90–97, 100–107).
var colourSGR = regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m`)

// signInThroughDemo signs in on the demo page with the sandbox phone number,
// reading the SMS code from the wizard's sandbox inbox panel, as a user would.
func signInThroughDemo(browser context.Context, t *testing.T, tm *tmuxTerm, demoURL string) {
	t.Helper()
	phone := e2etest.SignInByPhone(browser, t, e2etest.PhoneSignIn{
		AppURL: demoURL, CountryCode: "1", Number: "4155550123",
		Code:     e2etest.SandboxInboxCode(tm.screen, tm.waitFor),
		Diagnose: func() string { return "screen:\n" + tm.screen() },
	})
	if phone != sandboxTestPhone {
		t.Errorf("the demo shows phone %q, want %s", phone, sandboxTestPhone)
	}
}

// TestE2EWizardCtrlCAndResume stops the real binary with ctrl+c halfway,
// checks the exit code, the message and what was saved, then starts it again
// and checks it offers to resume.
func TestE2EWizardCtrlCAndResume(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "tmux")
	bin := buildBinary(t)
	port := freePort(t)
	dir := t.TempDir()
	args := []string{bin, "--sandbox", "--no-browser", "--port", fmt.Sprint(port), "--config-dir", dir}
	env := []string{"NO_COLOR=1", "TERM=xterm-256color"}

	tm := newTmux(t, 100, 40, env, args...)
	tm.waitForm("Step 1/14 · Welcome")
	tm.keys("y")
	// Steps 2 to 7 run on their own in the sandbox.
	tm.waitForm("Step 8/14 · SMS templates")
	tm.keys("C-c")
	s := tm.waitText("EXIT=")
	// The resume line repeats the flags the run was started with (it may
	// wrap at the terminal's edge) and names the program as it was started:
	// this binary is not on PATH, so by its path (issue 18).
	joined := strings.ReplaceAll(s, "\n", "")
	if !strings.Contains(s, "EXIT=130") || !strings.Contains(joined, "Run "+bin+" --sandbox --config-dir "+dir) {
		t.Fatalf("ctrl+c did not stop with 130 and a resume hint:\n%s", s)
	}
	assertSecretsOnlyInSecretsFile(t, dir, s)
	setup, err := os.ReadFile(filepath.Join(dir, "setup.json"))
	if err != nil || !strings.Contains(string(setup), "Bookstore") {
		t.Fatalf("setup.json after ctrl+c: %v\n%s", err, setup)
	}

	tm2 := newTmux(t, 100, 40, env, args...)
	s = tm2.waitForm("You ran this wizard before")
	if !strings.Contains(s, "Resume where it stopped") {
		t.Fatalf("the second run does not offer to resume:\n%s", s)
	}
	tm2.keys("Enter")
	tm2.waitText("✓ Welcome — resum")
}

func TestColourSGR(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"\x1b[38;5;141m": true, "\x1b[1;31m": true, "\x1b[48;2;1;2;3m": true, "\x1b[94m": true,
		"\x1b[0m": false, "\x1b[1m": false, "\x1b[39m": false, "\x1b[49m": false, "\x1b[4m": false,
	} {
		if got := colourSGR.MatchString(s); got != want {
			t.Errorf("colourSGR(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestE2EWizardTypedAgainstStandIns runs the real binary the way a user runs
// it against their own services: no --sandbox and nothing prefilled but the
// flags, with the Logto and Twilio stand-ins as separate servers reached
// through --logto-endpoint and --twilio-base-url. Every answer is typed or
// pasted (secrets pasted with stray spaces, as people do); the Twilio
// account has a number but no Messaging Service, so the wizard creates one;
// the test phone is typed as a national number; the sign-in happens in
// Chromium with the code from Twilio; the Express starter is written out.
func TestE2EWizardTypedAgainstStandIns(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "chromium", "/usr/bin/chromium")
	e2etest.Need(t, "tmux")
	const (
		accountSID = "AC0123456789abcdef0123456789abcdef"
		sender     = "+14155550142"
		phone      = "+14155550177"
	)
	tw, lg, m2mID, m2mSecret := separateStandIns(t, accountSID, "Typed test", sender)

	bin := buildBinary(t)
	port := freePort(t)
	dir := t.TempDir()
	starter := filepath.Join(t.TempDir(), "starter")
	tm := newTmux(t, 100, 40, []string{"NO_COLOR=1", "TERM=xterm-256color"},
		bin, "--logto-endpoint", lg.URL, "--twilio-base-url", tw.URL,
		"--port", fmt.Sprint(port), "--config-dir", dir, "--no-browser",
		"--secrets-store", "file") // never the machine's real keyring

	tm.waitForm("Step 1/14 · Welcome")
	tm.keys("y")
	// The endpoint (from --logto-endpoint) is checked without a question.
	tm.waitForm("Step 3/14 · How to create the app")
	tm.keys("Enter")
	tm.waitForm("Step 4/14 · M2M credentials")
	tm.keys("-l", m2mID)
	tm.keys("Enter")
	// huh moves the focus in a command after Enter: wait for it, as a person
	// looks before pasting.
	tm.waitText("┃ M2M App secret")
	tm.paste("  " + m2mSecret + " ")
	tm.keys("Enter")
	// No app is named Bookstore yet: it is created without a question.
	tm.waitForm("Step 6/14 · Twilio credentials")
	tm.paste(accountSID + "\t")
	tm.keys("Enter")
	tm.waitText("┃ Auth Token")
	tm.paste(" " + tw.AuthToken(accountSID) + "  ")
	tm.keys("Enter")
	// The account has one number and no Messaging Service: the wizard
	// creates one with it, without a question.
	s := tm.waitForm("Step 8/14 · SMS templates")
	if !strings.Contains(s, "✓ Twilio credentials — Typed test") {
		t.Errorf("the Twilio step's line does not name the account:\n%s", s)
	}
	if !strings.Contains(s, "a new one with the only SMS number") {
		t.Errorf("the service's line does not say it took the obvious choice:\n%s", s)
	}
	tm.keys("Enter")
	tm.waitForm("Step 10/14 · Test SMS")
	tm.keys("C-u")
	tm.keys("-l", "(415) 555-0177")
	tm.keys("Enter")
	tm.waitText("┃ Apply these changes")
	msg, err := tw.WaitMessage(t.Context(), phone)
	if err != nil || !strings.Contains(msg.Body, "000000") {
		t.Fatalf("the test SMS did not reach Twilio as Logto sends it: %+v, %v", msg, err)
	}
	tm.keys("Enter")
	s = tm.waitText("Step 12/14 · Sign in for real")
	if !strings.Contains(s, "✓ Test SMS — "+phone) {
		t.Errorf("the national number was not shown in E.164:\n%s", s)
	}

	browser := e2etest.Chromium(t)
	signInWithTwilioCode(browser, t, tw, fmt.Sprintf("http://localhost:%d", port), phone)
	tm.writeStarter(starter)
	s = tm.waitText("EXIT=") // the summary asks nothing
	if !strings.Contains(s, "EXIT=0") || !strings.Contains(s, phone) {
		t.Errorf("the wizard did not end well or does not name %s:\n%s", phone, s)
	}
	for _, f := range []string{"package.json", "app.js", ".env"} {
		if _, err := os.Stat(filepath.Join(starter, f)); err != nil {
			t.Errorf("the Express starter lacks %s: %v", f, err)
		}
	}
	if strings.Contains(s, m2mSecret) || strings.Contains(s, tw.AuthToken(accountSID)) {
		t.Errorf("the screen shows a secret")
	}
	assertSecretsOnlyInSecretsFile(t, dir, s)
	reportActions(t, "manual", tm.actions, 0) // every answer typed: no goal
}

// separateStandIns starts a Twilio stand-in with a full account that has
// one number (and no Messaging Service) and a Logto stand-in whose connector
// sends through it, with an M2M app: the stand-ins a test reaches through
// --logto-endpoint and --twilio-base-url, as a real Logto and Twilio.
func separateStandIns(t *testing.T, accountSID, name, sender string) (tw *twiliotest.Server, lg *logtotest.Server, m2mID, m2mSecret string) {
	t.Helper()
	tw = twiliotest.NewServer()
	t.Cleanup(tw.Close)
	tw.AddAccount(twiliotest.Account{SID: accountSID, FriendlyName: name, Type: "Full"})
	tw.AddNumber(accountSID, sender)
	lg = logtotest.NewServer(logtotest.WithTwilioBaseURL(tw.URL))
	t.Cleanup(lg.Close)
	m2mID, m2mSecret = lg.AddM2MApp("wizard", true)
	return tw, lg, m2mID, m2mSecret
}

// TestE2EWizardM2MEnv is the path of a developer with a real Logto: the
// M2M credentials and the Twilio account in the environment, the endpoint
// and the test phone as flags. The endpoint is given as localhost while
// Logto calls itself 127.0.0.1 (a common local setup): the failure offers
// Logto's own address and one key takes it. It counts the user's actions
// and fails above 10 (issue 11's goal).
func TestE2EWizardM2MEnv(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "chromium", "/usr/bin/chromium")
	e2etest.Need(t, "tmux")
	const (
		accountSID = "AC0123456789abcdef0123456789abcdee"
		sender     = "+14155550143"
		phone      = "+14155550178"
	)
	tw, lg, m2mID, m2mSecret := separateStandIns(t, accountSID, "Env test", sender)
	if !strings.Contains(lg.URL, "127.0.0.1") {
		t.Fatalf("the stand-in's URL %s is not on 127.0.0.1", lg.URL)
	}
	aliased := strings.Replace(lg.URL, "127.0.0.1", "localhost", 1)

	bin := buildBinary(t)
	port := freePort(t)
	dir := t.TempDir()
	tm := newTmux(t, 100, 40, []string{
		"NO_COLOR=1", "TERM=xterm-256color",
		"LOGTO_M2M_APP_ID=" + m2mID, "LOGTO_M2M_APP_SECRET=" + m2mSecret,
		"TWILIO_ACCOUNT_SID=" + accountSID, "TWILIO_AUTH_TOKEN=" + tw.AuthToken(accountSID),
	},
		bin, "--logto-endpoint", aliased, "--test-phone", phone, "--twilio-base-url", tw.URL,
		"--port", fmt.Sprint(port), "--config-dir", dir, "--no-browser")

	tm.waitForm("Step 1/14 · Welcome")
	tm.keys("y")
	s := tm.waitText("Logto calls itself " + lg.URL + "/oidc")
	if !strings.Contains(strings.ReplaceAll(s, "\n", " "), "to use "+lg.URL) {
		t.Errorf("the failure does not offer Logto's own address:\n%s", s)
	}
	tm.keys("Enter") // take it
	s = tm.waitForm("Step 8/14 · SMS templates")
	for _, want := range []string{"✓ Logto endpoint — " + lg.URL, "(the address Logto reports)", "(M2M app from env)", "(from env)", "(no app of that name yet)"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	tm.keys("Enter") // the default templates
	s = tm.waitText("┃ Apply these changes")
	if !strings.Contains(s, "✓ Test SMS — "+phone) || !strings.Contains(s, "(from flag)") {
		t.Errorf("the test SMS did not run on its own from --test-phone:\n%s", s)
	}
	if _, err := tw.WaitMessage(t.Context(), phone); err != nil { // the test SMS (the sign-in's code comes next)
		t.Fatalf("the test SMS did not reach Twilio: %v", err)
	}
	tm.keys("Enter")
	tm.waitText("Step 12/14 · Sign in for real")
	browser := e2etest.Chromium(t)
	signInWithTwilioCode(browser, t, tw, fmt.Sprintf("http://localhost:%d", port), phone)
	tm.waitForm("Step 13/14 · Express starter")
	tm.keys("Enter") // no thanks
	s = tm.waitText("EXIT=")
	if !strings.Contains(s, "EXIT=0") || !strings.Contains(s, phone) {
		t.Errorf("the wizard did not end well or does not name %s:\n%s", phone, s)
	}
	if strings.Contains(s, m2mSecret) || strings.Contains(s, tw.AuthToken(accountSID)) {
		t.Errorf("the screen shows a secret")
	}
	assertSecretsOnlyInSecretsFile(t, dir, s)
	reportActions(t, "m2m-env", tm.actions, 10)
	if tm.actions > 10 {
		t.Errorf("the M2M path with the environment took %d actions, want at most 10", tm.actions)
	}
}

// paste sends text as a bracketed paste, as a terminal does when the user
// pastes.
// writeStarter answers the Express starter's step: yes, in dir.
func (tm *tmuxTerm) writeStarter(dir string) {
	tm.t.Helper()
	tm.waitForm("Step 13/14 · Express starter")
	tm.keys("y")
	tm.waitText("┃ Folder")
	tm.keys("C-u")
	tm.keys("-l", dir)
	tm.keys("Enter")
}

func (tm *tmuxTerm) paste(text string) {
	tm.t.Helper()
	tm.actions++
	tm.run("set-buffer", "-b", "p", "--", text)
	tm.run("paste-buffer", "-p", "-d", "-b", "p", "-t", "w")
}

// signInWithTwilioCode signs in on the demo with Chromium, typing the whole
// number, and reading the code from what Twilio received.
func signInWithTwilioCode(browser context.Context, t *testing.T, tw *twiliotest.Server, demoURL, phone string) {
	t.Helper()
	shown := e2etest.SignInByPhone(browser, t, e2etest.PhoneSignIn{
		AppURL: demoURL, Number: phone,
		Code: func(ctx context.Context) (string, error) {
			msg, err := tw.WaitMessage(ctx, phone)
			if err != nil {
				return "", fmt.Errorf("no sign-in SMS: %w", err)
			}
			return regexp.MustCompile(`\b\d{6}\b`).FindString(msg.Body), nil
		},
	})
	if shown != phone {
		t.Errorf("the demo shows phone %q, want %s", shown, phone)
	}
}
