package e2etest

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Tmux is a real terminal for a test (cmd/logto-twilio's tmuxTerm adds the
// wizard's forms and the action count to it): tmux runs a shell line,
// send-keys types, capture-pane reads the screen. Each Tmux has its own tmux
// server, stopped when the test ends.
type Tmux struct {
	tb     testing.TB
	tmux   string
	socket string
}

// NewTmux runs line (a shell command line, quoted as needed: see
// ShellQuote) in a width×height terminal with env as the whole environment
// of its tmux server, so of the shell (nil: this process's). When line ends, the pane stays:
// line should print what the test waits for (e.g. `…; echo "exit=$?"`).
func NewTmux(tb testing.TB, width, height int, env []string, line string) *Tmux {
	tb.Helper()
	tm := &Tmux{tb: tb, tmux: Need(tb, "tmux"), socket: fmt.Sprintf("lt-e2e-%d", time.Now().UnixNano())}
	// bash, not sh: Ctrl-C reaches the shell too (it is in the foreground
	// process group), and bash goes on with the line when the program
	// handled it and exited (dash, Debian's sh, dies with it, and the pane
	// with it).
	tm.runEnv(env, "-f", "/dev/null", "new-session", "-d", "-s", "w", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height),
		Need(tb, "bash"), "-c", line+"; sleep 3600")
	// The test's context is done when Cleanup runs.
	tb.Cleanup(func() { _ = exec.CommandContext(context.Background(), tm.tmux, "-L", tm.socket, "kill-server").Run() }) //nolint:gosec // G204: tmux, found by Need
	return tm
}

// ShellQuote quotes each word for a POSIX shell and joins them.
func ShellQuote(words ...string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}

func (tm *Tmux) runEnv(env []string, args ...string) string {
	tm.tb.Helper()
	cmd := exec.CommandContext(tm.tb.Context(), tm.tmux, append([]string{"-L", tm.socket}, args...)...) //nolint:gosec // G204: tmux, found by Need, with the test's arguments
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		tm.tb.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Run runs a tmux command on this terminal's server (its window is "w") and
// returns what it printed, or fails the test.
func (tm *Tmux) Run(args ...string) string {
	tm.tb.Helper()
	return tm.runEnv(nil, args...)
}

// Screen is what the terminal shows now.
func (tm *Tmux) Screen() string { return tm.runEnv(nil, "capture-pane", "-p", "-t", "w") }

// Keys types keys (tmux key names such as Enter or C-c).
func (tm *Tmux) Keys(keys ...string) {
	tm.tb.Helper()
	tm.runEnv(nil, append([]string{"send-keys", "-t", "w"}, keys...)...)
}

// WaitText polls the screen until it shows text (see WaitFor).
func (tm *Tmux) WaitText(text string) string {
	tm.tb.Helper()
	return tm.WaitFor(fmt.Sprintf("%q", text), func(s string) bool { return strings.Contains(s, text) })
}

// WaitFor polls the screen until match holds, or fails the test with the
// last screen after a minute (what names the wait). Polling a real terminal
// is the only way to see it; the deadline is generous and no result depends
// on timing.
func (tm *Tmux) WaitFor(what string, match func(screen string) bool) string {
	tm.tb.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := tm.Screen()
		if match(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.tb.Fatalf("waiting for %s; the screen shows:\n%s", what, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
