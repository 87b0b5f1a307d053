package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/sandbox"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// logto141SendLimit is how many codes Logto 1.41 sends to one phone within
// ten minutes through the Experience API before answering 429
// request.message_rate_limited (../shared/contracts/logto-1.41/SUMMARY.md, P2).
const logto141SendLimit = 10

// TestFlowsOnEachLogtoVersion (issue 23) runs the flows that matter against
// the sandbox imitating each Logto version a real server was recorded for
// (LOGTO_TWILIO_SANDBOX_LOGTO_VERSION): the wizard through its sign-in;
// then, while one host runs the stand-ins (as sandbox serve does), doctor
// --send-test-sms, rotate of each kind, workshop prepare, one attendee
// signing in with the card, workshop status (exactly that sign-in, not the
// credential probes Logto also logs) and teardown. Each step's exit code
// and key lines are checked, and so is every SMS it made Twilio send to the
// test phone: the same on both versions, and all of them together fewer
// than Logto 1.41's send-code limit for one phone.
func TestFlowsOnEachLogtoVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole wizard and every command, once per Logto version")
	}
	for _, v := range logtotest.Versions {
		t.Run(v, func(t *testing.T) { runFlowsOn(t, v) })
	}
}

// versionFlow is one command of runFlowsOn in the sandbox folder: its exit
// code, the lines its output must hold, and how many SMS it makes Twilio
// send to the test phone.
type versionFlow struct {
	name string
	args []string
	code int
	want []string
	sms  int
}

