// Package rotate is logto-twilio rotate: it rotates credentials with no
// downtime, then proves the whole chain again (doctor, then a sign-in).
package rotate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/textwrap"

	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	setupcmd "github.com/logto-twilio/logto-twilio/internal/cmd/setup"
	"github.com/logto-twilio/logto-twilio/internal/doctor"
	"github.com/logto-twilio/logto-twilio/internal/rotate"
	"github.com/logto-twilio/logto-twilio/steps"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// rotateLong is wrapped by hand, its list with hanging indents, in lines of
// at most longWidth columns: fang wraps a longer line at the terminal's width
// and puts its rest at the left margin, which lost the list's indentation.
const rotateLong = `Rotates credentials with no downtime, then proves the whole chain again.

  --twilio      the Twilio Auth Token: a secondary token is created, the
                Logto connector is switched to it and a test SMS goes
                through Logto, then the secondary is promoted (the old
                token stops working). If anything fails before the
                promotion, everything is put back as it was.
  --app-secret  the app's secret: a new one is added and checked at Logto's
                token endpoint, saved (and written to the Express starter's
                .env), then the old one is deleted once you agree (--yes).
                The only secret is never deleted.
  --m2m         the machine-to-machine app's secret, the same way.

Without flags it asks which. Every phase is recorded before it starts, so
after a crash or Ctrl-C running rotate again finishes or cleanly reverts
what was under way. Afterwards doctor runs, and you can sign in through the
demo to see it still works; on a terminal the demo then stays up until you
sign out there or press Enter. Secrets are shown masked; the setup's
history records what rotated and when, never the values.

--new-twilio-token - reads a token you already rotated in Twilio's Console
from standard input. It is never taken as a flag value: a token on the
command line is visible to other users in the process list (ps) and stays
in your shell history.

--json prints the outcome as one JSON document (see docs/rotate.md) and
nothing else on standard output. It asks nothing: say what to rotate with
--twilio, --app-secret or --m2m; without --yes the old secrets are kept;
the demo sign-in is not offered (run rotate --sign-in afterwards).`

// longWidth is the widest line of rotateLong: it fits an 80-column terminal
// after fang's margin of 2.
const longWidth = 76

const rotateExample = `
# Choose what to rotate
logto-twilio rotate

# Both, in a script, old secrets deleted without asking
logto-twilio rotate --twilio --app-secret --yes

# You rotated the Auth Token in Twilio's Console already
pbpaste | logto-twilio rotate --new-twilio-token -

# Finish (or revert) a rotation a crash interrupted
logto-twilio rotate

# For scripts: the outcome as JSON, old secrets deleted
logto-twilio rotate --app-secret --yes --json | jq '.rotations[].newSecret'
`

// Options are rotate's.
type Options struct {
	F *factory.Factory

	Twilio, AppSecret, M2M, Yes, SignIn, NoSignIn, JSON bool
	NewToken, ExpiresIn, TestPhone                      string
}

