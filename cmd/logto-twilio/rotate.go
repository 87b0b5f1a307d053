package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/huh/v2"
	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/doctor"
	"github.com/logto-twilio/logto-twilio/internal/rotate"
	"github.com/logto-twilio/logto-twilio/steps"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

const rotateLong = `Rotates credentials with no downtime, then proves the whole chain again.

  --twilio      the Twilio Auth Token: a secondary token is created, the Logto connector is switched to it and a test SMS goes through Logto, then the secondary is promoted (the old token stops working). If anything fails before the promotion, everything is put back as it was.
  --app-secret  the app's secret: a new one is added and checked at Logto's token endpoint, saved (and written to the Express starter's .env), then the old one is deleted once you agree (--yes). The only secret is never deleted.
  --m2m         the machine-to-machine app's secret, the same way.

Without flags it asks which. Every phase is recorded before it starts, so after a crash or Ctrl-C running rotate again finishes or cleanly reverts what was under way. Afterwards doctor runs, and you can sign in through the demo to see it still works. Secrets are shown masked; the setup's history records what rotated and when, never the values.

--new-twilio-token - reads a token you already rotated in Twilio's Console from standard input. It is never taken as a flag value: a token on the command line is visible to other users in the process list (ps) and stays in your shell history.`

const rotateExample = `
# Choose what to rotate
logto-twilio rotate

# Both, in a script, old secrets deleted without asking
logto-twilio rotate --twilio --app-secret --yes

# You rotated the Auth Token in Twilio's Console already
pbpaste | logto-twilio rotate --new-twilio-token -

# Finish (or revert) a rotation a crash interrupted
logto-twilio rotate
`

type rotateFlags struct {
	twilio, appSecret, m2m, yes, signIn, noSignIn bool
	newToken, expiresIn, testPhone                string
}

// newRotateCmd rotates credentials.
func newRotateCmd(a *app) *cobra.Command {
	var f rotateFlags
	c := &cobra.Command{
		Use:     "rotate",
		Short:   "Rotate the Twilio Auth Token and the app secrets with no downtime",
		Long:    rotateLong,
		Example: rotateExample,
		Args:    noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if f.newToken != "" && f.newToken != "-" {
				return usageErrorf(c, "--new-twilio-token takes only \"-\" (read the token from standard input): a token on the command line is visible to other users in the process list")
			}
			if f.signIn && f.noSignIn {
				return usageErrorf(c, "--sign-in and --no-sign-in contradict each other")
			}
			return a.runRotate(c, f)
		},
	}
	fl := c.Flags()
	fl.BoolVar(&f.twilio, "twilio", false, "rotate the Twilio Auth Token (secondary token, connector switched, tested, promoted)")
	fl.BoolVar(&f.appSecret, "app-secret", false, "rotate the app's secret (and the Express starter's .env)")
	fl.BoolVar(&f.m2m, "m2m", false, "rotate the machine-to-machine app's secret")
	fl.StringVar(&f.newToken, "new-twilio-token", "", `"-": read a token already rotated in Twilio's Console from standard input (never as a flag value: the process list shows it)`)
	fl.StringVar(&f.expiresIn, "expires-in", "", "let a new app or M2M secret expire after this long, e.g. 90d or 720h (default: never)")
	fl.StringVar(&f.testPhone, "test-phone", "", "the phone for the test SMS (default: the saved one)")
	fl.BoolVarP(&f.yes, "yes", "y", false, "delete old secrets without asking")
	fl.BoolVar(&f.signIn, "sign-in", false, "after doctor, sign in through the demo without asking (alone: only check and sign in)")
	fl.BoolVar(&f.noSignIn, "no-sign-in", false, "after doctor, do not offer the demo sign-in")
	return c
}

// parseExpiry reads --expires-in: a Go duration or a number of days ("90d").
func parseExpiry(s string, now time.Time) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("--expires-in %q: give a number of days such as 90d, or a duration such as 720h", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d <= 0 {
			return nil, fmt.Errorf("--expires-in %q: give a number of days such as 90d, or a duration such as 720h", s)
		}
	}
	t := now.Add(d)
	return &t, nil
}

