package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
	"github.com/logto-twilio/logto-twilio/internal/sandbox"
)

// TestE2ESharedSandbox is issue 19's end-to-end proof: one set of
// stand-ins per sandbox folder. The real wizard sets up the sandbox and
// writes the Express starter; `sandbox serve` then runs the stand-ins in one
// terminal while doctor, rotate --app-secret, workshop prepare and workshop
// status run in another as its guests (none starts stand-ins of its own);
// the Express starter, with the rotated secret in its .env, signs in with
// Chromium, the code read from serve's terminal; Ctrl-C stops serve, which
// saves and lets go, and doctor alone then brings the stand-ins back on the
// same Logto port.
func TestE2ESharedSandbox(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "chromium", "/usr/bin/chromium")
	e2etest.Need(t, "tmux")
	node := e2etest.Need(t, "node")
	npm := e2etest.Need(t, "npm")
	start := time.Now()
	bin := buildBinary(t)
	dir := t.TempDir()
	port := freePort(t)
	starter := filepath.Join(t.TempDir(), "starter")

	// 1. The wizard, with the Express starter written to its own folder.
	sandboxSetupWithStarter(t, bin, dir, port, starter)
	setup0 := readSetup(t, dir)
	oldApp, _ := savedSecrets(t, dir)
	base := fmt.Sprintf("http://localhost:%d", port)
	env := readEnvFile(t, filepath.Join(starter, ".env"))
	if setup0.ExpressDir != starter {
		t.Errorf("setup.json names the Express starter's folder %q, want %s", setup0.ExpressDir, starter)
	}
	for k, want := range map[string]string{
		"LOGTO_ENDPOINT": setup0.Endpoint, "LOGTO_APP_ID": setup0.AppID,
		"BASE_URL": base, "LOGTO_APP_SECRET": oldApp,
	} {
		if env[k] != want || want == "" {
			t.Errorf("the starter's .env has %s=%q, want %q", k, mask(k, env[k]), mask(k, want))
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("%5.1fs: the wizard set up the sandbox and wrote the Express starter", time.Since(start).Seconds())

	// 2. Terminal A: sandbox serve, the stand-ins' host.
	serve := newTmux(t, 200, 50, []string{"NO_COLOR=1", "TERM=xterm-256color"},
		bin, "sandbox", "serve", "--config-dir", dir)
	s := serve.waitText("Press Ctrl-C")
	logtoURL := regexp.MustCompile(`Sandbox Logto:\s+(\S+)`).FindStringSubmatch(s)
	if logtoURL == nil {
		t.Fatalf("serve does not say where its Logto listens:\n%s", s)
	}
	serveLogto := logtoURL[1]
	if serveLogto != setup0.Endpoint {
		t.Errorf("serve's Logto is at %s, but setup.json names %s (the port did not come back)", serveLogto, setup0.Endpoint)
	}
	if strings.Contains(s, "runs the sandbox's stand-ins now") {
		t.Fatalf("serve is not the host:\n%s", s)
	}
	host := readServing(t, dir)
	if host.Logto != serveLogto || !strings.Contains(host.Command, "sandbox serve") {
		t.Errorf("%s names %q at %s, want serve at %s", sandbox.ServingFile, host.Command, host.Logto, serveLogto)
	}
	if ppid := parentPID(t, host.PID); ppid != serve.panePID() {
		t.Errorf("%s names pid %d (parent %d), not serve's (the child of the pane's shell %d)", sandbox.ServingFile, host.PID, ppid, serve.panePID())
	}
	// stillServed checks that serve still runs the stand-ins after a
	// command of the other terminal: the same ServingFile (no other
	// process took the lock and wrote its own), the same endpoint saved.
	stillServed := func(after string) {
		t.Helper()
		if got := readServing(t, dir); got != host {
			t.Errorf("after %s, %s changed: %+v, want serve's %+v", after, sandbox.ServingFile, redactKey(got), redactKey(host))
		}
		if ep := readSetup(t, dir).Endpoint; ep != serveLogto {
			t.Errorf("after %s, setup.json names %s, want serve's Logto %s", after, ep, serveLogto)
		}
	}
	t.Logf("%5.1fs: serve runs the stand-ins at %s", time.Since(start).Seconds(), serveLogto)

	// 3. Terminal B: every command is serve's guest.
	code, d := runDoctorJSON(t, bin, dir)
	if code != exitOK || !d.OK {
		t.Errorf("doctor while serve runs: exit %d, %+v", code, d)
	}
	stillServed("doctor --json")
	code, out := runBinary(t, bin, "doctor", "--sandbox", "--config-dir", dir)
	if code != exitOK || !strings.Contains(out, "PASS") || strings.Contains(out, "FAIL") {
		t.Errorf("doctor (text) while serve runs: exit %d\n%s", code, out)
	}
	stillServed("doctor")
	// The same as a guest in this process, where -race watches the guest's
	// side (the binary is built without it); TestMain also parses the
	// command lines it suggests.
	var inOut, inErr strings.Builder
	if code := run([]string{"doctor", "--sandbox", "--config-dir", dir}, strings.NewReader(""), &inOut, &inErr, noEnv); code != exitOK {
		t.Errorf("doctor in-process while serve runs: exit %d\n%s%s", code, inOut.String(), inErr.String())
	}
	stillServed("doctor in-process")

	code, out = runBinary(t, bin, "rotate", "--sandbox", "--config-dir", dir, "--app-secret", "--yes", "--no-sign-in")
	t.Logf("rotate:\n%s", out)
	if code != exitOK {
		t.Fatalf("rotate --app-secret while serve runs: exit %d\n%s", code, out)
	}
	// Its lines are wrapped at spaces to the terminal's width.
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "Updated LOGTO_APP_SECRET in "+filepath.Join(starter, ".env")) {
		t.Errorf("rotate does not say it updated the starter's .env:\n%s", out)
	}
	stillServed("rotate")
	newApp, _ := savedSecrets(t, dir)
	if newApp == oldApp || newApp == "" {
		t.Fatalf("rotate did not save a new app secret")
	}
	code, d = runDoctorJSON(t, bin, dir)
	if code != exitOK || !d.OK || statusOf(d)["app-secret"] != "PASS" {
		t.Errorf("doctor after the rotation, while serve runs: exit %d, %+v", code, d)
	}
	stillServed("doctor after rotate")

	cards := filepath.Join(t.TempDir(), "cards")
	code, out = runBinary(t, bin, "workshop", "prepare", "--sandbox", "--config-dir", dir,
		"--attendees", "2", "--out", cards, "--non-interactive")
	t.Logf("workshop prepare:\n%s", out)
	if code != exitOK {
		t.Fatalf("workshop prepare while serve runs: exit %d\n%s", code, out)
	}
	stillServed("workshop prepare")
	code, out = runBinary(t, bin, "workshop", "status", "--sandbox", "--config-dir", dir)
	if code != exitOK || !strings.Contains(out, "0 of 2 apps have a sign-in.") {
		t.Errorf("workshop status while serve runs: exit %d, want 2 apps without a sign-in:\n%s", code, out)
	}
	stillServed("workshop status")
	t.Logf("%5.1fs: doctor, rotate, workshop prepare and status ran as serve's guests", time.Since(start).Seconds())

	// 4. The Express starter, with the rotated secret, signs in; the code
	// is on serve's terminal.
	env = readEnvFile(t, filepath.Join(starter, ".env"))
	if env["LOGTO_APP_SECRET"] != newApp {
		// rotate updates the starter's .env when setup.json names it
		// (internal/rotate/secret.go, updateEnvFile): a stale one is a bug.
		t.Errorf("rotate did not write the new app secret into the starter's .env (it holds the old one: %v)", env["LOGTO_APP_SECRET"] == oldApp)
	}
	e2etest.NPMInstall(t, npm, starter)
	t.Logf("%5.1fs: npm install", time.Since(start).Seconds())
	logs := e2etest.StartExpress(t, node, starter, base)
	var signInCode string
	phone := e2etest.SignInByPhone(e2etest.Chromium(t), t, e2etest.PhoneSignIn{
		AppURL: base, LogtoURL: serveLogto, CountryCode: "1", Number: "4155550123",
		Code:     serveCode(serve, &signInCode),
		Diagnose: func() string { return "serve's terminal:\n" + serve.screen() + "\nnode:\n" + logs() },
	})
	if phone != sandboxTestPhone {
		t.Errorf("the Express starter shows phone %q, want %s", phone, sandboxTestPhone)
	}
	stillServed("the Express starter's sign-in")
	t.Logf("%5.1fs: the Express starter signed in", time.Since(start).Seconds())

	// 5. No secret on serve's terminal, nor anywhere in the folder but
	// secrets.json and the stand-ins' state (the M2M secret included).
	history := serve.history()
	for _, secret := range []string{oldApp, newApp, savedM2MSecret(t, dir), sandboxAuthToken, host.Key} {
		if secret != "" && strings.Contains(history, secret) {
			t.Errorf("serve's terminal shows a secret")
		}
	}
	t.Logf("serve:\n%s", strings.TrimSpace(history))
	// The code's line says what it is for and where to type it (smsLine):
	// serve waits until the Logto stand-in recorded sending it.
	if !regexp.MustCompile(`code ` + signInCode + ` \((?:sign-in|sign-up)\) — type it on the "Verify your phone number" page`).MatchString(history) {
		t.Errorf("serve's line for the sign-in code %s does not say it is for the sign-in:\n%s", signInCode, history)
	}

	// 6. Ctrl-C stops serve: it saves, exits 0 and lets go of the folder.
	serve.keys("C-c")
	s = serve.waitText("EXIT=")
	if !strings.Contains(s, "EXIT=0") {
		t.Errorf("serve did not exit 0 on Ctrl-C:\n%s", s)
	}
	if _, err := os.Stat(filepath.Join(dir, sandbox.ServingFile)); !os.IsNotExist(err) {
		t.Errorf("%s is still there after serve stopped (%v)", sandbox.ServingFile, err)
	}
	assertSecretsOnlyInSecretsFile(t, dir, serve.history())
	code, d = runDoctorJSON(t, bin, dir)
	if code != exitOK || !d.OK {
		t.Errorf("doctor on its own after serve stopped: exit %d, %+v", code, d)
	}
	if ep := readSetup(t, dir).Endpoint; ep != serveLogto {
		t.Errorf("after serve stopped, doctor's stand-ins moved: setup.json names %s, want %s", ep, serveLogto)
	}
	if _, err := os.Stat(filepath.Join(dir, sandbox.ServingFile)); !os.IsNotExist(err) {
		t.Errorf("%s is left after doctor ran alone (%v)", sandbox.ServingFile, err)
	}
	t.Logf("%5.1fs: done", time.Since(start).Seconds())
}

