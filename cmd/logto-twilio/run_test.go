package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/cmd/root"
	setupcmd "github.com/logto-twilio/logto-twilio/internal/cmd/setup"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/tui"
)

func TestMain(m *testing.M) {
	// fang wraps help at the terminal's width (at most 120); the snapshots
	// must not depend on the terminal go test runs in.
	_ = os.Setenv("__FANG_TEST_WIDTH", "120")
	// No test touches the machine's keyring: go-keyring's mock, unavailable
	// (as on a headless machine), so auto keeps the secrets in the file.
	config.MockKeyring(errors.New("no keyring in tests"))
	code := m.Run()
	n, bad := checkSuggestions()
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "checkSuggestions: %d suggested command lines parsed\n", n)
	}
	if code == 0 && len(bad) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: of the %d command lines the tests' runs suggested, %d do not run as printed:\n%s\n", n, len(bad), strings.Join(bad, "\n"))
		code = 1
	} else if code == 0 && n == 0 && !testing.Short() && !runFiltered() {
		fmt.Fprintln(os.Stderr, "FAIL: the tests' runs suggested no command line: checkSuggestions checked nothing")
		code = 1
	}
	os.Exit(code)
}

// runFiltered reports whether -test.run picks some tests (one end-to-end test
// run alone may suggest no command line).
func runFiltered() bool {
	f := flag.Lookup("test.run")
	return f != nil && f.Value.String() != ""
}

// noEnv is an empty environment.
func noEnv(string) string { return "" }

// runCaptured runs the command line with a wizard that only records its
// options, and returns the exit code, stdout, stderr and those options (nil
// when the wizard did not run).
func runCaptured(t *testing.T, args []string, wizardErr error) (int, string, string, *options) {
	t.Helper()
	var out, errOut bytes.Buffer
	var got *options
	f := testFactory(strings.NewReader(""), &out, &errOut, noEnv)
	c := root.NewCmdRoot(f, func(so *setupcmd.Options) error {
		got = fromSetup(so)
		return wizardErr
	})
	code := root.Execute(t.Context(), f, c, args)
	return code, out.String(), errOut.String(), got
}

func TestRunFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "help", args: []string{"--help"}, wantCode: exitOK, wantStdout: "USAGE"},
		{name: "short help", args: []string{"-h"}, wantCode: exitOK, wantStdout: "--version"},
		{name: "old help", args: []string{"-help"}, wantCode: exitOK, wantStdout: "--sandbox"},
		{name: "help command", args: []string{"help", "setup"}, wantCode: exitOK, wantStdout: "logto-twilio setup [--flags]"},
		{name: "version", args: []string{"--version"}, wantCode: exitOK, wantStdout: "logto-twilio "},
		{name: "short version", args: []string{"-v"}, wantCode: exitOK, wantStdout: "logto-twilio "},
		{name: "old version", args: []string{"-version"}, wantCode: exitOK, wantStdout: "logto-twilio "},
		{name: "completion", args: []string{"completion", "bash"}, wantCode: exitOK, wantStdout: "bash completion"},
		{name: "unknown flag", args: []string{"--nope"}, wantCode: exitUsage, wantStderr: "logto-twilio: unknown flag: --nope\nRun logto-twilio --help to see how to use it.\n"},
		{name: "unknown flag of setup", args: []string{"setup", "--nope"}, wantCode: exitUsage, wantStderr: "Run logto-twilio setup --help to see how to use it."},
		{name: "missing value", args: []string{"--port"}, wantCode: exitUsage, wantStderr: "flag needs an argument"},
		{name: "bad port", args: []string{"-p", "70000"}, wantCode: exitUsage, wantStderr: "--port: give a port between 1 and 65535, e.g. 3000 (got \"70000\")"},
		{name: "not a port", args: []string{"--port", "x"}, wantCode: exitUsage, wantStderr: `--port: give a port between 1 and 65535, e.g. 3000 (got "x")`},
		{name: "bad Twilio URL", args: []string{"--twilio-base-url", "ftp://x"}, wantCode: exitUsage, wantStderr: "twilio-base-url"},
		{name: "typo command", args: []string{"stup"}, wantCode: exitUsage, wantStderr: `logto-twilio has no such command; did you mean "setup"?`},
		// issue 18, item 3: a positional argument (it may be a secret) is never echoed.
		{name: "a token as an argument to doctor", args: []string{"doctor", "AC0123secrettoken"}, wantCode: exitUsage, wantStderr: "logto-twilio doctor takes no arguments (1 given)"},
		{name: "port zero", args: []string{"--port", "0"}, wantCode: exitUsage, wantStderr: `--port: give a port between 1 and 65535, e.g. 3000 (got "0")`},
		{name: "doctor port not a number", args: []string{"doctor", "--port", "abc"}, wantCode: exitUsage, wantStderr: `--port: give a port between 1 and 65535`},
		{name: "argument to setup", args: []string{"setup", "now"}, wantCode: exitUsage, wantStderr: "logto-twilio setup takes no arguments (1 given)"},
		{name: "cobra's argument check", args: []string{"completion", "bash", "extra"}, wantCode: exitUsage, wantStderr: "Run logto-twilio completion bash --help"},
		{name: "argument to fang's man", args: []string{"man", "extra"}, wantCode: exitUsage, wantStderr: "logto-twilio man takes no arguments (1 given)"},
		{name: "unknown help topic", args: []string{"help", "nope"}, wantCode: exitUsage, wantStderr: "there is no such help topic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut, ran := runCaptured(t, tt.args, nil)
			if code != tt.wantCode {
				t.Fatalf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, errOut)
			}
			if ran != nil {
				t.Errorf("the wizard ran")
			}
			if !strings.Contains(out, tt.wantStdout) {
				t.Errorf("stdout = %q, want it to contain %q", out, tt.wantStdout)
			}
			if !strings.Contains(errOut, tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", errOut, tt.wantStderr)
			}
			for _, a := range tt.args {
				if !strings.HasPrefix(a, "-") && len(a) > 12 && strings.Contains(out+errOut, a) {
					t.Errorf("the argument %q was echoed", a)
				}
			}
			if tt.wantCode != exitOK && strings.Count(errOut, "logto-twilio: ") != 1 {
				t.Errorf("stderr = %q, want the error once", errOut)
			}
		})
	}
}

