package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
)

// sandboxSetupUnderTmux runs the real binary's sandbox wizard under tmux
// in dir, accepting every prefilled answer, and signs in through the demo
// with Chromium. It presses enter on whatever form is shown, so it does not
// depend on how many questions each step asks.
func sandboxSetupUnderTmux(t *testing.T, bin, dir string, port int) {
	t.Helper()
	tm := newTmux(t, 100, 40, []string{"NO_COLOR=1", "TERM=xterm-256color"},
		bin, "--sandbox", "--no-browser", "--port", fmt.Sprint(port), "--config-dir", dir)
	acceptUntil(tm, "Waiting for the sign-in")
	signInThroughDemo(e2etest.Chromium(t), t, tm, fmt.Sprintf("http://localhost:%d", port))
	if s := acceptUntil(tm, "EXIT="); !strings.Contains(s, "EXIT=0") {
		t.Fatalf("the sandbox setup did not finish:\n%s", s)
	}
}

// acceptUntil presses enter on whatever form shows (steps whose answers
// check out run on their own) until the screen holds text, and returns it.
func acceptUntil(tm *tmuxTerm, text string) string {
	tm.t.Helper()
	s := tm.screen()
	for !strings.Contains(s, text) {
		if strings.Contains(s, "\n┃ ") {
			tm.keys("Enter")
		}
		prev := s
		s = tm.waitFor("the next screen", func(n string) bool { return n != prev || strings.Contains(n, text) })
	}
	return s
}

// runBinary runs the real binary to its end and returns its exit code and
// output.
func runBinary(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = []string{"NO_COLOR=1", "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return code, string(out)
}

type doctorJSON struct {
	OK     bool `json:"ok"`
	Checks []struct {
		ID, Status, Detail, Hint string
	} `json:"checks"`
}

func runDoctorJSON(t *testing.T, bin, dir string) (int, doctorJSON) {
	t.Helper()
	code, out := runBinary(t, bin, "doctor", "--sandbox", "--config-dir", dir, "--json")
	var d doctorJSON
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("doctor --json printed something else than one JSON document (%v):\n%s", err, out)
	}
	return code, d
}

func statusOf(d doctorJSON) map[string]string {
	m := map[string]string{}
	for _, c := range d.Checks {
		m[c.ID] = c.Status
	}
	return m
}

// TestE2EDoctorTeardownSandbox is issue 8's end-to-end proof: the real
// binary sets up the sandbox (a Chromium sign-in included), doctor passes
// against the same stand-ins (the sandbox keeps their state in its folder
// between runs), teardown --yes removes what the wizard created, and
// doctor then shows what is gone.
func TestE2EDoctorTeardownSandbox(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "chromium", "/usr/bin/chromium")
	e2etest.Need(t, "tmux")
	bin := buildBinary(t)
	dir := t.TempDir()
	sandboxSetupUnderTmux(t, bin, dir, freePort(t))

	code, d := runDoctorJSON(t, bin, dir)
	if code != exitOK || !d.OK {
		t.Fatalf("doctor after setup: exit %d, %+v", code, d)
	}
	for id, st := range statusOf(d) {
		if st != "PASS" && (id != "test-sms" || st != "SKIP") {
			t.Errorf("doctor after setup: %s is %s", id, st)
		}
	}
	code, text := runBinary(t, bin, "doctor", "--sandbox", "--config-dir", dir)
	if code != exitOK || !strings.Contains(text, "PASS") || strings.Contains(text, sandboxAuthToken) {
		t.Errorf("doctor's text report (exit %d):\n%s", code, text)
	}

	code, out := runBinary(t, bin, "teardown", "--sandbox", "--config-dir", dir, "--yes")
	t.Logf("teardown:\n%s", out)
	if code != exitOK {
		t.Fatalf("teardown --yes: exit %d\n%s", code, out)
	}
	for _, want := range []string{"app", "SMS connector", "sign-in experience"} {
		if !strings.Contains(out, want) {
			t.Errorf("teardown's report does not name the %s:\n%s", want, out)
		}
	}

	code, d = runDoctorJSON(t, bin, dir)
	if code != exitFindings || d.OK {
		t.Fatalf("doctor after teardown: exit %d (want %d), %+v", code, exitFindings, d)
	}
	st := statusOf(d)
	if st["endpoint"] != "PASS" {
		t.Errorf("after teardown the endpoint should still PASS, got %s", st["endpoint"])
	}
	failed := 0
	for _, s := range st {
		if s == "FAIL" {
			failed++
		}
	}
	if failed == 0 {
		t.Errorf("after teardown doctor FAILs nothing: %+v", d)
	}
	_, text = runBinary(t, bin, "doctor", "--sandbox", "--config-dir", dir)
	t.Logf("doctor after teardown:\n%s", text)
	code, out = runBinary(t, bin, "teardown", "--sandbox", "--config-dir", dir, "--yes")
	if code != exitOK || !strings.Contains(out, "Nothing to tear down") {
		t.Errorf("a second teardown: exit %d\n%s", code, out)
	}
}