// sandboxSetupWithStarter is sandboxSetupUnderTmux with the Express
// starter written: the wizard under tmux in dir, every prefilled answer
// taken, the sign-in through the demo with Chromium, then "Yes" on the
// starter step and starter typed as its folder.
func sandboxSetupWithStarter(t *testing.T, bin, dir string, port int, starter string) {
	t.Helper()
	tm := newTmux(t, 100, 40, []string{"NO_COLOR=1", "TERM=xterm-256color"},
		bin, "--sandbox", "--no-browser", "--port", fmt.Sprint(port), "--config-dir", dir)
	acceptUntil(tm, "Waiting for the sign-in")
	signInThroughDemo(e2etest.Chromium(t), t, tm, fmt.Sprintf("http://localhost:%d", port))
	tm.writeStarter(starter)
	s := tm.waitText("EXIT=")
	if !strings.Contains(s, "EXIT=0") {
		t.Fatalf("the sandbox setup did not finish:\n%s", s)
	}
	if flat := strings.Join(strings.Fields(s), " "); !strings.Contains(flat, "sandbox serve") {
		t.Errorf("the starter's line does not say to start sandbox serve first:\n%s", s)
	}
}

// panePID is the pid of the shell the tmux pane runs (newTmux's command).
func (tm *tmuxTerm) panePID() int {
	tm.t.Helper()
	pid, err := strconv.Atoi(strings.TrimSpace(tm.run("display-message", "-p", "-t", "w", "#{pane_pid}")))
	if err != nil {
		tm.t.Fatalf("the pane's pid: %v", err)
	}
	return pid
}