func runFlowsOn(t *testing.T, version string) {
	dir := t.TempDir()
	getenv := envOf(map[string]string{sandbox.LogtoVersionEnv: version})

	// 1. The wizard, through its sign-in.
	setup := runPlainSandboxEnv(t, options{sandbox: true, port: freePort(t), configDir: dir, noBrowser: true}, getenv)
	for _, want := range []string{"✓ Test SMS", "✓ Sign-in experience", "✓ Sign in for real — signed in as " + sandboxTestPhone} {
		if !strings.Contains(setup.out, want) {
			t.Errorf("the wizard's transcript lacks %q:\n%s", want, setup.out)
		}
	}
	if noted := strings.Contains(setup.out, "imitates Logto "+version); noted != (version != logtotest.DefaultVersion) {
		t.Errorf("the wizard says the sandbox imitates Logto %s: %v", version, noted)
	}
	if got := savedLogtoVersionOf(t, dir); got != version {
		t.Errorf("the sandbox saved logtoVersion %q, want %s", got, version)
	}
	if t.Failed() {
		t.FailNow()
	}

	// 2. doctor alone runs private stand-ins from the saved state (LOGTO_TWILIO_SANDBOX_LOGTO_VERSION
	// unset: the saved version).
	runInSandbox(t, dir, noEnv, versionFlow{name: "doctor (private stand-ins)", args: []string{"doctor"}, code: exitOK, want: []string{"doctor: all good"}})

	// 3. The host of the stand-ins from now on (LOGTO_TWILIO_SANDBOX_LOGTO_VERSION
	// unset: the saved version), with its SMS to the test phone counted.
	host, err := sandbox.Open(sandbox.Options{ConfigDir: dir, NoDemo: true, Command: "the test's host"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = host.Close() })
	if host.Guest() || host.LogtoVersion() != version {
		t.Fatalf("the host (guest %v) imitates %s, want the saved %s", host.Guest(), host.LogtoVersion(), version)
	}
	sent := 0
	checkSent := func(step string, want int) {
		t.Helper()
		now := 0
		for _, m := range host.Twilio().Inbox() {
			if m.To == sandboxTestPhone {
				now++
			}
		}
		if now-sent != want {
			t.Errorf("%s made Twilio send %d SMS to %s, want %d", step, now-sent, sandboxTestPhone, want)
		}
		sent = now
	}
	checkSent("setup (its test SMS and the sign-in code)", 2)

	// 4. The commands on the saved setup, each a guest of the host.
	cards := filepath.Join(dir, "cards")
	cardPort := freePort(t)
	for _, f := range []versionFlow{
		{
			name: "doctor --send-test-sms", args: []string{"doctor", "--send-test-sms", sandboxTestPhone}, code: exitOK,
			want: []string{"PASS  test-sms", "doctor: all good (12 passed, 0 warned, 0 failed, 0 skipped)"}, sms: 1,
		},
		{
			name: "rotate --twilio", args: []string{"rotate", "--twilio", "--yes", "--no-sign-in"}, code: exitOK,
			want: []string{"✓ Test SMS to " + sandboxTestPhone + " through Logto's connector: delivered", "✓ Promoted the new token", "doctor: all good"}, sms: 1,
		},
		{
			name: "rotate --app-secret", args: []string{"rotate", "--app-secret", "--yes", "--no-sign-in"}, code: exitOK,
			want: []string{"✓ Logto accepts the new secret", "✓ Deleted the old secret", "doctor: all good"},
		},
		{
			name: "rotate --m2m", args: []string{"rotate", "--m2m", "--yes", "--no-sign-in"}, code: exitOK,
			want: []string{"to the M2M app", "✓ Logto accepts the new secret", "doctor: all good"},
		},
		{
			name: "workshop prepare", args: []string{"workshop", "prepare", "--attendees", "1", "--out", cards, "--port", fmt.Sprint(cardPort)}, code: exitOK,
			want: []string{"1 created, 0 reused"},
		},
	} {
		all := runInSandbox(t, dir, getenv, f)
		checkSent(f.name, f.sms)
		if t.Failed() {
			t.Fatalf("%s:\n%s", f.name, all)
		}
	}

	// 5. One attendee with the card (not --sandbox: the card names the
	// host's Logto), signing in through their demo.
	room := &workshopRoom{lg: host.Logto()}
	code, out, err := runAttendee(t, room, filepath.Join(cards, "bookstore-01.yaml"), t.TempDir(), cardPort, sandboxTestPhone, map[string]string{"TERM": "dumb"})
	if code != exitOK || err != nil || !strings.Contains(out, "signed in as "+sandboxTestPhone) {
		t.Fatalf("the attendee: exit %d, sign-in %v\n%s", code, err, out)
	}
	for _, secret := range savedSecretValues(t, dir) {
		if strings.Contains(out, secret) {
			t.Error("the attendee's output shows a secret value of the facilitator's setup")
		}
	}
	checkSent("the attendee (their test SMS and sign-in code)", 2)

	// 6. workshop status: exactly the attendee's one sign-in.
	var stOut, stErr bytes.Buffer
	if code := run([]string{"workshop", "status", "--json", "--sandbox", "--config-dir", dir}, strings.NewReader(""), &stOut, &stErr, getenv); code != exitOK {
		t.Fatalf("workshop status: exit %d\n%s%s", code, stOut.String(), stErr.String())
	}
	var status struct {
		Apps, SignedIn, Unreadable int
		Attendees                  []struct{ SignIns, Users int }
	}
	if err := json.Unmarshal(stOut.Bytes(), &status); err != nil {
		t.Fatalf("workshop status --json: %v\n%s", err, stOut.String())
	}
	if status.Apps != 1 || status.SignedIn != 1 || status.Unreadable != 0 || len(status.Attendees) != 1 ||
		status.Attendees[0].SignIns != 1 || status.Attendees[0].Users != 1 {
		t.Errorf("workshop status: %+v, want 1 app with exactly 1 sign-in by 1 user\n%s", status, stOut.String())
	}
	checkSent("workshop status", 0)

	// 7. workshop teardown, then teardown: the sign-in experience is back
	// key for key as a new sandbox of this version has it.
	runInSandbox(t, dir, getenv, versionFlow{
		name: "workshop teardown", args: []string{"workshop", "teardown", "--yes"}, code: exitOK,
		want: []string{"Bookstore 01"},
	})
	runInSandbox(t, dir, getenv, versionFlow{
		name: "teardown", args: []string{"teardown", "--yes"}, code: exitOK,
		want: []string{"✓ restored the sign-in experience", "✓ deleted the SMS connector", `✓ deleted the app "Bookstore"`, "The saved setup now says it was torn down."},
	})
	checkSent("workshop teardown and teardown", 0)
	if _, ok := host.Logto().SMSConnector(); ok {
		t.Error("teardown left the SMS connector")
	}
	fresh, err := sandbox.Open(sandbox.Options{ConfigDir: t.TempDir(), NoDemo: true, LogtoVersion: version})
	if err != nil {
		t.Fatal(err)
	}
	want := fresh.Logto().SignInExperience()
	_ = fresh.Close()
	if got := host.Logto().SignInExperience(); !sameJSON(t, got, want) {
		t.Errorf("after teardown the sign-in experience is\n%s\nwant a new sandbox's\n%s", got, want)
	}
	if err := host.Close(); err != nil {
		t.Fatal(err)
	}
	assertSecretsOnlyInSecretsFile(t, dir, setup.out+setup.errOut)
	if sent >= logto141SendLimit {
		t.Errorf("the flows sent %d SMS to %s, as many as Logto 1.41 sends one phone in 10 minutes (%d)", sent, sandboxTestPhone, logto141SendLimit)
	}
}

