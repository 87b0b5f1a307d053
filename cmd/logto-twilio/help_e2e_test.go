package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
)

// TestE2EHelpFitsTerminal: in a real 80-column terminal every help the
// program prints fits its lines (the terminal wrapped none, so none is broken
// inside a word) and no line is broken after a hyphen ("--non-" ⏎
// "interactive").
func TestE2EHelpFitsTerminal(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "tmux")
	bin := buildBinary(t)
	hyphenBreak := regexp.MustCompile(`[A-Za-z0-9]-$`)
	for _, args := range [][]string{
		{"--help"},
		{"help", "environment"},
		{"setup", "--help"},
		{"doctor", "--help"},
		{"rotate", "--help"},
		{"teardown", "--help"},
		{"workshop", "--help"},
		{"workshop", "prepare", "--help"},
		{"workshop", "status", "-h"},
		{"workshop", "teardown", "--help"},
		{"sandbox", "serve", "--help"},
		{"version", "--help"},
	} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			t.Parallel()
			tm := newTmux(t, 80, 200, []string{"TERM=xterm-256color", "NO_COLOR=1"}, append([]string{bin}, args...)...)
			tm.WaitText("EXIT=0")
			// -J joins each line the terminal wrapped back into one: a
			// joined line wider than the terminal did not fit.
			for l := range strings.SplitSeq(tm.Run("capture-pane", "-p", "-J", "-t", "w"), "\n") {
				l = strings.TrimRight(l, " ")
				if ansi.StringWidth(l) > 80 {
					t.Errorf("the terminal wrapped a line wider than 80 columns: %q", l)
				}
				if hyphenBreak.MatchString(l) {
					t.Errorf("a line broken after a hyphen: %q", l)
				}
			}
		})
	}
}
