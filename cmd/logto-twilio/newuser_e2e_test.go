package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
)

// TestE2ESmallTerminal (issue 14, item 5): in a 40×10 terminal the wizard
// asks for a larger one instead of letting the question scroll off; made
// larger, the question is back; Ctrl-C then suggests resuming with the
// run's own flags.
func TestE2ESmallTerminal(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "tmux")
	bin := buildBinary(t)
	dir := t.TempDir()
	tm := newTmux(t, 40, 10, []string{"NO_COLOR=1", "TERM=xterm-256color"},
		bin, "--sandbox", "--no-browser", "--config-dir", dir)
	s := tm.waitText("Make the terminal larger")
	if flat := strings.Join(strings.Fields(s), " "); !strings.Contains(flat, "needs 50×14, this one is 40×10") {
		t.Fatalf("the notice:\n%s", s)
	}
	tm.run("resize-window", "-t", "w", "-x", "80", "-y", "24")
	tm.waitForm("Welcome")
	tm.keys("C-c")
	s = tm.waitText("EXIT=")
	if flat := strings.Join(strings.Fields(s), " "); !strings.Contains(flat, "logto-twilio --sandbox --config-dir") {
		t.Fatalf("the resume line lacks the run's flags:\n%s", s)
	}
}

// TestE2ELateSignIn (issue 14, item 6): the user stops the sign-in wait
// (the same box a timeout shows), then signs in on the demo page, which
// still runs: the wizard picks the sign-in up without a retry.
func TestE2ELateSignIn(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "chromium", "/usr/bin/chromium")
	e2etest.Need(t, "tmux")
	bin := buildBinary(t)
	port := freePort(t)
	tm := newTmux(t, 100, 40, []string{"NO_COLOR=1", "TERM=xterm-256color"},
		bin, "--sandbox", "--no-browser", "--port", fmt.Sprint(port), "--config-dir", t.TempDir())
	acceptUntil(tm, "Waiting for the sign-in")
	tm.waitText("Waiting for the sign-in (up to 15 minutes)")
	tm.keys("Escape")
	s := tm.waitText("You stopped waiting for the sign-in")
	if !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(s, "│", "")), " "), "a sign-in there is still picked up") {
		t.Errorf("the box does not say a sign-in is still picked up:\n%s", s)
	}
	signInThroughDemo(e2etest.Chromium(t), t, tm, fmt.Sprintf("http://localhost:%d", port))
	tm.waitFor("the wizard to pick up the late sign-in", func(s string) bool {
		return strings.Contains(s, "✓ Sign in for real") && strings.Contains(s, sandboxTestPhone)
	})
}
