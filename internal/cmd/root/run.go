package root

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/fang/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/logto-twilio/logto-twilio/tui"
)

// Run parses the arguments and runs the command they name (the wizard when
// there is none), and returns the exit code. It never calls os.Exit, so tests
// drive it with buffers; program is how the user runs this program again
// (factory.ProgramName).
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, program string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	f := NewFactory(stdin, stdout, stderr, getenv, program)
	return Execute(ctx, f, NewCmdRoot(f, nil), args)
}

// NewFactory is the factory of a process with these streams and environment.
func NewFactory(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, program string) *factory.Factory {
	return factory.New(factory.NewIOStreams(stdin, stdout, stderr, environ(getenv)), getenv, program)
}

// Execute runs the command line args on root with fang and returns the exit code.
func Execute(ctx context.Context, f *factory.Factory, root *cobra.Command, args []string) int {
	args = NormaliseArgs(root, args)
	if isHelpRequest(args) {
		root.InitDefaultHelpCmd() // cobra adds it when it executes; its summary is in the list
		if c := helpTarget(root, args); c != nil {
			fitHelp(c, helpWidth(f.IO))
		}
	}
	root.SetArgs(args)
	err := fang.Execute(ctx, root,
		fang.WithoutVersion(), // -v/--version: NewCmdRoot
		fang.WithoutManpage(), // man: NewCmdRoot's, whose argument errors are usage errors
		fang.WithErrorHandler(func(w io.Writer, styles fang.Styles, err error) {
			printError(w, styles, err, f.Invocation)
		}),
	)
	f.EndTrace()
	return factory.ExitCodeOf(err)
}

// environ rebuilds KEY=value pairs from getenv, so tests control what the
// colour detection and the TUI see.
func environ(getenv func(string) string) []string {
	keys := []string{"TERM", "NO_COLOR", "ACCESSIBLE", "COLORTERM", "CLICOLOR", "CLICOLOR_FORCE", "TMUX", "LANG", "LC_ALL", "COLORFGBG", "TERM_PROGRAM"}
	env := make([]string, 0, len(keys))
	for _, k := range keys {
		if v := getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// printError is fang's error handler: one report per error, on stderr (w).
// Without colour (not a terminal, NO_COLOR, TERM=dumb) it is the classic
// "logto-twilio: message" line, so scripts and logs stay readable.
func printError(w io.Writer, styles fang.Styles, err error, inv *factory.Invocation) {
	var ee *factory.ExitError
	if errors.As(err, &ee) && ee.Err == nil {
		return // already reported by the command
	}
	if errors.Is(err, tui.ErrInterrupted) || errors.Is(err, context.Canceled) {
		err = errors.New("stopped")
	}
	hint := ""
	var mi *config.MissingInputError
	var ue *factory.UsageError
	if errors.As(err, &ue) {
		hint = "Run " + inv.Bare(strings.TrimSpace(strings.TrimPrefix(ue.Command, cmdline.Program)), "--help") + " to see how to use it."
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

// NormaliseArgs turns the single-dash long flags of the old command line
// (-sandbox, -port=3000, -config-dir dir) into the GNU form (--sandbox…), so
// what users typed before keeps working. Only names of known long flags are
// rewritten; a flag's value and everything after "--" are left alone.
func NormaliseArgs(root *cobra.Command, args []string) []string {
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
