package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
	"github.com/logto-twilio/logto-twilio/internal/sandbox"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// watchedBuffer is a command's output that a test can wait on.
type watchedBuffer = e2etest.WatchedBuffer

var newWatchedBuffer = e2etest.NewWatchedBuffer

var demoURLLine = regexp.MustCompile(`Demo app: (http://localhost:\d+)`)

// TestPlainModeSandbox runs the whole wizard in plain line mode (stdin is
// not a terminal) against the sandbox, pressing Enter at every question as a
// script would, signs in over HTTP through the demo server, and checks the
// transcript: every step's ✓ line, the signed-in phone number, no escape
// codes, and no secret.
func TestPlainModeSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole wizard")
	}
	dir := t.TempDir()
	run := runPlainSandbox(t, options{sandbox: true, port: freePort(t), configDir: dir, noBrowser: true})
	transcript := run.out
	for _, want := range []string{
		"✓ Welcome", "✓ Logto endpoint", "✓ How to create the app", "✓ M2M credentials", "✓ The app",
		"✓ Twilio credentials", "✓ Messaging Service", "✓ SMS templates", "✓ Logto SMS connector",
		"✓ Test SMS", "✓ Sign-in experience", "✓ Sign in for real", "✓ Express starter", "✓ Summary",
		sandboxTestPhone,
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	if strings.Contains(transcript, "\x1b[") {
		t.Errorf("plain mode wrote escape codes")
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", transcript)
	}
	assertSecretsOnlyInSecretsFile(t, dir, transcript+run.errOut)
}

// plainSandboxRun is what runPlainSandbox saw.
type plainSandboxRun struct {
	out, errOut string
	lg          *logtotest.Server // the sandbox's Logto stand-in
}

// runPlainSandbox runs the whole wizard in-process in plain line mode
// against the sandbox, pressing Enter at every question as a script would,
// and signs in over HTTP through the demo server; it fails the test unless
// the sign-in and the wizard both succeed.
func runPlainSandbox(t *testing.T, o options) plainSandboxRun {
	t.Helper()
	return runPlainSandboxEnv(t, o, noEnv)
}

// runPlainSandboxEnv is runPlainSandbox in the environment getenv.
func runPlainSandboxEnv(t *testing.T, o options, getenv func(string) string) plainSandboxRun {
	t.Helper()
	var lg *logtotest.Server
	started := make(chan struct{})
	setSandboxStarted(func(l *logtotest.Server, _ *twiliotest.Server) { lg = l; close(started) })
	t.Cleanup(func() { setSandboxStarted(nil) })

	out, errOut := newWatchedBuffer(), newWatchedBuffer()
	in := strings.NewReader("y\n" + strings.Repeat("\n", 60))
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	signedIn := signInInBackground(ctx, cancel, out, started, &lg)
	werr := wizard(ctx, o, in, out, errOut, getenv)
	if err := <-signedIn; err != nil {
		t.Fatalf("signing in: %v\ntranscript:\n%s", err, out)
	}
	if werr != nil {
		t.Fatalf("wizard: %v (exit code %d), stderr %q\ntranscript:\n%s", werr, exitCodeOf(werr), errOut, out)
	}
	setSandboxStarted(nil)
	return plainSandboxRun{out: out.String(), errOut: errOut.String(), lg: lg}
}

// signInInBackground signs in over HTTP (signInOverHTTP) while the caller
// runs the wizard; a failure cancels ctx, since the wizard would wait for
// the sign-in for minutes. The channel gets the sign-in's error.
func signInInBackground(ctx context.Context, cancel context.CancelFunc, out *watchedBuffer, started <-chan struct{}, lg **logtotest.Server) <-chan error {
	signedIn := make(chan error, 1)
	go func() {
		err := signInOverHTTP(ctx, out, started, lg)
		if err != nil {
			cancel()
		}
		signedIn <- err
	}()
	return signedIn
}

