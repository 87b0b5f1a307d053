package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/cmd/root"
	setupcmd "github.com/logto-twilio/logto-twilio/internal/cmd/setup"
	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/workshop"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// Lines of the --debug trace: an answer from Logto (the stand-ins listen on
// loopback) and one from Twilio (twilio-go's hosts, which the sandbox serves).
var (
	traceLogtoAnswer  = regexp.MustCompile(`(?m)^<-- #\d+ (GET|POST|PUT|PATCH|DELETE) http://(127\.0\.0\.1|localhost):\d+/(oidc|api)/\S*: \d{3} .*\(\S+\)$`)
	traceTwilioAnswer = regexp.MustCompile(`(?m)^<-- #\d+ (GET|POST|DELETE) https://[a-z]+\.twilio\.com/\S*: \d{3} .*\(\S+\)$`)
	// traceJWT is any JSON Web Token: Logto's access and ID tokens are ones.
	traceJWT = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+`)
)

// TestDebugTraceOfEveryCommand (issue 22) runs every command that talks to
// Logto or Twilio with --debug-file, one file for all (appended to): the
// wizard against the sandbox (--non-interactive, signing in), doctor, doctor
// --send-test-sms, rotate of every kind, workshop prepare, status and
// teardown, teardown, and an attendee's run from a workshop card. Each
// command's part of the trace holds real exchanges with Logto (and Twilio
// where it calls it), and the whole trace holds none of the secrets the runs
// knew: the saved secrets before and after each rotation, the Twilio Auth
// Tokens, the SMS codes sent, and no token at all.
func TestDebugTraceOfEveryCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole wizard and every command")
	}
	dir := t.TempDir()
	traceFile := filepath.Join(t.TempDir(), "trace.log")
	var (
		mu      sync.Mutex
		servers []*logtotest.Server
		twilios []*twiliotest.Server
	)
	started := make(chan struct{})
	var once sync.Once
	var lg *logtotest.Server
	setSandboxStarted(func(l *logtotest.Server, tw *twiliotest.Server) {
		mu.Lock()
		servers, twilios = append(servers, l), append(twilios, tw)
		mu.Unlock()
		once.Do(func() { lg = l; close(started) })
	})
	t.Cleanup(func() { setSandboxStarted(nil) })

	var secrets []string
	known := func() { secrets = append(secrets, savedSecretValues(t, dir)...) }
	// sections are the trace's parts, one per command (its header line
	// starts each).
	type section struct {
		name          string
		logto, twilio bool // the exchanges it must hold
	}
	var ran []section
	traceSize := func() int {
		b, _ := os.ReadFile(traceFile)
		return len(b)
	}
	runDebug := func(s section, args ...string) string {
		t.Helper()
		before := traceSize()
		var out, errOut bytes.Buffer
		args = append(args, "--sandbox", "--config-dir", dir, "--debug-file", traceFile)
		if code := run(args, strings.NewReader(""), &out, &errOut, noEnv); code != exitOK {
			t.Fatalf("%v: exit %d\nstdout %s\nstderr %s", args, code, out.String(), errOut.String())
		}
		if traceSize() == before {
			t.Errorf("%v wrote nothing to the trace", args)
		}
		if strings.Contains(errOut.String(), "<-- #") {
			t.Errorf("%v traced on stderr though --debug-file was given", args)
		}
		ran = append(ran, s)
		return out.String()
	}

	// The wizard, signing in on the demo as a browser would.
	out, errOut := newWatchedBuffer(), newWatchedBuffer()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	signedIn := signInInBackground(ctx, cancel, out, started, &lg)
	f := track(root.NewFactory(strings.NewReader(""), out, errOut, noEnv, cmdline.Program))
	code := root.Execute(ctx, f, root.NewCmdRoot(f, nil), []string{
		"--sandbox", "--non-interactive", "--no-browser", "--port", strconv.Itoa(freePort(t)), "--config-dir", dir, "--debug-file", traceFile,
	})
	if err := <-signedIn; err != nil {
		t.Fatalf("signing in: %v\ntranscript:\n%s", err, out)
	}
	if code != exitOK {
		t.Fatalf("wizard: exit %d, stderr %q\ntranscript:\n%s", code, errOut, out)
	}
	ran = append(ran, section{"logto-twilio", true, true})
	known()

	runDebug(section{"logto-twilio doctor", true, true}, "doctor")
	runDebug(section{"logto-twilio doctor", true, true}, "doctor", "--send-test-sms", sandboxTestPhone)
	runDebug(section{"logto-twilio rotate", true, true}, "rotate", "--twilio", "--app-secret", "--m2m", "--yes", "--no-sign-in", "--non-interactive")
	known()
	cards := filepath.Join(t.TempDir(), "cards")
	runDebug(section{"logto-twilio workshop prepare", true, false}, "workshop", "prepare", "--attendees", "2", "--out", cards, "--non-interactive")
	made, _ := filepath.Glob(filepath.Join(cards, "*.yaml"))
	if len(made) == 0 {
		t.Fatalf("workshop prepare wrote no card in %s", cards)
	}
	secrets = append(secrets, cardSecrets(t, made...)...)
	// Read-only, it asks the private stand-ins it started on new ports, not
	// the saved address where nothing listens now.
	if out := runDebug(section{"logto-twilio workshop status", true, false}, "workshop", "status"); !strings.Contains(out, "0 of 2 apps have a sign-in.") {
		t.Errorf("workshop status --sandbox did not read the apps:\n%s", out)
	}
	runDebug(section{"logto-twilio workshop teardown", true, false}, "workshop", "teardown", "--yes")
	known()
	runDebug(section{"logto-twilio teardown", true, false}, "teardown", "--yes")

	// An attendee's run from a workshop card (a room of its own: the
	// attendee reaches the facilitator's Logto, not a sandbox).
	port := distinctFreePorts(t, 1)[0]
	room := newWorkshopRoom(t, 1, port)
	home := t.TempDir()
	acode, aout, aerr := runAttendee(t, room, room.cards[0], filepath.Join(home, "attendee"), port, "+14155550142",
		map[string]string{"TERM": "dumb"}, "--debug-file", traceFile)
	if acode != 0 || aerr != nil {
		t.Fatalf("attendee: exit %d, sign-in %v\n%s", acode, aerr, aout)
	}
	ran = append(ran, section{"logto-twilio", true, false})
	secrets = append(secrets, room.m2mSecret, roomTwilioToken)
	secrets = append(secrets, cardSecrets(t, room.cards...)...)
	for _, sms := range room.lg.SentSMS() {
		secrets = append(secrets, sms.Code)
	}

	mu.Lock()
	for _, s := range servers {
		for _, sms := range s.SentSMS() {
			secrets = append(secrets, sms.Code)
		}
	}
	for _, tw := range twilios {
		secrets = append(secrets, tw.AuthToken(sandboxAccountSID))
		if tok := tw.SecondaryAuthToken(sandboxAccountSID); tok != "" {
			secrets = append(secrets, tok)
		}
	}
	mu.Unlock()

	raw, err := os.ReadFile(traceFile)
	if err != nil {
		t.Fatal(err)
	}
	trace := string(raw)
	if info, err := os.Stat(traceFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the trace file's mode is %v (%v), want 0600", info.Mode().Perm(), err)
	}
	// Each command's part, from its header line to the next.
	parts := regexp.MustCompile(`(?m)^# logto-twilio \S+ `).Split(trace, -1)[1:]
	if len(parts) != len(ran) {
		t.Fatalf("the trace has %d parts, want one per command (%d)", len(parts), len(ran))
	}
	for i, s := range ran {
		p := parts[i]
		if !strings.HasPrefix(p, s.name+":") {
			t.Errorf("part %d is for %q, want %q", i, strings.SplitN(p, ":", 2)[0], s.name)
		}
		if s.logto && !traceLogtoAnswer.MatchString(p) {
			t.Errorf("%s (part %d): no exchange with Logto in its trace", s.name, i)
		}
		if s.twilio && !traceTwilioAnswer.MatchString(p) {
			t.Errorf("%s (part %d): no exchange with Twilio in its trace", s.name, i)
		}
	}
	if len(secrets) < 10 {
		t.Fatalf("the runs knew only %d secrets: the scan would check little", len(secrets))
	}
	for i, s := range secrets {
		if len(s) >= 4 && strings.Contains(trace, s) {
			t.Errorf("the trace shows secret #%d of the %d the runs knew (%d characters)", i, len(secrets), len(s))
		}
	}
	if m := traceJWT.FindString(trace); m != "" {
		t.Errorf("the trace shows a token: %.12s…", m)
	}
	if t.Failed() {
		t.Logf("trace:\n%s", trace)
	}
}

