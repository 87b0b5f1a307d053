// Package setup is the wizard command: logto-twilio setup, also what
// logto-twilio runs without a command.
package setup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/httpclient"
	"github.com/logto-twilio/logto-twilio/internal/sandbox"
	"github.com/logto-twilio/logto-twilio/steps"
	"github.com/logto-twilio/logto-twilio/tui"
)

// Options are setup's: the factory's shared parts and its own flags.
type Options struct {
	F *factory.Factory

	Endpoint      string
	TwilioBaseURL string
	Port          factory.PortValue
	TestPhone     string
}

const long = `Runs the wizard: Logto endpoint, the app, Twilio credentials, Messaging Service, SMS templates, the Logto SMS connector, a test SMS, phone sign-in, and a real sign-in in your browser with a demo server on localhost.

Every answer can be prefilled by a flag, an environment variable (see "logto-twilio help environment") or an answers file (--answers, docs/answers.md); a flag wins over its variable, a variable over the answers file, that over the saved setup. A step whose answers are all given runs without a question and says where they came from; --yes takes the defaults too, and --non-interactive never asks (a missing answer exits with code 2, naming what gives it). Progress is saved after every step, so Ctrl-C is safe and the next run offers to resume. This is also what logto-twilio does without a command.`

const example = `
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

// NewCmdSetup is the wizard command; runF (tests) replaces Run.
func NewCmdSetup(f *factory.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{F: f}
	c := &cobra.Command{
		Use:     "setup",
		Short:   "Set up SMS sign-in with Logto and Twilio, step by step (the default)",
		Long:    long,
		Example: example,
		Args:    factory.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runOrF(c, opts, runF)
		},
	}
	AddFlags(c, opts)
	return c
}

// RunE is the wizard as a RunE for another command (the root runs setup).
func RunE(f *factory.Factory, runF func(*Options) error) (*Options, func(*cobra.Command, []string) error) {
	opts := &Options{F: f}
	return opts, func(c *cobra.Command, _ []string) error { return runOrF(c, opts, runF) }
}

func runOrF(c *cobra.Command, opts *Options, runF func(*Options) error) error {
	if err := opts.validate(c); err != nil {
		return err
	}
	if runF != nil {
		return runF(opts)
	}
	return Run(factory.Context(c), opts)
}

// AddFlags adds setup's own flags to c (setup, and the root that runs it).
func AddFlags(c *cobra.Command, o *Options) {
	f := c.Flags()
	f.StringVarP(&o.Endpoint, "logto-endpoint", "e", "", "your Logto endpoint, e.g. http://localhost:3001 or https://abc123.logto.app")
	f.StringVar(&o.TwilioBaseURL, "twilio-base-url", "", "send Twilio API calls to this Twilio-compatible server instead of twilio.com")
	f.VarP(&o.Port, "port", "p", "port of the demo sign-in server on localhost (default 3000)")
	f.StringVar(&o.TestPhone, "test-phone", "", "the phone number for the test SMS and the sign-in")
}

// validate checks the flags before anything starts.
func (o *Options) validate(c *cobra.Command) error {
	if o.TwilioBaseURL != "" {
		if _, err := httpclient.ParseTwilioBaseURL(o.TwilioBaseURL); err != nil {
			return factory.Usage(c, err)
		}
	}
	return nil
}

// Run runs the setup wizard. Its error carries the exit code (see
// factory.ExitCodeOf); what it has already told the user is not repeated.
func Run(ctx context.Context, o *Options) error {
	f := o.F
	prefill := steps.PrefillFromEnv(f.Getenv)
	if o.Endpoint != "" {
		prefill.Endpoint = o.Endpoint
	}
	prefill.TwilioBaseURL = o.TwilioBaseURL
	prefill.Port = int(o.Port)
	prefill.TestPhone = o.TestPhone
	o.markFlags(&prefill)
	opener := factory.NewBrowser(f.Opts.NoBrowser, f.Getenv)
	prefill.NoBrowser = opener.Disabled
	preset, err := factory.ApplyPreset(f.Opts, o.Endpoint, int(o.Port), f.Getenv)
	if err != nil {
		return err
	}
	if preset != nil {
		c := preset.Card
		prefill.UsePreset(steps.Preset{
			File: preset.Path, Name: c.Name, Endpoint: c.Endpoint,
			AppID: c.AppID, AppSecret: config.Secret(c.AppSecret), Port: c.Port,
		})
	}

	deps, panel, cleanup, err := o.buildDeps(&prefill)
	if err != nil {
		return err
	}
	defer cleanup()
	deps.Open = opener
	if panel == nil && preset != nil {
		// An attendee of a sandbox workshop sees the codes sent for the
		// card's app, as the sandbox wizard shows its own.
		if panel = sandbox.AttendeeInbox(ctx, preset.Card.Endpoint, preset.Card.AppID, preset.Card.AppSecret); panel != nil {
			defer panel.Close()
		}
	}
	if f.Opts.Sandbox {
		// The sandbox's answers replaced the flags' and variables' (but
		// for --test-phone): its values come from the sandbox.
		prefill.Sources = nil
		o.markFlags(&prefill)
		prefill.MarkSources(steps.SourceSandbox)
	}
	// Precedence: flag > env > answers file > saved setup.
	prefill.Yes, prefill.NonInteractive = f.Opts.Yes, f.Opts.NonInteractive
	if err := prefill.ApplyAnswers(f.Opts.Answers); err != nil {
		return factory.WithCode(factory.ExitUsage, err)
	}
	// The steps' suggested commands repeat this run's flags.
	prefill.Again = f.Hint()

	st := steps.NewState(prefill)
	defer func() { _ = deps.Demos.Close() }() // the demo server the verify step started
	topts := f.TUIOptions()
	topts.Checkpoint = steps.Checkpoint(st, deps.Store)
	topts.ProgramOptions = ProgramOptions()
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
		fmt.Fprintf(f.IO.ErrOut, "\nlogto-twilio: stopped.\nWhat you finished is saved in %s.\nRun %s to resume.\n", where, f.Invocation.Line(""))
		return factory.WithCode(factory.ExitInterrupted, nil)
	case errors.Is(err, tui.ErrInputEnded):
		fmt.Fprintln(f.IO.ErrOut, "\nlogto-twilio: the input ended before the wizard finished.\n"+
			"Without a terminal it reads one answer per line from standard input; run it in a terminal, or give every answer.")
		return factory.WithCode(factory.ExitFailure, nil)
	case errors.Is(err, context.DeadlineExceeded):
		return factory.WithCode(factory.ExitTimeout, err)
	default:
		return err
	}
}

// markFlags records which prefilled values came from flags.
func (o *Options) markFlags(p *steps.Prefill) {
	if o.Endpoint != "" {
		p.SetSource(steps.AnswerEndpoint, steps.SourceFlag)
	}
	if o.TestPhone != "" {
		p.SetSource(steps.AnswerTestPhone, steps.SourceFlag)
	}
	if o.Port != 0 {
		p.SetSource(steps.AnswerPort, steps.SourceFlag)
	}
}

// buildDeps wires the steps to the real services, or to in-process stand-ins
// with --sandbox. For a real Logto it only builds values: no request is sent
// and no file is touched, so the first frame is not delayed. The sandbox
// restores its stand-ins from its folder and starts them on loopback sockets.
func (o *Options) buildDeps(prefill *steps.Prefill) (steps.Deps, *sandbox.Panel, func(), error) {
	f := o.F
	if f.Opts.Sandbox {
		return o.buildSandbox(prefill)
	}
	store, err := f.Store()
	if err != nil {
		return steps.Deps{}, nil, nil, err
	}
	logtoHC, twilioHC, err := f.HTTPClients(o.TwilioBaseURL)
	if err != nil {
		return steps.Deps{}, nil, nil, err
	}
	d := steps.DefaultDeps(logtoHC, twilioHC)
	d.Store = store
	return d, nil, func() {}, nil
}

// buildSandbox gives the wizard the sandbox's wiring: every answer
// prefilled to point at the stand-ins, the setup saved in the sandbox
// folder. The cleanup saves the stand-ins' state and stops them.
func (o *Options) buildSandbox(prefill *steps.Prefill) (steps.Deps, *sandbox.Panel, func(), error) {
	f := o.F
	so := f.SandboxOptions()
	so.Port, so.TestPhone, so.Wizard = int(o.Port), o.TestPhone, true
	env, err := sandbox.Open(so)
	if errors.Is(err, sandbox.ErrWizardRunning) {
		return steps.Deps{}, nil, nil, factory.WithCode(factory.ExitFailure, err)
	}
	if err != nil {
		return steps.Deps{}, nil, nil, err
	}
	a := env.Answers
	*prefill = steps.Prefill{
		Endpoint: a.Endpoint, TwilioBaseURL: a.TwilioBaseURL, Port: a.Port,
		TwilioAccountSID: a.TwilioAccountSID, TwilioAuthToken: a.TwilioAuthToken,
		M2MAppID: a.M2MAppID, M2MAppSecret: a.M2MAppSecret,
		TestPhone: cmp.Or(strings.TrimSpace(prefill.TestPhone), a.TestPhone),
		NoBrowser: prefill.NoBrowser, Sandbox: true,
		SSHConnection: prefill.SSHConnection, User: prefill.User,
	}
	d := steps.DefaultDeps(env.LogtoHTTP, env.TwilioHTTP)
	d.Store = env.Store
	cleanup := func() {
		if err := env.Close(); err != nil {
			fmt.Fprintf(f.IO.ErrOut, "logto-twilio: %v\n", err)
		}
	}
	return d, env.Panel, cleanup, nil
}

// ProgramOptions are the Bubble Tea options of every interactive screen.
func ProgramOptions() []tea.ProgramOption { return []tea.ProgramOption{tea.WithFPS(60)} }
