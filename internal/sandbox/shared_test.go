package sandbox

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// captureSaves makes env's saves after a change wait for the returned fire
// instead of saveDelay, and fails the test when a change schedules more than
// one pending save.
func captureSaves(env *Env) (fire func()) {
	var mu sync.Mutex
	var pending []func()
	env.timerMu.Lock()
	env.afterFunc = func(_ time.Duration, f func()) timer {
		mu.Lock()
		defer mu.Unlock()
		pending = append(pending, f)
		return stopper{}
	}
	env.timerMu.Unlock()
	return func() {
		mu.Lock()
		fs := pending
		pending = nil
		mu.Unlock()
		for _, f := range fs {
			f()
		}
	}
}

type stopper struct{}

func (stopper) Stop() bool { return true }

// TestSavesAreBatched: the changes made while a save is pending are saved
// together by that one save, and the next change schedules the next.
func TestSavesAreBatched(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := mustOpen(t, Options{ConfigDir: dir})
	var scheduled int
	var fire func()
	env.timerMu.Lock()
	env.afterFunc = func(d time.Duration, f func()) timer {
		scheduled++
		if d != saveDelay {
			t.Errorf("save delay %v, want %v", d, saveDelay)
		}
		fire = f
		return stopper{}
	}
	env.timerMu.Unlock()
	state := func() string {
		b, err := os.ReadFile(filepath.Join(dir, StateFile))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	a, b := createApp(t, env), createApp(t, env)
	if scheduled != 1 {
		t.Fatalf("%d saves scheduled for two changes, want 1", scheduled)
	}
	if s := state(); strings.Contains(s, a.ID) {
		t.Fatalf("saved before the delay")
	}
	fire()
	if s := state(); !strings.Contains(s, a.ID) || !strings.Contains(s, b.ID) {
		t.Fatalf("one save did not keep both changes")
	}
	c := createApp(t, env)
	if scheduled != 2 {
		t.Fatalf("a change after the save scheduled %d saves in all, want 2", scheduled)
	}
	if err := env.Close(); err != nil { // Close saves what is pending
		t.Fatal(err)
	}
	if s := state(); !strings.Contains(s, c.ID) {
		t.Errorf("Close did not save the last change")
	}
}

// TestSecondOpenIsAGuest is the shared sandbox: while one process (here one
// Env) runs the stand-ins, another Open in the same folder uses them instead
// of starting a copy, never rewrites the saved addresses, and what it changes
// is in the host's stand-ins; after the host closes, the next Open is a host
// again, on the same address, with everything kept.
func TestSecondOpenIsAGuest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	host := mustOpen(t, Options{ConfigDir: dir, Command: "logto-twilio sandbox serve"})
	if host.Guest() {
		t.Fatal("the first Open is a guest")
	}
	sv, err := readServing(dir)
	if err != nil || sv.PID != os.Getpid() || sv.Logto != host.Answers.Endpoint || sv.Key == "" {
		t.Fatalf("%s: %+v, %v", ServingFile, sv, err)
	}
	if info, err := os.Stat(filepath.Join(dir, ServingFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("%s mode %v, want 0600 (it holds the control key)", ServingFile, info.Mode().Perm())
	}
	stateBefore, _ := os.ReadFile(filepath.Join(dir, StateFile))

	guest := mustOpen(t, Options{ConfigDir: dir})
	if !guest.Guest() {
		t.Fatal("the second Open started its own stand-ins")
	}
	if guest.Answers.Endpoint != host.Answers.Endpoint || guest.Answers.TwilioBaseURL != host.Answers.TwilioBaseURL {
		t.Errorf("guest answers %s / %s, want the host's %s / %s", guest.Answers.Endpoint, guest.Answers.TwilioBaseURL, host.Answers.Endpoint, host.Answers.TwilioBaseURL)
	}
	if guest.Answers.M2MAppSecret.Reveal() != host.Answers.M2MAppSecret.Reveal() || guest.Answers.TwilioAuthToken.Reveal() != host.Answers.TwilioAuthToken.Reveal() {
		t.Errorf("the guest's credentials differ from the host's")
	}
	if !strings.Contains(strings.Join(guest.Notes, " "), `"logto-twilio sandbox serve" (pid `) {
		t.Errorf("no note names the host: %q", guest.Notes)
	}
	app := createApp(t, guest)
	if _, ok := host.lg.Application(app.ID); !ok {
		t.Errorf("the guest's app is not in the host's Logto stand-in")
	}
	// The guest's Twilio client reaches the host's Twilio stand-in.
	sendSMS(t, guest, "+14155550123", "Your code is 424242")
	if inbox := host.tw.Inbox(); len(inbox) != 1 || !strings.Contains(inbox[0].Body, "424242") {
		t.Errorf("the host's inbox: %+v", inbox)
	}
	if err := guest.Close(); err != nil {
		t.Fatal(err)
	}
	if stateAfter, _ := os.ReadFile(filepath.Join(dir, StateFile)); !bytes.Equal(stateBefore, stateAfter) {
		// Only the host writes the state; its save may be pending, never the guest's.
		host.timerMu.Lock()
		pending := host.saveTimer != nil
		host.timerMu.Unlock()
		if !pending {
			t.Errorf("the state file changed with no save of the host pending")
		}
	}
	if _, err := readServing(dir); err != nil {
		t.Errorf("the guest's Close touched %s: %v", ServingFile, err)
	}
	endpoint := host.Answers.Endpoint
	if err := host.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ServingFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the host's Close left %s: %v", ServingFile, err)
	}

	again := mustOpen(t, Options{ConfigDir: dir})
	if again.Guest() || again.Answers.Endpoint != endpoint {
		t.Errorf("after the host closed: guest %v at %s, want a host at %s", again.Guest(), again.Answers.Endpoint, endpoint)
	}
	if _, ok := again.lg.Application(app.ID); !ok {
		t.Errorf("the guest's app was not saved by the host")
	}
	if n := len(again.tw.Inbox()); n != 1 {
		t.Errorf("%d messages after a restart, want 1", n)
	}
}

