package main

import (
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
