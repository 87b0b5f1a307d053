package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/steps"
	"github.com/logto-twilio/logto-twilio/tui"
)

// options are the parsed command line.
type options struct {
	// Persistent: every command that uses the saved setup takes them.
	sandbox    bool
	accessible bool
	noBrowser  bool
	configDir  string
	// preset is --preset (a workshop card); presetDir the attendee's config
	// directory it chose (see applyPreset).
	preset, presetDir string
	// secretsStore is --secrets-store ("" when not given).
	secretsStore secretsStoreValue

	// --yes, --non-interactive and --answers (every command).
	yes            bool
	nonInteractive bool
	answersFile    string
	answers        map[string]string // the answers file, loaded before the command runs

	// setup's own.
	endpoint      string
	twilioBaseURL string
	port          int
	testPhone     string
}

const setupLong = `Runs the wizard: Logto endpoint, the app, Twilio credentials, Messaging Service, SMS templates, the Logto SMS connector, a test SMS, phone sign-in, and a real sign-in in your browser with a demo server on localhost.

Every answer can be prefilled by a flag, an environment variable (see "logto-twilio help environment") or an answers file (--answers, docs/answers.md); a flag wins over its variable, a variable over the answers file, that over the saved setup. A step whose answers are all given runs without a question and says where they came from; --yes takes the defaults too, and --non-interactive never asks (a missing answer exits with code 2, naming what gives it). Progress is saved after every step, so Ctrl-C is safe and the next run offers to resume. This is also what logto-twilio does without a command.`

const setupExample = `
# Try it offline: everything is prefilled and nothing real is touched
logto-twilio setup --sandbox

# Your own Logto, the demo server on port 3001
logto-twilio setup -e http://localhost:3001 -p 3001

# Plain line-by-line prompts, URLs printed instead of opened
logto-twilio setup --accessible --no-browser

# In a script: every answer from the environment and a file, no question
logto-twilio setup --non-interactive --answers answers.yaml

# Keep this setup apart from your usual one
logto-twilio setup --config-dir ./workshop-setup
`

// newSetupCmd is the wizard, also run by logto-twilio without a command.
func newSetupCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:     "setup",
		Short:   "Set up SMS sign-in with Logto and Twilio, step by step (the default)",
		Long:    setupLong,
		Example: setupExample,
		Args:    noArgs,
		RunE:    a.runSetup,
	}
	addSetupFlags(c, &a.opts)
	return c
}

// addSetupFlags adds setup's own flags to c (setup, and the root that runs it).
func addSetupFlags(c *cobra.Command, o *options) {
	f := c.Flags()
	f.StringVarP(&o.endpoint, "logto-endpoint", "e", "", "your Logto endpoint, e.g. http://localhost:3001 or https://abc123.logto.app")
	f.StringVar(&o.twilioBaseURL, "twilio-base-url", "", "send Twilio API calls to this Twilio-compatible server instead of twilio.com")
	f.IntVarP(&o.port, "port", "p", 0, "port of the demo sign-in server on localhost (default 3000)")
	f.StringVar(&o.testPhone, "test-phone", "", "the phone number for the test SMS and the sign-in")
}

// validate checks the flags before anything starts.
func (o options) validate(c *cobra.Command) error {
	if o.port < 0 || o.port > 65535 {
		return usageErrorf(c, "--port %d: give a port between 1 and 65535", o.port)
	}
	if o.twilioBaseURL != "" {
		if _, err := parseTwilioBaseURL(o.twilioBaseURL); err != nil {
			return &usageError{cmd: c.CommandPath(), err: err}
		}
	}
	return nil
}

