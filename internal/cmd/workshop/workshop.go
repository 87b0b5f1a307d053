// Package workshop is logto-twilio workshop: prepare, status and teardown of
// a workshop on a shared Logto.
package workshop

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	setupcmd "github.com/logto-twilio/logto-twilio/internal/cmd/setup"
	"github.com/logto-twilio/logto-twilio/internal/workshop"
)

const workshopLong = `Prepares a shared Logto for a workshop: one Traditional app per attendee, each with the demo's redirect URIs, and one attendee card per app (a small YAML file with the endpoint, app ID, app secret and port, plus a printable sheet). Attendees run "logto-twilio --preset <card>.yaml" and need neither the M2M secret nor Twilio credentials: the facilitator's Twilio connector sends their codes.

It runs on the facilitator's saved setup (an M2M app, the Twilio connector and phone sign-in, made by a normal setup).`

const workshopExample = `
# Thirty attendee apps and their cards in ./cards
logto-twilio workshop prepare --attendees 30 --out cards

# Who has signed in so far
logto-twilio workshop status

# After the workshop: delete exactly the apps prepare made
logto-twilio workshop teardown --yes
`

// PrepareOptions are workshop prepare's.
type PrepareOptions struct {
	F      *factory.Factory
	Config workshop.Config
	Port   factory.PortValue
	Yes    bool
}

// NewCmdWorkshop groups the facilitator's commands; the runF (tests)
// replace each one's run.
func NewCmdWorkshop(a *factory.Factory, prepareF func(*PrepareOptions) error) *cobra.Command {
	c := &cobra.Command{
		Use:     "workshop",
		Short:   "Prepare a shared Logto for a workshop: attendee apps and cards",
		Long:    workshopLong,
		Example: workshopExample,
		Args:    factory.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return factory.UsageErrorf(c, "say what to do: prepare, status or teardown")
		},
	}
	c.AddCommand(newPrepareCmd(a, prepareF), newStatusCmd(a), newTeardownCmd(a))
	return c
}

// config is the workshop config on the saved setup's directory.
func config(a *factory.Factory, env *factory.Saved) workshop.Config {
	c := workshop.Config{Dir: env.Store.Dir, HTTPClient: env.LogtoHC, Command: a.Hint(), Sandbox: env.Sandbox != nil}
	if env.Sandbox != nil {
		c.Relocate = env.Sandbox.RelocateURL
	}
	return c
}

func newPrepareCmd(a *factory.Factory, runF func(*PrepareOptions) error) *cobra.Command {
	opts := &PrepareOptions{F: a, Port: workshop.DefaultPort}
	cfg := &opts.Config
	c := &cobra.Command{
		Use:   "prepare",
		Short: "Create one app per attendee and write their cards",
		Long: "Creates N Traditional apps named \"<prefix> 01\"…, each with the demo's redirect and post-logout URIs for --port, " +
			"and writes one card per app to --out (mode 0600; endpoint, app ID, app secret, port — never the M2M or Twilio credentials). " +
			"A re-run reuses the apps it made and creates only the missing ones.",
		Example: `
logto-twilio workshop prepare --attendees 30
logto-twilio workshop prepare --attendees 12 --out lab-b-cards
`,
		Args: factory.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := answers(a, c, cfg); err != nil {
				return err
			}
			if cfg.Attendees < 1 || cfg.Attendees > workshop.MaxAttendees {
				return factory.UsageErrorf(c, "--attendees %d: give the number of attendees, from 1 to %d", cfg.Attendees, workshop.MaxAttendees)
			}
			if cfg.Concurrency < 1 || cfg.Concurrency > workshop.MaxConcurrency {
				return factory.UsageErrorf(c, "--concurrency %d: give a number from 1 to %d", cfg.Concurrency, workshop.MaxConcurrency)
			}
			cfg.Port = int(opts.Port)
			if runF != nil {
				return runF(opts)
			}
			return runPrepare(c, opts)
		},
	}
	f := c.Flags()
	f.IntVarP(&cfg.Attendees, "attendees", "n", 0, "how many attendee apps and cards (required)")
	f.StringVar(&cfg.NamePrefix, "name-prefix", workshop.DefaultNamePrefix, "app names are \"<prefix> 01\", \"<prefix> 02\"…")
	f.VarP(&opts.Port, "port", "p", "the demo server's port on the attendees' machines (in the apps' redirect URIs)")
	f.StringVarP(&cfg.OutDir, "out", "o", workshop.DefaultOutDir, "folder for the attendee cards")
	f.IntVar(&cfg.Concurrency, "concurrency", workshop.DefaultConcurrency, "Logto calls in flight at once")
	f.BoolVarP(&opts.Yes, "yes", "y", false, "run setup first without asking when the saved setup is not ready")
	return c
}

// workshopAnswers fills what the flags left out from the answers file
// (attendees, name-prefix, out); a flag wins over its answer.
func answers(a *factory.Factory, c *cobra.Command, cfg *workshop.Config) error {
	if !c.Flags().Changed("attendees") {
		if v := a.Answer("attendees"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return factory.UsageErrorf(c, "answers file: attendees %q: give a number", v)
			}
			cfg.Attendees = n
		} else {
			return factory.UsageErrorf(c, "give the number of attendees with --attendees (e.g. --attendees 30) or the answer attendees")
		}
	}
	if v := a.Answer("name-prefix"); v != "" && !c.Flags().Changed("name-prefix") {
		cfg.NamePrefix = v
	}
	if v := a.Answer("out"); v != "" && !c.Flags().Changed("out") {
		cfg.OutDir = v
	}
	return nil
}

