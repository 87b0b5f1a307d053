package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/cmd/root"
	"github.com/logto-twilio/logto-twilio/internal/cmdline"
)

// parseSuggestion parses a command line the program printed through the
// real command tree: the command must exist, its flags parse and its
// arguments validate (issue 18: every suggested command runs as printed).
func parseSuggestion(line string) error {
	words, err := cmdline.Split(line)
	if err != nil {
		return err
	}
	switch {
	case len(words) >= 3 && words[0] == "go" && words[1] == "run":
		words = words[3:]
	case len(words) >= 1 && words[0] == cmdline.Program:
		words = words[1:]
	default:
		return fmt.Errorf("does not start with the program: %q", line)
	}
	rc := newRootCmd(noEnv)
	rc.InitDefaultHelpCmd() // cobra adds it when it executes
	c, rest, err := rc.Find(words)
	if err != nil {
		return err
	}
	if err := c.ParseFlags(rest); errors.Is(err, pflag.ErrHelp) {
		return nil // --help: cobra shows the help
	} else if err != nil {
		return err
	}
	if c.Args != nil {
		return c.Args(c, c.Flags().Args())
	}
	return nil
}

// exampleLines are the command lines in every command's --help examples:
// the part from the program's name to a pipe or redirection.
func exampleLines(c *cobra.Command) []string {
	var out []string
	for _, l := range strings.Split(c.Example, "\n") {
		i := strings.Index(l, cmdline.Program+" ")
		if i < 0 && strings.TrimSpace(l) == cmdline.Program {
			i = strings.Index(l, cmdline.Program)
		}
		if i < 0 || strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		l = l[i:]
		for _, stop := range []string{" |", " >", " &&", ")"} {
			if j := strings.Index(l, stop); j >= 0 {
				l = l[:j]
			}
		}
		out = append(out, strings.TrimSpace(l))
	}
	for _, sc := range c.Commands() {
		out = append(out, exampleLines(sc)...)
	}
	return out
}

// TestSuggestionsParse (issue 18, item 1): every command line the program
// can suggest parses through the real command tree: the --help examples,
// the lines the Invocation builds for every command after every kind of run
// (sandbox or not, a folder, a workshop card, the wizard's service flags),
// and the lines real runs printed.
func TestSuggestionsParse(t *testing.T) {
	t.Parallel()
	var lines []string
	lines = append(lines, exampleLines(newRootCmd(noEnv))...)

	targets := []struct {
		cmd  string
		args []string
	}{
		{"", nil},
		{"setup", nil},
		{"doctor", nil},
		{"doctor", []string{"--send-test-sms", "+14155550123"}},
		{"rotate", nil},
		{"rotate", []string{"--sign-in"}},
		{"rotate", []string{"--twilio", "--new-twilio-token", "-"}},
		{"teardown", nil},
		{"workshop prepare", []string{"--attendees", "30"}},
		{"workshop status", nil},
		{"workshop teardown", nil},
		{"sandbox serve", nil},
		{"", []string{"--port", "3001"}},
	}
	runs := [][]string{
		{},
		{"--sandbox"},
		{"--sandbox", "--config-dir", "/tmp/my sb", "--port", "47105"},
		{"setup", "--logto-endpoint", "http://127.0.0.1:3001", "--twilio-base-url", "http://127.0.0.1:4010", "--port", "47105"},
		{"--preset", "/cards/bookstore-02.yaml", "--config-dir", "/tmp/att"},
		{"doctor", "--sandbox", "-c", "/tmp/d", "--port", "3005"},
		{"workshop", "prepare", "--attendees", "3", "--port", "3000", "--config-dir", "/tmp/f"},
		{"rotate", "--sandbox", "--twilio"},
	}
	for _, args := range runs {
		f := testFactory(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, noEnv)
		rc := root.NewCmdRoot(f, nil)
		c, rest, err := rc.Find(args)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.ParseFlags(rest); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		f.Invocation.Record(c)
		for _, tg := range targets {
			lines = append(lines, f.Invocation.Line(tg.cmd, tg.args...))
		}
	}

	// Real runs: what they printed through the Invocation.
	for _, args := range [][]string{
		{"teardown", "--yes", "--config-dir", t.TempDir(), "--logto-endpoint", "http://x"},
		{"teardown", "--yes", "--config-dir", t.TempDir()},
		{"rotate", "--twilio", "--config-dir", t.TempDir()},
	} {
		var out, errOut bytes.Buffer
		f := testFactory(strings.NewReader(""), &out, &errOut, noEnv)
		code := root.Execute(t.Context(), f, root.NewCmdRoot(f, nil), args)
		lines = append(lines, f.Invocation.Built()...)
		if code == factory.ExitOK && len(f.Invocation.Built()) == 0 && !strings.Contains(args[0], "teardown") {
			t.Errorf("%q printed no suggestion", args)
		}
	}

	if len(lines) < 100 {
		t.Fatalf("only %d lines collected", len(lines))
	}
	for _, l := range lines {
		if err := parseSuggestion(l); err != nil {
			t.Errorf("suggested %q does not run: %v", l, err)
		}
	}
}

// TestSuggestionsKeepTheSetup: a suggestion reaches the same setup: the
// folder, the sandbox and the card are repeated wherever the target takes
// them, and the wizard's own flags only for the wizard.
func TestSuggestionsKeepTheSetup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		run    []string
		target string
		want   string
	}{
		{[]string{"setup", "-e", "http://127.0.0.1:3001", "--twilio-base-url", "http://127.0.0.1:4010", "-p", "47105"}, "doctor", "logto-twilio doctor"},
		{[]string{"setup", "-e", "http://127.0.0.1:3001", "--twilio-base-url", "http://127.0.0.1:4010", "-p", "47105"}, "", "logto-twilio --logto-endpoint http://127.0.0.1:3001 --twilio-base-url http://127.0.0.1:4010 --port 47105"},
		{[]string{"--sandbox", "--port", "47105", "-c", "/tmp/sb"}, "rotate", "logto-twilio rotate --sandbox --config-dir /tmp/sb"},
		{[]string{"--sandbox", "--port", "47105", "-c", "/tmp/sb"}, "teardown", "logto-twilio teardown --sandbox --config-dir /tmp/sb"},
		{[]string{"--preset", "/c/b-02.yaml", "--config-dir", "/tmp/att"}, "", "logto-twilio --config-dir /tmp/att --preset /c/b-02.yaml"},
		{[]string{"workshop", "prepare", "--sandbox", "--attendees", "2"}, "setup", "logto-twilio setup --sandbox"},
	}
	for _, tt := range tests {
		f := testFactory(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, noEnv)
		rc := root.NewCmdRoot(f, nil)
		c, rest, err := rc.Find(tt.run)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.ParseFlags(rest); err != nil {
			t.Fatal(err)
		}
		f.Invocation.Record(c)
		if got := f.Invocation.Line(tt.target); got != tt.want {
			t.Errorf("after %q, %q suggests %q, want %q", tt.run, tt.target, got, tt.want)
		}
	}
}