// sendSMS sends a message through env's Twilio client, as the Logto
// connector or the wizard's test would.
func sendSMS(t *testing.T, env *Env, to, body string) {
	t.Helper()
	form := url.Values{"To": {to}, "From": {sandboxSender}, "Body": {body}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost,
		"https://api.twilio.com/2010-04-01/Accounts/"+env.Answers.TwilioAccountSID+"/Messages.json", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(env.Answers.TwilioAccountSID, env.Answers.TwilioAuthToken.Reveal())
	resp, err := env.TwilioHTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("send SMS: %s", resp.Status)
	}
}

// TestStaleServingFileIsTakenOver: a host killed with kill -9 leaves its
// ServingFile but not its lock (the operating system drops it); the next
// Open becomes the host, says so, and replaces the file.
func TestStaleServingFileIsTakenOver(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dead := Serving{PID: 999999, Command: "logto-twilio sandbox serve", Logto: "http://127.0.0.1:1", Twilio: "http://127.0.0.1:1", Key: "k"}
	if err := writeServing(dir, dead); err != nil {
		t.Fatal(err)
	}
	env := mustOpen(t, Options{ConfigDir: dir})
	if env.Guest() {
		t.Fatal("Open trusted a ServingFile whose lock nobody holds")
	}
	if !strings.Contains(strings.Join(env.Notes, " "), "(pid 999999) ended without stopping the sandbox's stand-ins; this run took them over") {
		t.Errorf("no note about the take-over: %q", env.Notes)
	}
	if sv, err := readServing(dir); err != nil || sv.PID != os.Getpid() || sv.Key == "k" {
		t.Errorf("%s not replaced: %+v, %v", ServingFile, sv, err)
	}
}

// TestHostThatDoesNotAnswer: a process that holds the lock but whose
// stand-ins do not answer is named, with how to stop it.
func TestHostThatDoesNotAnswer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l, err := tryLock(filepath.Join(dir, LockFile))
	if err != nil || l == nil {
		t.Fatalf("lock: %v", err)
	}
	defer func() { _ = l.Unlock() }()
	if err := writeServing(dir, Serving{PID: 4242, Command: "logto-twilio doctor --sandbox", Logto: "http://127.0.0.1:1", Twilio: "http://127.0.0.1:1", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	_, err = Open(Options{ConfigDir: dir, hostWait: time.Nanosecond})
	if err == nil {
		t.Fatal("Open worked with a host that does not answer")
	}
	for _, want := range []string{`"logto-twilio doctor --sandbox" (pid 4242)`, "do not answer", "kill 4242", dir} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// TestSecondWizardIsRefused: two wizards in one folder would write the same
// setup.json; the second one is told and gets nothing.
func TestSecondWizardIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := mustOpen(t, Options{ConfigDir: dir, Wizard: true})
	_, err := Open(Options{ConfigDir: dir, Wizard: true})
	if !errors.Is(err, ErrWizardRunning) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "Ctrl-C") {
		t.Fatalf("second wizard: %v", err)
	}
	// Other commands still work beside the wizard.
	doctor := mustOpen(t, Options{ConfigDir: dir})
	if !doctor.Guest() {
		t.Errorf("a command beside the wizard did not use its stand-ins")
	}
	_ = doctor.Close()
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	mustOpen(t, Options{ConfigDir: dir, Wizard: true}) // the folder is free again
}