// TestRunOptions checks that the flags, in the GNU form, the short form and
// the single-dash form of earlier versions, reach the wizard.
func TestRunOptions(t *testing.T) {
	t.Parallel()
	full := options{
		sandbox: true, accessible: true, noBrowser: true, configDir: "dir",
		endpoint: "http://localhost:3001", twilioBaseURL: "http://127.0.0.1:9", port: 3001, testPhone: "+14155550123",
	}
	tests := []struct {
		name string
		args []string
		want options
	}{
		{name: "no flags runs the wizard", args: nil, want: options{}},
		{name: "setup", args: []string{"setup"}, want: options{}},
		{name: "long", want: full, args: strings.Fields("--sandbox --accessible --no-browser --config-dir dir " +
			"--logto-endpoint http://localhost:3001 --twilio-base-url http://127.0.0.1:9 --port 3001 --test-phone +14155550123")},
		{name: "setup long with =", want: full, args: strings.Fields("setup --sandbox --accessible --no-browser --config-dir=dir " +
			"--logto-endpoint=http://localhost:3001 --twilio-base-url=http://127.0.0.1:9 --port=3001 --test-phone=+14155550123")},
		{name: "old single dash", want: full, args: strings.Fields("-sandbox -accessible -no-browser -config-dir dir " +
			"-logto-endpoint http://localhost:3001 -twilio-base-url=http://127.0.0.1:9 -port 3001 -test-phone +14155550123")},
		{name: "short", want: options{sandbox: true, configDir: "dir", endpoint: "http://localhost:3001", port: 3001}, args: []string{"setup", "-s", "-c", "dir", "-e", "http://localhost:3001", "-p", "3001"}},
		{name: "persistent flag before the command", want: options{sandbox: true}, args: []string{"--sandbox", "setup"}},
		{name: "a value that looks like an old flag is kept", want: options{configDir: "-sandbox"}, args: []string{"--config-dir", "-sandbox"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, errOut, got := runCaptured(t, tt.args, nil)
			if code != exitOK || got == nil {
				t.Fatalf("exit code %d, wizard ran: %v, stderr %q", code, got != nil, errOut)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// TestRunExitCodes checks the exit code and message for each kind of error a
// command returns, and that nothing is printed twice.
func TestRunExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		err        error
		wantCode   int
		wantStderr string
	}{
		{name: "ok", err: nil, wantCode: exitOK},
		{name: "failure", err: errors.New("logto: 401: check the M2M secret"), wantCode: exitFailure, wantStderr: "logto-twilio: logto: 401: check the M2M secret\n"},
		{name: "already reported", err: factory.WithCode(exitFailure, nil), wantCode: exitFailure},
		{name: "findings", err: factory.WithCode(exitFindings, errors.New("2 checks failed")), wantCode: exitFindings, wantStderr: "logto-twilio: 2 checks failed\n"},
		{name: "timeout", err: fmt.Errorf("waiting for the SMS: %w", context.DeadlineExceeded), wantCode: exitTimeout, wantStderr: "logto-twilio: waiting for the SMS: context deadline exceeded\n"},
		{name: "interrupted", err: tui.ErrInterrupted, wantCode: exitInterrupted, wantStderr: "logto-twilio: stopped\n"},
		{name: "cancelled", err: context.Canceled, wantCode: exitInterrupted, wantStderr: "logto-twilio: stopped\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut, _ := runCaptured(t, []string{"setup"}, tt.err)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if errOut != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", errOut, tt.wantStderr)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		})
	}
}

// TestHelp snapshots --help of every command. Add a command's snapshot with
// one line; update them with go test -run TestHelp -update.
func TestHelp(t *testing.T) {
	t.Parallel()
	type helpCase struct {
		name string
		args []string
	}
	tests := []helpCase{
		{"root", []string{"--help"}},
		{"environment", []string{"help", "environment"}},
	}
	// Every command in the tree, so a new command gets its snapshot (run
	// with -update once) and cannot ship without an example section.
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sc := range c.Commands() {
			if sc.Hidden || !sc.Runnable() && !sc.HasSubCommands() {
				continue
			}
			p := append(slices.Clone(path), sc.Name())
			tests = append(tests, helpCase{strings.Join(p, "_"), append(slices.Clone(p), "--help")})
			walk(sc, p)
		}
	}
	walk(newRootCmd(noEnv), nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut, _ := runCaptured(t, tt.args, nil)
			if code != exitOK || errOut != "" {
				t.Fatalf("exit code %d, stderr %q", code, errOut)
			}
			if strings.Contains(out, "\x1b") {
				t.Errorf("help written to a non-terminal has escape sequences:\n%q", out)
			}
			if !strings.Contains(strings.ToLower(out), "examples") {
				t.Errorf("help has no examples section:\n%s", out)
			}
			golden.RequireEqual(t, out)
		})
	}
}

// TestNormaliseArgs checks which single-dash arguments become GNU flags.
func TestNormaliseArgs(t *testing.T) {
	t.Parallel()
	rc := newRootCmd(noEnv)
	tests := []struct {
		args, want []string
	}{
		{[]string{"-sandbox", "-port=3000"}, []string{"--sandbox", "--port=3000"}},
		{[]string{"-p", "-sandbox"}, []string{"-p", "-sandbox"}},              // a value
		{[]string{"-test-phone", "-x"}, []string{"--test-phone", "-x"}},       // a value
		{[]string{"-sp", "3000"}, []string{"-sp", "3000"}},                    // short flags
		{[]string{"-nope", "setup"}, []string{"-nope", "setup"}},              // unknown: cobra says so
		{[]string{"--", "-sandbox"}, []string{"--", "-sandbox"}},              // after --
		{[]string{"-help", "-version"}, []string{"--help", "--version"}},      // cobra's own
		{[]string{"setup", "-no-browser"}, []string{"setup", "--no-browser"}}, // after the command
	}
	for _, tt := range tests {
		if got := root.NormaliseArgs(rc, tt.args); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("normaliseArgs(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}