func (a *app) runRotate(c *cobra.Command, f rotateFlags) error {
	ctx := c.Context()
	expiry, err := parseExpiry(f.expiresIn, time.Now())
	if err != nil {
		return &usageError{cmd: c.CommandPath(), err: err}
	}
	if f.testPhone != "" {
		if _, err := twiliosetup.ParsePhone(strings.TrimSpace(f.testPhone), ""); err != nil {
			return usageErrorf(c, "--test-phone %q: give the number in international format, e.g. +14155550123", f.testPhone)
		}
	}
	plan := rotate.Plan{Twilio: f.twilio, AppSecret: f.appSecret, M2MSecret: f.m2m, Expiry: expiry}
	if plan == (rotate.Plan{Expiry: expiry}) && f.newToken == "" {
		// No flags: the answers file may say (rotate.what, new-twilio-token).
		if err := a.rotationFromAnswers(&plan); err != nil {
			return &usageError{cmd: c.CommandPath(), err: err}
		}
	}
	f.yes = f.yes || a.opts.yes || a.answer("yes") == "yes"
	if f.newToken == "-" {
		tok, err := a.readToken()
		if err != nil {
			return &usageError{cmd: c.CommandPath(), err: err}
		}
		plan.NewTwilioToken = tok
	}

	env, err := a.openSaved()
	if err != nil {
		return err
	}
	defer env.close()
	if !env.loaded.Found {
		return a.noSetupError(env)
	}
	setup, secrets := env.loaded.Setup, env.loaded.Secrets
	renv, err := rotate.NewEnv(&setup, &secrets, env.store, env.logtoHC, env.twilioHC)
	if err != nil {
		return fmt.Errorf("cannot rotate: %w", err)
	}
	renv.Yes = f.yes
	renv.Command = againFunc(a.opts)
	renv.TestPhone = strings.TrimSpace(f.testPhone)
	// Each step is printed as it happens; the outcomes add their notes.
	renv.Report = func(line string) { fmt.Fprintln(a.stdout, "✓ "+line) }
	renv.Confirm = func(_ context.Context, q string) (bool, error) { return a.confirm(c, q, false) }
	// The finish line: doctor in-process, then (when agreed) a real sign-in.
	// It runs after the rotations' lines are printed, so it reads in order.
	proof := func() error {
		fmt.Fprintln(a.stdout, "\nChecking the whole chain again (doctor):")
		rep := doctor.Run(ctx, doctor.Config{
			Setup: setup, Secrets: secrets, Found: true,
			LogtoHTTP: env.logtoHC, TwilioHTTP: env.twilioHC,
			Command:      againFunc(a.opts),
			SecretsWhere: env.store.SecretsWhere(),
		})
		fmt.Fprintln(a.stdout, rep.Text(a.width(), a.color()))
		if rep.Failed() {
			fmt.Fprintln(a.stderr, "✗ Doctor found a problem after the rotation (see above); what rotated is saved.")
			return withCode(exitFindings, nil)
		}
		return a.rotateSignIn(c, f, env, setup, secrets)
	}

	if plan == (rotate.Plan{Expiry: expiry}) && setup.Rotation == nil {
		if f.signIn {
			// Nothing to rotate: only the proof (what the hint after a
			// rotation without the sign-in suggests).
			return proof()
		}
		if !a.terminalIO() || a.opts.accessible || a.opts.nonInteractive {
			return withCode(exitUsage, &config.MissingInputError{Input: "what to rotate", Flag: "--twilio, --app-secret or --m2m", AnswerKey: "rotate.what"})
		}
		if plan, err = a.askRotation(ctx, setup, expiry); err != nil {
			return err
		}
		if plan == (rotate.Plan{Expiry: expiry}) {
			fmt.Fprintln(a.stdout, "Nothing chosen: nothing was rotated.")
			return nil
		}
	}

	outs, err := rotate.Run(ctx, renv, plan)
	for _, o := range outs {
		for _, n := range o.Notes {
			fmt.Fprintln(a.stdout, "• "+n)
		}
	}
	if err != nil {
		var re *rotate.Error
		if errors.As(err, &re) {
			fmt.Fprintln(a.stderr, "✗ "+re.What)
			if re.Next != "" {
				fmt.Fprintln(a.stderr, "  "+re.Next)
			}
			return withCode(exitFailure, nil)
		}
		return err
	}
	return proof()
}

// readToken reads one line (the pasted token) from standard input: masked
// on a terminal, as it is from a pipe.
func (a *app) readToken() (string, error) {
	if a.terminalIO() {
		tok := ""
		err := huh.NewForm(huh.NewGroup(huh.NewInput().Title("The new Auth Token (from Twilio's Console)").
			EchoMode(huh.EchoModePassword).Value(&tok))).
			WithInput(a.stdin).WithOutput(a.stdout).WithShowHelp(false).Run()
		if err != nil {
			return "", fmt.Errorf("--new-twilio-token -: %w", err)
		}
		return twiliosetup.Clean(tok), nil
	}
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("--new-twilio-token -: %w", err)
	}
	tok := twiliosetup.Clean(line)
	if tok == "" {
		return "", errors.New("--new-twilio-token -: standard input held no token; pipe it in, e.g. pbpaste | logto-twilio rotate --new-twilio-token -")
	}
	if err := twiliosetup.ValidateAuthToken(tok); err != nil {
		return "", fmt.Errorf("--new-twilio-token -: that is not an Auth Token (32 letters and digits)")
	}
	return tok, nil
}