// history is all the pane printed: its scrollback and the screen.
func (tm *tmuxTerm) history() string { return tm.run("capture-pane", "-p", "-J", "-S", "-", "-t", "w") }

// parentPID is the parent of process pid, as ps reports it.
func parentPID(t *testing.T, pid int) int {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "ps", "-o", "ppid=", "-p", fmt.Sprint(pid)).Output()
	if err != nil {
		t.Fatalf("ps for pid %d: %v", pid, err)
	}
	ppid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("ps for pid %d: %q", pid, out)
	}
	return ppid
}

// serveSMS matches the line sandbox serve prints for a code sent to the
// sandbox's test phone.
var serveSMS = regexp.MustCompile(`SMS to \+14155550123: code (\d{6})\b`)

// serveCode is a PhoneSignIn.Code that reads the code from serve's
// terminal: the first code line printed after serveCode was called.
// The code is also stored in *code.
func serveCode(serve *tmuxTerm, code *string) func(context.Context) (string, error) {
	before := len(serveSMS.FindAllStringSubmatch(serve.history(), -1))
	return func(context.Context) (string, error) {
		serve.waitFor("a new code on serve's terminal", func(string) bool {
			m := serveSMS.FindAllStringSubmatch(serve.history(), -1)
			if len(m) <= before {
				return false
			}
			*code = m[before][1]
			return true
		})
		return *code, nil
	}
}