// NewCmdRotate rotates credentials; runF (tests) replaces run.
func NewCmdRotate(fac *factory.Factory, runF func(*Options) error) *cobra.Command {
	f := &Options{F: fac}
	c := &cobra.Command{
		Use:     "rotate",
		Short:   "Rotate the Twilio Auth Token and the app secrets with no downtime",
		Long:    rotateLong,
		Example: rotateExample,
		Args:    factory.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if f.NewToken != "" && f.NewToken != "-" {
				return factory.UsageErrorf(c, "--new-twilio-token takes only \"-\" (read the token from standard input): a token on the command line is visible to other users in the process list")
			}
			if f.SignIn && f.NoSignIn {
				return factory.UsageErrorf(c, "--sign-in and --no-sign-in contradict each other")
			}
			if f.SignIn && f.JSON {
				return factory.UsageErrorf(c, "--sign-in shows the demo's sign-in on the terminal, which --json keeps for one JSON document: run %s on its own afterwards",
					fac.Invocation.Line("rotate", "--sign-in"))
			}
			if runF != nil {
				return runF(f)
			}
			return run(c, f)
		},
	}
	fl := c.Flags()
	fl.BoolVar(&f.Twilio, "twilio", false, "rotate the Twilio Auth Token (secondary token, connector switched, tested, promoted)")
	fl.BoolVar(&f.AppSecret, "app-secret", false, "rotate the app's secret (and the Express starter's .env)")
	fl.BoolVar(&f.M2M, "m2m", false, "rotate the machine-to-machine app's secret")
	fl.StringVar(&f.NewToken, "new-twilio-token", "", `"-": read a token already rotated in Twilio's Console from standard input (never as a flag value: the process list shows it)`)
	fl.StringVar(&f.ExpiresIn, "expires-in", "", "let a new app or M2M secret expire after this long, e.g. 90d or 720h (default: never)")
	fl.StringVar(&f.TestPhone, "test-phone", "", "the phone for the test SMS (default: the saved one)")
	fl.BoolVarP(&f.Yes, "yes", "y", false, "delete old secrets without asking")
	fl.BoolVar(&f.SignIn, "sign-in", false, "after doctor, sign in through the demo without asking (alone: only check and sign in)")
	fl.BoolVar(&f.NoSignIn, "no-sign-in", false, "after doctor, do not offer the demo sign-in")
	fl.BoolVar(&f.JSON, "json", false, "print the outcome as one JSON document (docs/rotate.md); asks nothing")
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

func run(c *cobra.Command, f *Options) error {
	a := f.F
	ctx := factory.Context(c)
	expiry, err := parseExpiry(f.ExpiresIn, time.Now())
	if err != nil {
		return factory.Usage(c, err)
	}
	if f.TestPhone != "" {
		if _, err := twiliosetup.ParsePhone(strings.TrimSpace(f.TestPhone), ""); err != nil {
			return factory.UsageErrorf(c, "--test-phone %q: give the number in international format, e.g. +14155550123", f.TestPhone)
		}
	}
	plan := rotate.Plan{Twilio: f.Twilio, AppSecret: f.AppSecret, M2MSecret: f.M2M, Expiry: expiry}
	if plan == (rotate.Plan{Expiry: expiry}) && f.NewToken == "" {
		// No flags: the answers file may say (rotate.what, new-twilio-token).
		if err := rotationFromAnswers(a, &plan); err != nil {
			return factory.Usage(c, err)
		}
	}
	f.Yes = f.Yes || a.Opts.Yes || a.Answer("yes") == "yes"
	if f.NewToken == "-" {
		tok, err := readToken(ctx, a, f.JSON)
		if err != nil {
			return factory.Usage(c, err)
		}
		plan.NewTwilioToken = tok
	}

	env, err := a.OpenSaved()
	if err != nil {
		return err
	}
	defer env.Close()
	if !env.Loaded.Found {
		return a.NoSetupError(env)
	}
	setup, secrets := env.Loaded.Setup, env.Loaded.Secrets
	renv, err := rotate.NewEnv(&setup, &secrets, env.Store, env.LogtoHC, env.TwilioHC)
	if err != nil {
		return fmt.Errorf("cannot rotate: %w", err)
	}
	renv.Yes = f.Yes
	renv.Command = a.Hint()
	renv.TestPhone = strings.TrimSpace(f.TestPhone)
	if f.JSON {
		// One JSON document at the end, and no question: without --yes the
		// old secrets are kept (Confirm nil).
		return runJSON(ctx, f, env, renv, plan)
	}
	// Each step is printed as it happens; the outcomes add their notes.
	renv.Report = reportTo(a.IO.Out, a.IO.Width())
	renv.Confirm = func(_ context.Context, q string) (bool, error) { return a.Confirm(c, q, false) }
	// The finish line: doctor in-process, then (when agreed) a real sign-in.
	// It runs after the rotations' lines are printed, so it reads in order.
	proof := func() error {
		fmt.Fprintln(a.IO.Out, "\nChecking the whole chain again (doctor):")
		rep := doctor.Run(ctx, doctor.Config{
			Setup: setup, Secrets: secrets, Found: true,
			LogtoHTTP: env.LogtoHC, TwilioHTTP: env.TwilioHC,
			Command:      a.Hint(),
			SecretsWhere: env.Store.SecretsWhere(),
		})
		fmt.Fprintln(a.IO.Out, rep.Text(a.IO.Width(), a.IO.ColorEnabled()))
		if rep.Failed() {
			fmt.Fprintln(a.IO.ErrOut, "✗ Doctor found a problem after the rotation (see above); what rotated is saved.")
			return factory.WithCode(factory.ExitFindings, nil)
		}
		return signIn(c, f, env, setup, secrets)
	}

	if plan == (rotate.Plan{Expiry: expiry}) && setup.Rotation == nil {
		if f.SignIn {
			// Nothing to rotate: only the proof (what the hint after a
			// rotation without the sign-in suggests).
			return proof()
		}
		if !a.CanPrompt() {
			return factory.WithCode(factory.ExitUsage, &config.MissingInputError{Input: "what to rotate", Flag: "--twilio, --app-secret or --m2m", AnswerKey: "rotate.what"})
		}
		if plan, err = askRotation(ctx, a, setup, expiry); err != nil {
			return err
		}
		if plan == (rotate.Plan{Expiry: expiry}) {
			fmt.Fprintln(a.IO.Out, "Nothing chosen: nothing was rotated.")
			return nil
		}
	}

	outs, err := rotate.Run(ctx, renv, plan)
	for _, o := range outs {
		for _, n := range o.Notes {
			fmt.Fprintln(a.IO.Out, "• "+n)
		}
	}
	if err != nil {
		var re *rotate.Error
		if errors.As(err, &re) {
			fmt.Fprintln(a.IO.ErrOut, "✗ "+re.What)
			if re.Next != "" {
				fmt.Fprintln(a.IO.ErrOut, "  "+re.Next)
			}
			return factory.WithCode(factory.ExitFailure, nil)
		}
		return err
	}
	return proof()
}