// signInOverHTTP waits for the verify step's demo URL, then does what a
// person does in the browser: the demo's sign-in, Logto's sign-in page by
// phone (the stand-in's Browser plays the page), and the callback.
func signInOverHTTP(ctx context.Context, out *watchedBuffer, started <-chan struct{}, lg **logtotest.Server) error {
	m, err := out.WaitMatch(ctx, demoURLLine)
	if err != nil {
		return err
	}
	<-started
	base := m[1]
	jar, _ := cookiejar.New(nil)
	demoClient := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		resp, err := demoClient.Do(req)
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp, nil
	}
	// The URL is shown just before the step starts the server: retry until
	// it answers.
	resp, err := get(base + "/logto/sign-in")
	for tick := time.NewTicker(20 * time.Millisecond); err != nil; {
		select {
		case <-ctx.Done():
			return fmt.Errorf("the demo server never answered: %w", err)
		case <-tick.C:
			resp, err = get(base + "/logto/sign-in")
		}
	}
	if resp.StatusCode/100 != 3 {
		return fmt.Errorf("demo sign-in answered %d", resp.StatusCode)
	}
	cb, err := (*lg).NewBrowser().SignInByPhone(ctx, resp.Header.Get("Location"), strings.TrimPrefix(sandboxTestPhone, "+"))
	if err != nil {
		return err
	}
	resp, err = get(cb)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 3 {
		return fmt.Errorf("demo callback answered %d", resp.StatusCode)
	}
	// The browser then loads the signed-in page the callback sends it to,
	// which the demo waits for before it stops (demo.LandingGrace).
	_, _ = get(resp.Header.Get("Location"))
	return nil
}

// TestSandboxWithoutConfigDir checks that a sandbox run without
// --config-dir saves into its own folder ("sandbox" inside the setup's
// folder), which outlives the run, and leaves no temporary folder behind.
func TestSandboxWithoutConfigDir(t *testing.T) {
	home := t.TempDir()
	before, _ := filepath.Glob(filepath.Join(os.TempDir(), "logto-twilio-sandbox-*"))
	var out, errOut bytes.Buffer
	// Input ends at once: the wizard stops at the first question.
	getenv := func(k string) string {
		if k == "LOGTO_TWILIO_CONFIG_DIR" {
			return home
		}
		return ""
	}
	code := run([]string{"--sandbox", "--no-browser"}, strings.NewReader(""), &out, &errOut, getenv)
	if code != exitFailure || !strings.Contains(errOut.String(), "the input ended before the wizard finished") {
		t.Fatalf("a run with no input: exit %d, stderr %q", code, errOut.String())
	}
	after, _ := filepath.Glob(filepath.Join(os.TempDir(), "logto-twilio-sandbox-*"))
	if len(after) > len(before) {
		t.Errorf("the sandbox left %v behind", after)
	}
	if _, err := os.Stat(filepath.Join(home, "sandbox", sandbox.StateFile)); err != nil {
		t.Errorf("the sandbox kept no state in its folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, "setup.json")); err == nil {
		t.Errorf("the sandbox wrote the real setup's setup.json")
	}
}

// TestNonInteractiveSandbox runs the whole wizard with --non-interactive
// and no input at all: every answer comes from the sandbox or a default,
// nothing is asked, and the verify step still waits for the sign-in.
func TestNonInteractiveSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole wizard")
	}
	var lg *logtotest.Server
	started := make(chan struct{})
	setSandboxStarted(func(l *logtotest.Server, _ *twiliotest.Server) { lg = l; close(started) })
	t.Cleanup(func() { setSandboxStarted(nil) })

	out, errOut := newWatchedBuffer(), newWatchedBuffer()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	signedIn := signInInBackground(ctx, cancel, out, started, &lg)
	o := options{sandbox: true, port: freePort(t), configDir: dir, noBrowser: true, nonInteractive: true}
	werr := wizard(ctx, o, strings.NewReader(""), out, errOut, func(string) string { return "" })
	if err := <-signedIn; err != nil {
		t.Fatalf("signing in: %v\ntranscript:\n%s", err, out)
	}
	transcript := out.String()
	if werr != nil {
		t.Fatalf("wizard: %v (exit code %d), stderr %q\ntranscript:\n%s", werr, exitCodeOf(werr), errOut, transcript)
	}
	for _, want := range []string{
		"✓ Welcome — starting fresh (default, --non-interactive)", "(from sandbox)",
		"✓ SMS templates — 9 templates (defaults), each fits in 1 SMS segment (default, --non-interactive)",
		"✓ Sign-in experience — phone sign-in enabled", "✓ Sign in for real — signed in as " + sandboxTestPhone,
		"✓ Express starter — not written (default, --non-interactive)",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	if strings.Contains(transcript, "?") && strings.Contains(transcript, "Enter a number") {
		t.Errorf("a non-interactive run asked something")
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", transcript)
	}
}