// readSetup reads the sandbox folder's setup.json.
func readSetup(t *testing.T, dir string) (s struct{ Endpoint, AppID, ExpressDir string }) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "setup.json"))
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		t.Fatalf("setup.json: %v", err)
	}
	return s
}

// readServing reads the sandbox folder's ServingFile.
func readServing(t *testing.T, dir string) sandbox.Serving {
	t.Helper()
	var s sandbox.Serving
	b, err := os.ReadFile(filepath.Join(dir, sandbox.ServingFile))
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		t.Fatalf("%s: %v", sandbox.ServingFile, err)
	}
	return s
}

// redactKey drops the control key from s, for a failure message.
func redactKey(s sandbox.Serving) sandbox.Serving {
	if s.Key != "" {
		s.Key = "…"
	}
	return s
}

// savedM2MSecret reads the M2M app's secret in the sandbox's secrets.json.
func savedM2MSecret(t *testing.T, dir string) string {
	t.Helper()
	var s struct {
		M2M string `json:"m2mAppSecret"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "secrets.json"))
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		t.Fatalf("secrets.json: %v", err)
	}
	return s.M2M
}

// readEnvFile reads a .env file's KEY=value lines.
func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the Express starter's .env: %v", err)
	}
	m := map[string]string{}
	for l := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(l), "="); ok && !strings.HasPrefix(k, "#") {
			m[k] = v
		}
	}
	return m
}

// mask hides the value of a secret key of the starter's .env.
func mask(key, v string) string {
	if strings.Contains(key, "SECRET") && v != "" {
		return "(a secret)"
	}
	return v
}