// runJSON is run with --json: what to rotate comes from the flags or the
// answers file (nothing is asked), the rotations run silently, doctor
// checks the chain again, and one JSON document (docs/rotate.md) is the only
// thing on standard output. The exit codes are the text run's: 1 when a
// rotation failed, 3 when doctor found a problem afterwards.
func runJSON(ctx context.Context, f *Options, env *factory.Saved, renv *rotate.Env, plan rotate.Plan) error {
	a := f.F
	if plan.Empty() && renv.Setup.Rotation == nil {
		return factory.WithCode(factory.ExitUsage, &config.MissingInputError{Input: "what to rotate", Flag: "--twilio, --app-secret or --m2m", AnswerKey: "rotate.what"})
	}
	outs, err := rotate.Run(ctx, renv, plan)
	rep := rotate.Report{Outcomes: outs, Err: err, Setup: *renv.Setup}
	var re *rotate.Error
	if err != nil && !errors.As(err, &re) {
		return err
	}
	if err == nil {
		d := doctor.Run(ctx, doctor.Config{
			Setup: *renv.Setup, Secrets: *renv.Secrets, Found: true,
			LogtoHTTP: env.LogtoHC, TwilioHTTP: env.TwilioHC,
			Command:      a.Hint(),
			SecretsWhere: env.Store.SecretsWhere(),
		})
		js, jerr := d.JSON()
		if jerr != nil {
			return fmt.Errorf("rotate: %w", jerr)
		}
		rep.Doctor, rep.DoctorOK = js, !d.Failed()
		if !d.Failed() && !f.NoSignIn && renv.Setup.AppID != "" {
			rep.FollowUps = append(rep.FollowUps, "To sign in through the demo with the new credentials: "+a.Invocation.Line("rotate", "--sign-in"))
		}
	}
	js, jerr := rep.JSON()
	if jerr != nil {
		return fmt.Errorf("rotate: %w", jerr)
	}
	_, _ = a.IO.Out.Write(js)
	switch {
	case err != nil:
		return factory.WithCode(factory.ExitFailure, nil)
	case !rep.DoctorOK:
		return factory.WithCode(factory.ExitFindings, nil)
	}
	return nil
}