// runInSandbox runs f's command line with --sandbox in the sandbox folder
// dir, checks its exit code and lines and that it shows no secret, and
// returns its output.
func runInSandbox(t *testing.T, dir string, getenv func(string) string, f versionFlow) string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append(f.args, "--sandbox", "--config-dir", dir, "--no-browser"), strings.NewReader(""), &out, &errOut, getenv)
	all := out.String() + errOut.String()
	if code != f.code {
		t.Errorf("%s: exit %d, want %d", f.name, code, f.code)
	}
	for _, want := range f.want {
		if !strings.Contains(all, want) {
			t.Errorf("%s: the output lacks %q", f.name, want)
		}
	}
	if strings.Contains(all, "FAIL") {
		t.Errorf("%s: a check failed", f.name)
	}
	// The files are checked once the test's host has stopped (it may be
	// saving its state meanwhile); the output now.
	for _, secret := range savedSecretValues(t, dir) {
		if strings.Contains(all, secret) {
			t.Errorf("%s: the output shows a secret value", f.name)
		}
	}
	if t.Failed() {
		t.Logf("%s:\n%s", f.name, all)
	}
	return all
}

// sameJSON reports whether a and b are the same JSON value (key order and
// spacing aside).
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return reflect.DeepEqual(va, vb)
}

// savedLogtoVersionOf is the Logto version saved in the sandbox folder dir.
func savedLogtoVersionOf(t *testing.T, dir string) string {
	t.Helper()
	var st struct {
		LogtoVersion string `json:"logtoVersion"`
	}
	b, err := os.ReadFile(filepath.Join(dir, sandbox.StateFile))
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil {
		t.Fatalf("%s: %v", sandbox.StateFile, err)
	}
	return st.LogtoVersion
}

// TestSandboxLogtoVersionRefused: every --sandbox command reads
// LOGTO_TWILIO_SANDBOX_LOGTO_VERSION; a version the stand-in does not
// imitate, or another version than an existing sandbox's, is refused with
// the allowed values or the way out, and nothing in the folder changes.
func TestSandboxLogtoVersionRefused(t *testing.T) {
	t.Parallel()
	made := t.TempDir()
	env, err := sandbox.Open(sandbox.Options{ConfigDir: made, NoDemo: true, LogtoVersion: "1.41.0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dir, version string
		args               []string
		want               []string
	}{
		{"an unknown version", t.TempDir(), "1.40.0", []string{"--sandbox", "--no-browser"}, []string{`LOGTO_TWILIO_SANDBOX_LOGTO_VERSION is "1.40.0"`, "set it to 1.37.1 or 1.41.0, or unset it"}},
		{"another version than the sandbox's", made, "1.37.1", []string{"doctor", "--sandbox"}, []string{"imitates Logto 1.41.0, but LOGTO_TWILIO_SANDBOX_LOGTO_VERSION asks for 1.37.1", "unset LOGTO_TWILIO_SANDBOX_LOGTO_VERSION"}},
		{"the same, as a writer", made, "1.37.1", []string{"rotate", "--sandbox", "--app-secret", "--yes"}, []string{"imitates Logto 1.41.0, but LOGTO_TWILIO_SANDBOX_LOGTO_VERSION asks for 1.37.1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadFile(filepath.Join(tc.dir, sandbox.StateFile))
			var out, errOut bytes.Buffer
			code := run(append(tc.args, "--config-dir", tc.dir), strings.NewReader(""), &out, &errOut,
				envOf(map[string]string{sandbox.LogtoVersionEnv: tc.version}))
			if code != exitFailure {
				t.Errorf("exit %d, want %d", code, exitFailure)
			}
			for _, want := range tc.want {
				if !strings.Contains(errOut.String(), want) {
					t.Errorf("stderr %q lacks %q", errOut.String(), want)
				}
			}
			if after, _ := os.ReadFile(filepath.Join(tc.dir, sandbox.StateFile)); string(after) != string(before) {
				t.Errorf("a refused run changed %s", sandbox.StateFile)
			}
			if t.Failed() {
				t.Logf("stdout:\n%s", out.String())
			}
		})
	}
}
