package main

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

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

// newWorkshopCmd groups the facilitator's commands.
func newWorkshopCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:     "workshop",
		Short:   "Prepare a shared Logto for a workshop: attendee apps and cards",
		Long:    workshopLong,
		Example: workshopExample,
		Args:    noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return usageErrorf(c, "say what to do: prepare, status or teardown")
		},
	}
	c.AddCommand(newWorkshopPrepareCmd(a), newWorkshopStatusCmd(a), newWorkshopTeardownCmd(a))
	return c
}

// workshopConfig is the workshop config on the saved setup's directory.
func (a *app) workshopConfig(env *savedEnv) workshop.Config {
	return workshop.Config{Dir: env.store.Dir, HTTPClient: env.logtoHC, Command: againFunc(a.opts)}
}

func newWorkshopPrepareCmd(a *app) *cobra.Command {
	var (
		cfg workshop.Config
		yes bool
	)
	c := &cobra.Command{
		Use:   "prepare",
		Short: "Create one app per attendee and write their cards",
		Long: "Creates N Traditional apps named \"<prefix> 01\"…, each with the demo's redirect and post-logout URIs for --port, " +
			"and writes one card per app to --out (mode 0600; endpoint, app ID, app secret, port — never the M2M or Twilio credentials). " +
			"A re-run reuses the apps it made and creates only the missing ones.",
		Example: `
logto-twilio workshop prepare --attendees 30
logto-twilio workshop prepare --attendees 30 --name-prefix "Room B" --out ./room-b-cards --port 3000
`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := a.workshopAnswers(c, &cfg); err != nil {
				return err
			}
			if cfg.Attendees < 1 || cfg.Attendees > workshop.MaxAttendees {
				return usageErrorf(c, "--attendees %d: give the number of attendees, from 1 to %d", cfg.Attendees, workshop.MaxAttendees)
			}
			if cfg.Concurrency < 1 || cfg.Concurrency > workshop.MaxConcurrency {
				return usageErrorf(c, "--concurrency %d: give a number from 1 to %d", cfg.Concurrency, workshop.MaxConcurrency)
			}
			if cfg.Port < 1 || cfg.Port > 65535 {
				return usageErrorf(c, "--port %d: give a port between 1 and 65535", cfg.Port)
			}
			return a.runWorkshopPrepare(c, cfg, yes)
		},
	}
	f := c.Flags()
	f.IntVarP(&cfg.Attendees, "attendees", "n", 0, "how many attendee apps and cards (required)")
	f.StringVar(&cfg.NamePrefix, "name-prefix", workshop.DefaultNamePrefix, "app names are \"<prefix> 01\", \"<prefix> 02\"…")
	f.IntVarP(&cfg.Port, "port", "p", workshop.DefaultPort, "the demo server's port on the attendees' machines (in the apps' redirect URIs)")
	f.StringVarP(&cfg.OutDir, "out", "o", workshop.DefaultOutDir, "folder for the attendee cards")
	f.IntVar(&cfg.Concurrency, "concurrency", workshop.DefaultConcurrency, "Logto calls in flight at once")
	f.BoolVarP(&yes, "yes", "y", false, "run setup first without asking when the saved setup is not ready")
	return c
}

// workshopAnswers fills what the flags left out from the answers file
// (attendees, name-prefix, out); a flag wins over its answer.
func (a *app) workshopAnswers(c *cobra.Command, cfg *workshop.Config) error {
	if !c.Flags().Changed("attendees") {
		if v := a.answer("attendees"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return usageErrorf(c, "answers file: attendees %q: give a number", v)
			}
			cfg.Attendees = n
		} else {
			return usageErrorf(c, "give the number of attendees with --attendees (e.g. --attendees 30) or the answer attendees")
		}
	}
	if v := a.answer("name-prefix"); v != "" && !c.Flags().Changed("name-prefix") {
		cfg.NamePrefix = v
	}
	if v := a.answer("out"); v != "" && !c.Flags().Changed("out") {
		cfg.OutDir = v
	}
	return nil
}

func (a *app) runWorkshopPrepare(c *cobra.Command, flags workshop.Config, yes bool) error {
	env, err := a.openSaved()
	if err != nil {
		return err
	}
	defer env.close()
	cfg := a.workshopConfig(env)
	cfg.Attendees, cfg.NamePrefix, cfg.Port, cfg.OutDir, cfg.Concurrency = flags.Attendees, flags.NamePrefix, flags.Port, flags.OutDir, flags.Concurrency
	_, err = workshop.RunPrepare(c.Context(), cfg, a.stdout, a.terminalIO() && !a.opts.accessible)
	var nr *workshop.NotReadyError
	if !errors.As(err, &nr) {
		return err
	}
	fmt.Fprintln(a.stdout, nr.Error())
	ok, cerr := a.confirm(c, "Run the setup wizard now?", yes)
	if cerr != nil || !ok {
		return withCode(exitFailure, cerr)
	}
	if err := a.wizard(c.Context(), a.opts, a.stdin, a.stdout, a.stderr, a.getenv); err != nil {
		return err
	}
	_, err = workshop.RunPrepare(c.Context(), cfg, a.stdout, a.terminalIO() && !a.opts.accessible)
	return err
}

func newWorkshopStatusCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "For each attendee app, whether someone has signed in through it",
		Example: `
logto-twilio workshop status
`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			env, err := a.openSaved()
			if err != nil {
				return err
			}
			defer env.close()
			list, err := workshop.Status(c.Context(), a.workshopConfig(env))
			if err != nil {
				return err
			}
			workshop.WriteStatus(a.stdout, list)
			return nil
		},
	}
}

func newWorkshopTeardownCmd(a *app) *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:   "teardown",
		Short: "Delete exactly the apps workshop prepare made",
		Example: `
logto-twilio workshop teardown
logto-twilio workshop teardown --yes
`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			env, err := a.openSaved()
			if err != nil {
				return err
			}
			defer env.close()
			cfg := a.workshopConfig(env)
			apps, err := workshop.Recorded(cfg)
			if err != nil {
				return err
			}
			if len(apps) == 0 {
				fmt.Fprintln(a.stdout, "No workshop apps are recorded: nothing to delete.")
				return nil
			}
			fmt.Fprintf(a.stdout, "These %d apps, made by workshop prepare, will be deleted (their cards too):\n", len(apps))
			for _, ap := range apps {
				fmt.Fprintf(a.stdout, "  %s (%s)\n", ap.Name, ap.ID)
			}
			ok, err := a.confirm(c, "Delete them now?", yes)
			if err != nil {
				return err
			}
			if !ok {
				fmt.Fprintln(a.stdout, "Nothing was deleted.")
				return nil
			}
			res, err := workshop.RunTeardown(c.Context(), cfg, a.stdout)
			if err == nil && res.Failed > 0 {
				err = withCode(exitFailure, nil)
			}
			return err
		},
	}
	c.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	return c
}