// TestGuestPanelShowsTheHostsMessages: a guest's inbox panel follows the
// host's Twilio stand-in.
func TestGuestPanelShowsTheHostsMessages(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	host := mustOpen(t, Options{ConfigDir: dir})
	guest := mustOpen(t, Options{ConfigDir: dir})
	sendSMS(t, host, "+14155550123", "Your code is 135790")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for !strings.Contains(guest.Panel.View(), "135790") {
		select {
		case <-guest.Panel.Changed():
		case <-ctx.Done():
			t.Fatalf("the guest's panel never showed the code:\n%s", guest.Panel.View())
		}
	}
}

// TestServePrintsEachSMS: serve prints each message as it arrives, with its
// time, recipient and code; messages from before it started do not print.
func TestServePrintsEachSMS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A message from an earlier run.
	before := mustOpen(t, Options{ConfigDir: dir})
	sendSMS(t, before, "+14155550123", "Your code is 111111")
	if err := before.Close(); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	out := e2etest.NewWatchedBuffer()
	done := make(chan error, 1)
	serveCtx, stop := context.WithCancel(ctx)
	go func() { done <- Serve(serveCtx, Options{ConfigDir: dir}, out) }()
	if _, err := out.WaitMatch(ctx, regexp.MustCompile(`Press Ctrl-C`)); err != nil {
		t.Fatal(err)
	}
	guest := mustOpen(t, Options{ConfigDir: dir})
	sendSMS(t, guest, "+14155550123", "Your code is 246802")
	if _, err := out.WaitMatch(ctx, regexp.MustCompile(`\d\d:\d\d:\d\d  SMS to \+14155550123: code 246802`)); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, "111111") {
		t.Errorf("serve printed a message from before it started:\n%s", got)
	}
	if strings.Contains(got, "Port 3000") || strings.Contains(got, "demo app") {
		t.Errorf("serve talks about the demo's port, which it does not use:\n%s", got)
	}
}

// TestServeTakesOverFromAWizard: a serve started while another process runs
// the stand-ins prints their SMS, then runs them itself when it ends, on the
// same address.
func TestServeTakesOverFromAWizard(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	wizard := mustOpen(t, Options{ConfigDir: dir, Wizard: true, Command: "logto-twilio --sandbox"})
	endpoint := wizard.Answers.Endpoint
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	out := e2etest.NewWatchedBuffer()
	done := make(chan error, 1)
	serveCtx, stop := context.WithCancel(ctx)
	go func() { done <- Serve(serveCtx, Options{ConfigDir: dir}, out) }()
	if _, err := out.WaitMatch(ctx, regexp.MustCompile(`"logto-twilio --sandbox" \(pid \d+\) runs the sandbox's stand-ins now`)); err != nil {
		t.Fatal(err)
	}
	if _, err := out.WaitMatch(ctx, regexp.MustCompile(`Press Ctrl-C`)); err != nil {
		t.Fatal(err)
	}
	sendSMS(t, wizard, "+14155550123", "Your code is 975310")
	if _, err := out.WaitMatch(ctx, regexp.MustCompile(`code 975310`)); err != nil {
		t.Fatal(err)
	}
	if err := wizard.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := out.WaitMatch(ctx, regexp.MustCompile(`runs the stand-ins from now on(?s:.*)Sandbox Logto:  `+regexp.QuoteMeta(endpoint))); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), "code 975310") != 1 {
		t.Errorf("a message printed twice:\n%s", out.String())
	}
}

// TestSignInLogsSurviveARestart: the sign-in logs that workshop status
// reads are kept with the stand-ins' state, as are the codes Logto sent.
func TestSignInLogsSurviveARestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := mustOpen(t, Options{ConfigDir: dir})
	readyForPhoneSignIn(t, first)
	app, _ := first.lg.AddTraditionalApp("Bookstore 01", []string{"http://localhost:3000/callback"}, nil)
	signIn(t, first, app, "14155550123")
	// The code exchange at the app's callback writes this log (logtotest's
	// snapshot tests make it by a real exchange).
	first.lg.AddLog(logtotest.Log{Key: logtotest.LogKeyExchangeByAuthorizationCode, ApplicationID: app})
	logs, sent := len(first.lg.Logs()), first.lg.SentSMS()
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second := mustOpen(t, Options{ConfigDir: dir})
	if got := len(second.lg.Logs()); got != logs || logs == 0 {
		t.Errorf("%d sign-in logs after a restart, want %d (more than 0)", got, logs)
	}
	if got := second.lg.SentSMS(); len(got) != len(sent) || got[0].AppID != app {
		t.Errorf("sent codes after a restart: %+v, want %+v", got, sent)
	}
}
