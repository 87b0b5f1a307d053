package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	tea "charm.land/bubbletea/v2"

	"github.com/logto-twilio/logto-twilio/steps"
	"github.com/logto-twilio/logto-twilio/tui"
)

// Exit codes, as gum uses them.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitTimeout     = 124
	exitInterrupted = 130
)

const usageText = `logto-twilio sets up SMS (Twilio) sign-in with Logto, step by step, and
checks it with a real sign-in in your browser.

Usage:
  logto-twilio [flags]

Try it offline first:
  logto-twilio --sandbox

Flags:
`

const envText = `
Environment (flags win over these, these over the saved setup):
  LOGTO_ENDPOINT, LOGTO_APP_ID, LOGTO_APP_SECRET,
  LOGTO_M2M_APP_ID, LOGTO_M2M_APP_SECRET,
  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
  NO_COLOR                 no colours
  ACCESSIBLE=1, TERM=dumb  plain line-by-line prompts (also when not on a terminal)
  LOGTO_TWILIO_CONFIG_DIR  where the setup is saved (default: your config directory)

Ctrl-C stops at any point; the next run offers to resume where you stopped.
`

// options are the parsed command line.
type options struct {
	sandbox       bool
	accessible    bool
	noBrowser     bool
	endpoint      string
	twilioBaseURL string
	port          int
	configDir     string
	testPhone     string
}

func parseFlags(args []string, stdout, stderr io.Writer) (options, int, bool) {
	var o options
	fs := flag.NewFlagSet("logto-twilio", flag.ContinueOnError)
	fs.SetOutput(stderr)
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.BoolVar(&o.sandbox, "sandbox", false, "run the whole flow offline against built-in stand-ins of Logto and Twilio")
	fs.BoolVar(&o.accessible, "accessible", false, "plain line-by-line prompts (screen readers, scripts)")
	fs.BoolVar(&o.noBrowser, "no-browser", false, "print URLs instead of opening a browser")
	fs.StringVar(&o.endpoint, "logto-endpoint", "", "your Logto endpoint, e.g. http://localhost:3001 or https://abc123.logto.app")
	fs.StringVar(&o.twilioBaseURL, "twilio-base-url", "", "send Twilio API calls to this Twilio-compatible server instead of twilio.com")
	fs.IntVar(&o.port, "port", 0, "port of the demo sign-in server on localhost (default 3000)")
	fs.StringVar(&o.configDir, "config-dir", "", "where the setup and secrets are saved (default: your config directory)")
	fs.StringVar(&o.testPhone, "test-phone", "", "the phone number for the test SMS and the sign-in")
	// The flag package prints errors itself; the full usage goes to stdout
	// only when asked for.
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageText)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			fmt.Fprint(stdout, envText)
			return o, exitOK, true
		}
		fmt.Fprintln(stderr, "Run logto-twilio --help to see the flags.")
		return o, exitUsage, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "logto-twilio: unexpected argument %q (see --help)\n", fs.Arg(0))
		return o, exitUsage, true
	}
	if *showVersion {
		fmt.Fprintf(stdout, "logto-twilio %s\n", buildVersion())
		return o, exitOK, true
	}
	if o.port < 0 || o.port > 65535 {
		fmt.Fprintf(stderr, "logto-twilio: --port %d: give a port between 1 and 65535\n", o.port)
		return o, exitUsage, true
	}
	if o.twilioBaseURL != "" {
		if _, err := parseTwilioBaseURL(o.twilioBaseURL); err != nil {
			fmt.Fprintf(stderr, "logto-twilio: %v\n", err)
			return o, exitUsage, true
		}
	}
	return o, exitOK, false
}

// run parses the arguments and runs the wizard. It never calls os.Exit, so
// tests can drive it with buffers.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	o, code, done := parseFlags(args, stdout, stderr)
	if done {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return wizard(ctx, o, stdin, stdout, stderr, getenv)
}

// environ rebuilds KEY=value pairs for the TUI from getenv, so tests control
// what it sees.
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

func wizard(ctx context.Context, o options, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	prefill := steps.PrefillFromEnv(getenv)
	if o.endpoint != "" {
		prefill.Endpoint = o.endpoint
	}
	prefill.TwilioBaseURL = o.twilioBaseURL
	prefill.Port = o.port
	prefill.TestPhone = o.testPhone
	opener := newBrowserOpener(o.noBrowser, getenv)
	prefill.NoBrowser = opener.disabled

	deps, panel, cleanup, err := buildDeps(o, &prefill, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "logto-twilio: %v\n", err)
		return exitError
	}
	defer cleanup()
	deps.Open = opener

	st := steps.NewState(prefill)
	defer func() { _ = deps.Demos.Close() }() // the demo server the verify step started
	topts := tui.Options{
		In:         stdin,
		Out:        stdout,
		Env:        environ(getenv),
		Accessible: o.accessible,
		AppName:    "logto-twilio",
		Checkpoint: steps.Checkpoint(st, deps.Store),
		// 120 fps halves the wait for the first redraw tick (the first
		// frame is drawn on a tick, not at once).
		ProgramOptions: []tea.ProgramOption{tea.WithFPS(120)},
	}
	if panel != nil {
		topts.Panel = panel.View
		topts.PanelRefresh = panel.Changed()
	}
	err = tui.Run(ctx, steps.All(st, deps), topts)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, tui.ErrInterrupted):
		if o.sandbox && o.configDir == "" {
			fmt.Fprintln(stderr, "\nlogto-twilio: stopped.\nA sandbox run keeps nothing; pass --config-dir to keep one and resume it.")
			return exitInterrupted
		}
		where := "your config directory"
		if deps.Store != nil {
			where = deps.Store.Dir
		}
		fmt.Fprintf(stderr, "\nlogto-twilio: stopped.\nWhat you finished is saved in %s.\nRun logto-twilio again to resume.\n", where)
		return exitInterrupted
	case errors.Is(err, tui.ErrInputEnded):
		fmt.Fprintln(stderr, "\nlogto-twilio: the input ended before the wizard finished.\n"+
			"Without a terminal it reads one answer per line from standard input; run it in a terminal, or give every answer.")
		return exitError
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(stderr, "logto-twilio: %v\n", err)
		return exitTimeout
	default:
		fmt.Fprintf(stderr, "logto-twilio: %v\n", err)
		return exitError
	}
}

// storeFor picks the save directory: --config-dir, LOGTO_TWILIO_CONFIG_DIR,
// or the user's config directory. No file is touched here.
func storeFor(o options, getenv func(string) string) (*steps.Store, error) {
	dir := strings.TrimSpace(o.configDir)
	if dir == "" {
		dir = strings.TrimSpace(getenv("LOGTO_TWILIO_CONFIG_DIR"))
	}
	if dir != "" {
		return &steps.Store{Dir: dir}, nil
	}
	s, err := steps.DefaultStore()
	if err != nil {
		return nil, fmt.Errorf("%w (set --config-dir)", err)
	}
	return &s, nil
}