// cardSecrets are the app secrets on the workshop cards at paths.
func cardSecrets(t *testing.T, paths ...string) []string {
	t.Helper()
	var s []string
	for _, p := range paths {
		c, err := workshop.ReadCard(p)
		if err != nil {
			t.Fatal(err)
		}
		s = append(s, c.AppSecret)
	}
	return s
}

// TestDebugNotSuggested: the command lines a run with --debug suggests do
// not repeat --debug or --debug-file (a trace is asked for one run; the
// setup flags are repeated as ever).
func TestDebugNotSuggested(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "trace.log")
	f := testFactory(strings.NewReader(""), io.Discard, io.Discard, noEnv)
	var so *setupcmd.Options
	c := root.NewCmdRoot(f, func(got *setupcmd.Options) error { so = got; return nil })
	if code := root.Execute(t.Context(), f, c, []string{"--sandbox", "--debug", "--debug-file", file}); code != exitOK || so == nil {
		t.Fatalf("exit %d", code)
	}
	for _, sub := range []string{"", "doctor", "rotate"} {
		if got := f.Invocation.Line(sub); strings.Contains(got, "debug") || !strings.Contains(got, "--sandbox") {
			t.Errorf("Line(%q) = %q, want --sandbox without --debug", sub, got)
		}
	}
}