// askRotation asks what to rotate (a terminal, no flags).
func (a *app) askRotation(ctx context.Context, setup config.Setup, expiry *time.Time) (rotate.Plan, error) {
	const pasted = "pasted"
	opts := []huh.Option[string]{
		huh.NewOption("Twilio Auth Token (a new one is made; zero downtime)", rotate.WhatTwilio),
		huh.NewOption("Twilio Auth Token I already rotated in Twilio's Console (paste it)", pasted),
	}
	if setup.AppID != "" {
		opts = append(opts, huh.NewOption("The app's secret ("+setup.AppID+")", rotate.WhatAppSecret))
	}
	if setup.M2MAppID != "" {
		opts = append(opts, huh.NewOption("The M2M app's secret ("+setup.M2MAppID+")", rotate.WhatM2MSecret))
	}
	var chosen []string
	err := huh.NewForm(huh.NewGroup(huh.NewMultiSelect[string]().Title("What should be rotated?").
		Description("space selects, enter goes ahead").Options(opts...).Value(&chosen))).
		WithInput(a.stdin).WithOutput(a.stdout).RunWithContext(ctx)
	if errors.Is(err, huh.ErrUserAborted) {
		return rotate.Plan{}, withCode(exitInterrupted, nil)
	}
	if err != nil {
		return rotate.Plan{}, fmt.Errorf("ask: %w", err)
	}
	p := rotate.Plan{Expiry: expiry}
	for _, c := range chosen {
		switch c {
		case rotate.WhatTwilio:
			p.Twilio = true
		case pasted:
			tok, err := a.readToken()
			if err != nil {
				return rotate.Plan{}, err
			}
			p.NewTwilioToken = tok
		case rotate.WhatAppSecret:
			p.AppSecret = true
		case rotate.WhatM2MSecret:
			p.M2MSecret = true
		}
	}
	if p.NewTwilioToken != "" {
		p.Twilio = false
	}
	return p, nil
}

// rotateSignIn is the last proof: a real sign-in through the demo with the
// new credentials, when the user agrees (or --sign-in).
func (a *app) rotateSignIn(c *cobra.Command, f rotateFlags, env *savedEnv, setup config.Setup, secrets config.Secrets) error {
	if f.noSignIn || setup.AppID == "" {
		return nil
	}
	if !f.signIn {
		if !a.terminalIO() || a.opts.accessible || f.yes {
			fmt.Fprintf(a.stdout, "To sign in through the demo with the new credentials: %s --sign-in\n", againCommand(a.opts, "rotate"))
			return nil
		}
		ok, err := a.confirm(c, "Sign in through the demo now, to see the chain works with the new credentials?", false)
		if err != nil || !ok {
			return err
		}
	}
	prefill := steps.Prefill{Sandbox: a.opts.sandbox, Again: againFunc(a.opts)}
	opener := newBrowserOpener(a.opts.noBrowser, a.getenv)
	prefill.NoBrowser = opener.disabled
	st := steps.NewState(prefill)
	st.Setup, st.Secrets, st.Found, st.Mode = setup, secrets, true, steps.ModeReverify
	deps := steps.DefaultDeps(env.logtoHC, env.twilioHC)
	deps.Open, deps.Store = opener, env.store // the summary says where the setup is saved
	defer func() { _ = deps.Demos.Close() }()
	topts := tui.Options{
		In: a.stdin, Out: a.stdout, Env: environ(a.getenv), Accessible: a.opts.accessible,
		AppName: "logto-twilio", ProgramOptions: programOptions(),
	}
	if env.panel != nil {
		topts.Panel = env.panel.View
		topts.PanelRefresh = env.panel.Changed()
	}
	err := tui.Run(c.Context(), steps.SignInCheck(st, deps), topts)
	if errors.Is(err, tui.ErrInterrupted) {
		return withCode(exitInterrupted, nil)
	}
	return err
}

// rotationFromAnswers fills plan from the answers file: rotate.what (a
// comma-separated list of twilio, app-secret, m2m-secret) and
// new-twilio-token (a token rotated in Twilio's Console already).
func (a *app) rotationFromAnswers(plan *rotate.Plan) error {
	for _, w := range strings.Split(a.answer("rotate.what"), ",") {
		switch strings.TrimSpace(w) {
		case "":
		case rotate.WhatTwilio:
			plan.Twilio = true
		case rotate.WhatAppSecret:
			plan.AppSecret = true
		case rotate.WhatM2MSecret:
			plan.M2MSecret = true
		default:
			return fmt.Errorf("answers file: rotate.what %q: give twilio, app-secret and/or m2m-secret, separated by commas", w)
		}
	}
	if tok := twiliosetup.Clean(a.answer("new-twilio-token")); tok != "" {
		if err := twiliosetup.ValidateAuthToken(tok); err != nil {
			return errors.New("answers file: new-twilio-token is not an Auth Token (32 letters and digits)")
		}
		plan.NewTwilioToken, plan.Twilio = tok, false
	}
	return nil
}
