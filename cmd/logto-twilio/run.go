package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/fang/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/logto-twilio/logto-twilio/tui"
)

// Exit codes. 0, 1, 2, 124 and 130 are gum's; 3 is doctor's.
const (
	exitOK          = 0   // done
	exitFailure     = 1   // something failed; the message says what to do
	exitUsage       = 2   // bad flags or arguments
	exitFindings    = 3   // doctor: at least one check FAILed
	exitTimeout     = 124 // a wait timed out
	exitInterrupted = 130 // Ctrl-C (or SIGTERM)
)

// exitError asks run for a specific exit code. With a nil err the command
// has already told the user what happened and nothing more is printed.
type exitError struct {
	code int
	err  error
}

// Error implements error.
func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit code %d", e.code)
	}
	return e.err.Error()
}

// Unwrap returns the cause.
func (e *exitError) Unwrap() error { return e.err }

// withCode returns an error that makes run exit with code; err (may be nil:
// already reported) is what the user sees.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// usageError is a bad flag or argument: exit code 2 and a line that points at
// the command's --help.
type usageError struct {
	cmd string // the command path, e.g. "logto-twilio setup"
	err error
}

// Error implements error.
func (e *usageError) Error() string { return e.err.Error() }

// Unwrap returns the cause.
func (e *usageError) Unwrap() error { return e.err }

// usageErrorf reports a bad flag or argument of cmd.
func usageErrorf(cmd *cobra.Command, format string, a ...any) error {
	return &usageError{cmd: cmd.CommandPath(), err: fmt.Errorf(format, a...)}
}

// cobraUsagePrefixes start cobra's argument and flag errors, for the
// commands fang adds (man) after wrapArgs has run.
var cobraUsagePrefixes = []string{
	"unknown command ", "unknown flag: ", "unknown shorthand flag: ", "flag needs an argument: ",
	"invalid argument ", "accepts ", "requires at least ", "requires at most ",
}

// asUsageError returns err's usageError, if it is one or looks like cobra's.
func asUsageError(err error) *usageError {
	var ue *usageError
	if errors.As(err, &ue) {
		return ue
	}
	for _, p := range cobraUsagePrefixes {
		if strings.HasPrefix(err.Error(), p) {
			return &usageError{cmd: "logto-twilio", err: err}
		}
	}
	return nil
}

// run parses the arguments and runs the command they name (the wizard when
// there is none). It never calls os.Exit, so tests can drive it with buffers.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, wizard: wizard}
	return a.execute(ctx, args)
}

// execute runs the command line args with fang and returns the exit code.
func (a *app) execute(ctx context.Context, args []string) int {
	root := newRootCmd(a)
	root.SetArgs(normaliseArgs(root, args))
	err := fang.Execute(ctx, root,
		fang.WithoutVersion(), // -v/--version: newRootCmd
		fang.WithErrorHandler(a.printError),
	)
	return exitCodeOf(err)
}

// exitCodeOf maps a command's error to the process's exit code.
func exitCodeOf(err error) int {
	var ee *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case asUsageError(err) != nil, errors.As(err, new(*config.MissingInputError)), errors.Is(err, tui.ErrNeedsInput):
		return exitUsage
	case errors.Is(err, tui.ErrInterrupted), errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, context.DeadlineExceeded):
		return exitTimeout
	default:
		return exitFailure
	}
}

// printError is fang's error handler: one report per error, on stderr (w).
// Without colour (not a terminal, NO_COLOR, TERM=dumb) it is the classic
// "logto-twilio: message" line, so scripts and logs stay readable.
func (a *app) printError(w io.Writer, styles fang.Styles, err error) {
	var ee *exitError
	if errors.As(err, &ee) && ee.err == nil {
		return // already reported by the command
	}
	if errors.Is(err, tui.ErrInterrupted) || errors.Is(err, context.Canceled) {
		err = errors.New("stopped")
	}
	hint := ""
	var mi *config.MissingInputError
	if ue := asUsageError(err); ue != nil {
		hint = "Run " + ue.cmd + " --help to see how to use it."
	} else if errors.As(err, &mi) {
		hint = mi.Hint()
	}
	msg := err.Error()
	if cw, ok := w.(*colorprofile.Writer); !ok || cw.Profile <= colorprofile.Ascii {
		_, _ = fmt.Fprintf(w, "logto-twilio: %s\n", msg)
		if hint != "" {
			_, _ = fmt.Fprintln(w, hint)
		}
		return
	}
	_, _ = fmt.Fprintln(w, styles.ErrorHeader.String())
	_, _ = fmt.Fprintln(w, styles.ErrorText.Render(msg))
	_, _ = fmt.Fprintln(w)
	if hint != "" {
		_, _ = fmt.Fprintln(w, styles.ErrorText.Render(hint))
		_, _ = fmt.Fprintln(w)
	}
}

// normaliseArgs turns the single-dash long flags of the old command line
// (-sandbox, -port=3000, -config-dir dir) into the GNU form (--sandbox…), so
// what users typed before keeps working. Only names of known long flags are
// rewritten; a flag's value and everything after "--" are left alone.
func normaliseArgs(root *cobra.Command, args []string) []string {
	known := map[string]bool{"help": true, "version": true} // version: bool flag added by cobra
	takesValue := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				known[f.Name] = true
				if f.NoOptDefVal == "" {
					takesValue[f.Name] = true
				}
				if f.Shorthand != "" && f.NoOptDefVal == "" {
					takesValue[f.Shorthand] = true
				}
			})
		}
		for _, sc := range c.Commands() {
			walk(sc)
		}
	}
	walk(root)
	out := make([]string, 0, len(args))
	valueNext := false
	for i, arg := range args {
		if arg == "--" {
			return append(out, args[i:]...)
		}
		if valueNext {
			valueNext = false
			out = append(out, arg)
			continue
		}
		if len(arg) > 2 && arg[0] == '-' && arg[1] != '-' {
			name, _, hasValue := strings.Cut(arg[1:], "=")
			if len(name) > 1 && known[name] {
				arg = "-" + arg
				valueNext = takesValue[name] && !hasValue
			}
		} else if strings.HasPrefix(arg, "--") {
			name, _, hasValue := strings.Cut(arg[2:], "=")
			valueNext = takesValue[name] && !hasValue
		} else if len(arg) == 2 && arg[0] == '-' {
			valueNext = takesValue[arg[1:]]
		}
		out = append(out, arg)
	}
	return out
}