// readToken reads one line (the pasted token) from standard input: masked
// on a terminal, as it is from a pipe, through the process's one prompter.
// With --json it asks nothing: the token must come from a pipe, read
// without a prompt, so standard output holds only the JSON document.
func readToken(ctx context.Context, a *factory.Factory, jsonOut bool) (string, error) {
	var (
		line string
		err  error
	)
	switch {
	case jsonOut && a.IO.IsStdinTTY():
		return "", fmt.Errorf("--new-twilio-token - with --json reads the token from a pipe, not the terminal, e.g. pbpaste | %s",
			a.Invocation.Line("rotate", "--new-twilio-token", "-", "--json"))
	case jsonOut:
		line, err = a.IO.In.ReadLine()
		if errors.Is(err, io.EOF) {
			err = nil
		}
	default:
		line, err = a.Prompter().Secret(ctx, "The new Auth Token (from Twilio's Console)")
	}
	if err != nil && !errors.Is(err, factory.ErrNoAnswer) {
		return "", fmt.Errorf("--new-twilio-token -: %w", err)
	}
	tok := twiliosetup.Clean(line)
	if tok == "" {
		return "", fmt.Errorf("--new-twilio-token -: standard input held no token; pipe it in, e.g. pbpaste | %s",
			a.Invocation.Line("rotate", "--new-twilio-token", "-"))
	}
	if err := twiliosetup.ValidateAuthToken(tok); err != nil {
		return "", errors.New("--new-twilio-token -: that is not an Auth Token (32 letters and digits)")
	}
	return tok, nil
}