// TestNonInteractiveMissingInput: without the endpoint a non-interactive
// run stops at once with exit code 2, naming every way to give it.
func TestNonInteractiveMissingInput(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run([]string{"--non-interactive", "--config-dir", t.TempDir()}, strings.NewReader(""), &out, &errOut,
		func(string) string { return "" })
	if code != exitUsage {
		t.Fatalf("exit %d, want 2; stderr %q\nstdout %s", code, errOut.String(), out.String())
	}
	for _, want := range []string{"missing input: the Logto endpoint", "--logto-endpoint, LOGTO_ENDPOINT or the answer endpoint"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr %q lacks %q", errOut.String(), want)
		}
	}
}

// TestSandboxWizardThenReopen runs the whole wizard in-process against the
// sandbox (plain mode, a scripted sign-in), then opens the sandbox again
// from the same folder, as `logto-twilio doctor --sandbox` would, and finds
// what the wizard made: the app with the demo's redirect URI, the SMS
// connector, phone sign-up in the sign-in experience, the signed-in user.
func TestSandboxWizardThenReopen(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole wizard")
	}
	dir := t.TempDir()
	o := options{sandbox: true, port: freePort(t), configDir: dir, noBrowser: true}
	lg := runPlainSandbox(t, o).lg
	firstURL := lg.URL

	env, err := sandbox.Open(sandbox.Options{ConfigDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Close() })
	l, err := env.Store.Load()
	if err != nil || !l.Found {
		t.Fatalf("the sandbox's setup: found %v, %v", l.Found, err)
	}
	su := l.Setup
	if env.Answers.Endpoint != firstURL || su.Endpoint != firstURL {
		t.Errorf("Logto came back at %s (saved %s), want %s", env.Answers.Endpoint, su.Endpoint, firstURL)
	}
	app, ok := env.Logto().Application(su.AppID)
	if !ok || !strings.Contains(string(app), "http://localhost:"+strconv.Itoa(o.port)+"/") {
		t.Errorf("the wizard's app %s after reopening: %s", su.AppID, app)
	}
	if secrets := env.Logto().AppSecrets(su.AppID); !slices.Contains(secrets, l.Secrets.AppSecret.Reveal()) {
		t.Errorf("the saved app secret is not one of the reopened app's secrets")
	}
	conn, ok := env.Logto().SMSConnector()
	if !ok || !strings.Contains(string(conn), su.ConnectorID) {
		t.Errorf("the wizard's connector %s after reopening: %s", su.ConnectorID, conn)
	}
	var sie struct {
		SignUp struct{ Identifiers []string } `json:"signUp"`
	}
	_ = json.Unmarshal(env.Logto().SignInExperience(), &sie)
	if !slices.Contains(sie.SignUp.Identifiers, "phone") {
		t.Errorf("sign-up identifiers after reopening: %v, want phone", sie.SignUp.Identifiers)
	}
	if users := env.Logto().Users(); len(users) != 1 || "+"+users[0].PhoneNumber != sandboxTestPhone {
		t.Errorf("users after reopening: %+v", users)
	}
	if inbox := env.Twilio().Inbox(); len(inbox) < 2 {
		t.Errorf("the Twilio inbox after reopening has %d messages, want the test SMS and the sign-in code", len(inbox))
	}
	// The sandbox's state file holds made-up secrets only: mode 0600.
	if info, err := os.Stat(filepath.Join(dir, sandbox.StateFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("%s mode %v (%v), want 0600", sandbox.StateFile, info.Mode().Perm(), err)
	}
}