func runPrepare(c *cobra.Command, opts *PrepareOptions) error {
	a := opts.F
	ctx := factory.Context(c)
	err := prepareOnce(ctx, opts)
	var nr *workshop.NotReadyError
	if !errors.As(err, &nr) {
		return err
	}
	fmt.Fprintln(a.IO.Out, nr.Error())
	ok, cerr := a.Confirm(c, "Run the setup wizard now?", opts.Yes)
	if cerr != nil {
		// --non-interactive without --yes is a missing answer (exit code 2,
		// naming --yes); the input ending or Ctrl-C carry their own codes.
		return cerr
	}
	if !ok {
		return factory.WithCode(factory.ExitFailure, nil)
	}
	if err := setupcmd.Run(ctx, &setupcmd.Options{F: a}); err != nil {
		return err
	}
	// The setup the wizard saved, opened again (with --sandbox, the stand-ins
	// as the wizard left them).
	return prepareOnce(ctx, opts)
}

// prepareOnce opens the saved setup, runs prepare on it with the flags, and
// closes it again.
func prepareOnce(ctx context.Context, opts *PrepareOptions) error {
	a, flags := opts.F, opts.Config
	env, err := a.OpenSaved()
	if err != nil {
		return err
	}
	defer env.Close()
	cfg := config(a, env)
	cfg.Attendees, cfg.NamePrefix, cfg.Port, cfg.OutDir, cfg.Concurrency = flags.Attendees, flags.NamePrefix, flags.Port, flags.OutDir, flags.Concurrency
	if _, err = workshop.RunPrepare(ctx, cfg, a.IO.Out, show(a)); err != nil {
		return err
	}
	if env.Sandbox != nil && !env.Sandbox.Guest() {
		// The cards name stand-ins that stop with this command.
		fmt.Fprintf(a.IO.Out, "The cards name the sandbox's Logto at %s, which runs only while a --sandbox command does: run %s in a terminal while attendees use them.\n",
			env.Loaded.Setup.Endpoint, a.Invocation.Line("sandbox serve"))
	}
	return nil
}

func newStatusCmd(a *factory.Factory) *cobra.Command {
	var jsonOut bool
	c := &cobra.Command{
		Use:   "status",
		Short: "For each attendee app, whether someone has signed in through it",
		Long: "For each attendee app workshop prepare made, whether someone has signed in through it (Logto's audit logs of the app), then how many apps have a sign-in. " +
			"It changes nothing. --json prints one JSON document (see docs/workshop.md) and nothing else on standard output. " +
			"Exit code 0 when the apps were read (an app whose sign-ins could not be read is shown as such), 1 when the status could not be read at all.",
		Example: `
logto-twilio workshop status

# For a script: how many attendees signed in
logto-twilio workshop status --json | jq .signedIn
`,
		Args: factory.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			env, err := a.ReadSaved()
			if err != nil {
				return err
			}
			defer env.Close()
			list, err := workshop.Status(factory.Context(c), config(a, env))
			if err != nil {
				return err
			}
			if jsonOut {
				b, err := workshop.StatusJSON(list)
				if err != nil {
					return err
				}
				_, _ = a.IO.Out.Write(b)
				return nil
			}
			workshop.WriteStatus(a.IO.Out, list)
			return nil
		},
	}
	c.Flags().BoolVar(&jsonOut, "json", false, "print one JSON document (docs/workshop.md) instead of the lines")
	return c
}

func newTeardownCmd(a *factory.Factory) *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:   "teardown",
		Short: "Delete exactly the apps workshop prepare made",
		Example: `
logto-twilio workshop teardown
logto-twilio workshop teardown --yes
`,
		Args: factory.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			env, err := a.OpenSaved()
			if err != nil {
				return err
			}
			defer env.Close()
			cfg := config(a, env)
			apps, err := workshop.Recorded(cfg)
			if err != nil {
				return err
			}
			if len(apps) == 0 {
				fmt.Fprintln(a.IO.Out, "No workshop apps are recorded: nothing to delete.")
				return nil
			}
			fmt.Fprintf(a.IO.Out, "These %d apps, made by workshop prepare, will be deleted (their cards too):\n", len(apps))
			for _, ap := range apps {
				fmt.Fprintf(a.IO.Out, "  %s (%s)\n", ap.Name, ap.ID)
			}
			ok, err := a.Confirm(c, "Delete them now?", yes)
			if err != nil {
				return err
			}
			if !ok {
				fmt.Fprintln(a.IO.Out, "Nothing was deleted.")
				return nil
			}
			res, err := workshop.RunTeardown(factory.Context(c), cfg, a.IO.Out)
			if err == nil && res.Failed > 0 {
				err = factory.WithCode(factory.ExitFailure, nil)
			}
			return err
		},
	}
	c.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	return c
}

// show is how prepare shows its progress: a bar on a terminal, plain lines
// otherwise (nil).
func show(a *factory.Factory) workshop.Show {
	if a.CanPrompt() {
		return showBar(a.IO.Out)
	}
	return nil
}