// runSetup is setup's RunE (and the root's).
func (a *app) runSetup(c *cobra.Command, _ []string) error {
	if err := a.opts.validate(c); err != nil {
		return err
	}
	return a.wizard(c.Context(), a.opts, a.stdin, a.stdout, a.stderr, a.getenv)
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

// wizard runs the setup wizard. Its error carries the exit code (see
// exitCodeOf); what it has already told the user is not repeated.
func wizard(ctx context.Context, o options, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	prefill := steps.PrefillFromEnv(getenv)
	if o.endpoint != "" {
		prefill.Endpoint = o.endpoint
	}
	prefill.TwilioBaseURL = o.twilioBaseURL
	prefill.Port = o.port
	prefill.TestPhone = o.testPhone
	markFlags(&prefill, o)
	opener := newBrowserOpener(o.noBrowser, getenv)
	prefill.NoBrowser = opener.disabled
	if err := applyPreset(&o, &prefill, getenv); err != nil {
		return err
	}

	deps, panel, cleanup, err := buildDeps(o, &prefill, getenv)
	if err != nil {
		return err
	}
	defer cleanup()
	deps.Open = opener
	if o.sandbox {
		// The sandbox's Prefill replaced the flags' and variables' (but
		// for --test-phone): its values come from the sandbox.
		prefill.Sources = nil
		markFlags(&prefill, o)
		prefill.MarkSources(steps.SourceSandbox)
	}
	// Precedence: flag > env > answers file > saved setup.
	prefill.Yes, prefill.NonInteractive = o.yes, o.nonInteractive
	if err := prefill.ApplyAnswers(o.answers); err != nil {
		return withCode(exitUsage, err)
	}
	// The steps' suggested commands repeat this run's flags.
	prefill.Again = againFunc(o)

	st := steps.NewState(prefill)
	defer func() { _ = deps.Demos.Close() }() // the demo server the verify step started
	topts := tui.Options{
		In:             stdin,
		Out:            stdout,
		Env:            environ(getenv),
		Accessible:     o.accessible,
		NonInteractive: o.nonInteractive,
		AppName:        "logto-twilio",
		Checkpoint:     steps.Checkpoint(st, deps.Store),
		ProgramOptions: programOptions(),
	}
	if panel != nil {
		topts.Panel = panel.View
		topts.PanelRefresh = panel.Changed()
	}
	err = tui.Run(ctx, steps.All(st, deps), topts)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tui.ErrInterrupted):
		where := "your config directory"
		if deps.Store != nil {
			where = deps.Store.Dir
		}
		fmt.Fprintf(stderr, "\nlogto-twilio: stopped.\nWhat you finished is saved in %s.\nRun %s to resume.\n", where, againCommand(o, ""))
		return withCode(exitInterrupted, nil)
	case errors.Is(err, tui.ErrInputEnded):
		fmt.Fprintln(stderr, "\nlogto-twilio: the input ended before the wizard finished.\n"+
			"Without a terminal it reads one answer per line from standard input; run it in a terminal, or give every answer.")
		return withCode(exitFailure, nil)
	case errors.Is(err, context.DeadlineExceeded):
		return withCode(exitTimeout, err)
	default:
		return err
	}
}

// markFlags records which prefilled values came from flags.
func markFlags(p *steps.Prefill, o options) {
	if o.endpoint != "" {
		p.SetSource(steps.AnswerEndpoint, steps.SourceFlag)
	}
	if o.testPhone != "" {
		p.SetSource(steps.AnswerTestPhone, steps.SourceFlag)
	}
	if o.port != 0 {
		p.SetSource(steps.AnswerPort, steps.SourceFlag)
	}
}

// storeFor picks the save directory: --config-dir, LOGTO_TWILIO_CONFIG_DIR,
// or the user's config directory; and the secrets store (secretsStoreFor).
// No file is touched here, and the keyring is not asked.
func storeFor(o options, getenv func(string) string) (*config.Store, error) {
	secrets, err := secretsStoreFor(o, getenv)
	if err != nil {
		return nil, err
	}
	dir := strings.TrimSpace(o.configDir)
	if dir == "" {
		dir = strings.TrimSpace(getenv("LOGTO_TWILIO_CONFIG_DIR"))
	}
	if dir != "" {
		return &config.Store{Dir: dir, SecretsStore: secrets}, nil
	}
	s, err := config.DefaultStore()
	if err != nil {
		return nil, fmt.Errorf("%w (set --config-dir)", err)
	}
	s.SecretsStore = secrets
	return &s, nil
}

// programOptions are the Bubble Tea options of every interactive screen.
// 60 fps (Bubble Tea's default): the renderer wakes at this rate even when
// nothing changes, so a higher rate burns CPU while the wizard waits
// (120 fps cost about twice the idle CPU for a first frame 2 ms sooner;
// see make bench).
func programOptions() []tea.ProgramOption { return []tea.ProgramOption{tea.WithFPS(60)} }