// askRotation asks what to rotate (a terminal, no flags).
func askRotation(ctx context.Context, a *factory.Factory, setup config.Setup, expiry *time.Time) (rotate.Plan, error) {
	const pasted = "pasted"
	opts := []factory.Option{
		{Label: "Twilio Auth Token (a new one is made; zero downtime)", Value: rotate.WhatTwilio},
		{Label: "Twilio Auth Token I already rotated in Twilio's Console (paste it)", Value: pasted},
	}
	if setup.AppID != "" {
		opts = append(opts, factory.Option{Label: "The app's secret (" + setup.AppID + ")", Value: rotate.WhatAppSecret})
	}
	if setup.M2MAppID != "" {
		opts = append(opts, factory.Option{Label: "The M2M app's secret (" + setup.M2MAppID + ")", Value: rotate.WhatM2MSecret})
	}
	chosen, err := a.Prompter().MultiSelect(ctx, "What should be rotated?", "space selects, enter goes ahead", opts)
	if errors.Is(err, factory.ErrAborted) {
		return rotate.Plan{}, factory.WithCode(factory.ExitInterrupted, nil)
	}
	if err != nil {
		return rotate.Plan{}, err
	}
	p := rotate.Plan{Expiry: expiry}
	for _, c := range chosen {
		switch c {
		case rotate.WhatTwilio:
			p.Twilio = true
		case pasted:
			tok, err := readToken(ctx, a, false)
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

// signIn is the last proof: a real sign-in through the demo with the
// new credentials, when the user agrees (or --sign-in).
func signIn(c *cobra.Command, f *Options, env *factory.Saved, setup config.Setup, secrets config.Secrets) error {
	a := f.F
	if f.NoSignIn || setup.AppID == "" {
		return nil
	}
	if !f.SignIn {
		if !a.CanPrompt() || f.Yes {
			fmt.Fprintf(a.IO.Out, "To sign in through the demo with the new credentials: %s\n", a.Invocation.Line("rotate", "--sign-in"))
			return nil
		}
		ok, err := a.Confirm(c, "Sign in through the demo now, to see the chain works with the new credentials?", false)
		if err != nil || !ok {
			return err
		}
	}
	prefill := steps.Prefill{Sandbox: a.Opts.Sandbox, Again: a.Hint()}
	opener := factory.NewBrowser(a.Opts.NoBrowser, a.Getenv)
	prefill.NoBrowser = opener.Disabled
	st := steps.NewState(prefill)
	st.Setup, st.Secrets, st.Found, st.Mode = setup, secrets, true, steps.ModeReverify
	deps := steps.DefaultDeps(env.LogtoHC, env.TwilioHC)
	deps.Open, deps.Store = opener, env.Store // the summary says where the setup is saved
	defer func() { _ = deps.Demos.Close() }()
	topts := a.TUIOptions()
	topts.NonInteractive = false // the sign-in asks nothing; it only waits, as it did before
	topts.ProgramOptions = setupcmd.ProgramOptions()
	if env.Panel != nil {
		topts.Panel = env.Panel.View
		topts.PanelRefresh = env.Panel.Changed()
	}
	ctx := factory.Context(c)
	err := tui.Run(ctx, steps.SignInCheck(st, deps), topts)
	if errors.Is(err, tui.ErrInterrupted) {
		return factory.WithCode(factory.ExitInterrupted, nil)
	}
	if err != nil || st.SignIn == nil {
		return err
	}
	// The browser shows the signed-in page: the demo stays up so its Sign
	// out works (as the wizard's does while it asks about the starter).
	holdDemo(ctx, a.IO.Out, a.IO.Width(), a.IO.In, deps.Demos, a.IO.IsStdinTTY() && !a.Opts.NonInteractive,
		a.Invocation.Line("rotate", "--sign-in"))
	return nil
}

// holdDemo keeps the demo app up after the sign-in, so that the signed-in
// page's Sign out reaches it (and, through it, Logto's end-session page):
// until a sign-out through it completes, Enter is pressed, or ctx ends;
// the caller then stops it. Without a terminal to press Enter in (or with
// --non-interactive) it returns at once and says what that means, with again
// (rotate --sign-in) to sign out later.
func holdDemo(ctx context.Context, out io.Writer, width int, in *tui.LineInput, demos *steps.DemoHost, wait bool, again string) {
	url, signOuts, ok := demos.Running()
	if !ok {
		return
	}
	if !wait {
		fmt.Fprintln(out, strings.Join(textwrap.Lines(fmt.Sprintf("The demo app at %s stops now: with no terminal to press Enter in, nothing would stop it later. "+
			"Its Sign out no longer answers; to sign out of Logto in that browser, run this in a terminal and use Sign out "+
			"(while Logto's session lasts, the sign-in asks for no new code):", url), width, "", ""), "\n"))
		fmt.Fprintln(out, "  "+again)
		return
	}
	fmt.Fprintln(out, strings.Join(textwrap.Lines(fmt.Sprintf("The demo app stays up at %s so you can sign out there "+
		"(its Sign out ends your Logto session too); press Enter to finish.", url), width, "", ""), "\n"))
	enter := make(chan struct{})
	go func() {
		// Left reading when a sign-out comes first: the command ends next.
		_, _ = in.ReadLine()
		close(enter)
	}()
	select {
	case <-signOuts:
		fmt.Fprintln(out, "✓ Signed out through the demo; the demo app stopped.")
	case <-enter:
		fmt.Fprintln(out, "The demo app stopped.")
	case <-ctx.Done():
		fmt.Fprintln(out, "The demo app stopped.")
	}
}

// rotationFromAnswers fills plan from the answers file: rotate.what (a
// comma-separated list of twilio, app-secret, m2m-secret) and
// new-twilio-token (a token rotated in Twilio's Console already).
func rotationFromAnswers(a *factory.Factory, plan *rotate.Plan) error {
	for _, w := range strings.Split(a.Answer("rotate.what"), ",") {
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
	if tok := twiliosetup.Clean(a.Answer("new-twilio-token")); tok != "" {
		if err := twiliosetup.ValidateAuthToken(tok); err != nil {
			return errors.New("answers file: new-twilio-token is not an Auth Token (32 letters and digits)")
		}
		plan.NewTwilioToken, plan.Twilio = tok, false
	}
	return nil
}

// reportTo prints each step's line as "✓ …", wrapped at spaces to width with
// a hanging indent: a terminal would break it inside a word ("promot" ⏎ "ed").
func reportTo(w io.Writer, width int) func(string) {
	return func(line string) {
		fmt.Fprintln(w, strings.Join(textwrap.Lines(line, width, "✓ ", "  "), "\n"))
	}
}
