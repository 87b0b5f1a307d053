// Package teardown is logto-twilio teardown: it removes what the wizard created.
package teardown

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/teardown"
)

const teardownLong = `Removes what the wizard created, and only that: the app, the SMS connector and the Messaging Service it made, and it puts the sign-in experience back as it was before the wizard changed it (only while it is still what the wizard set). What the wizard found and reused is kept.

It shows the list first and asks (or --yes). A deletion that fails is reported and the rest goes on; run it again to finish. Afterwards the saved setup says it was torn down.

An Express starter folder the wizard wrote no longer signs in once its app is deleted: on a terminal teardown offers to delete it too (only when it holds nothing but the starter's files and npm's node_modules and package-lock.json); otherwise it says so and how to remove it.

--dry-run shows the plan and changes nothing; with --json the plan is one JSON document (see docs/teardown.md) and nothing else on standard output. Exit code 0 when it went through (or the plan was shown), 1 when something could not be removed or planned.`

const teardownExample = `
# See what would be removed, then confirm
logto-twilio teardown

# In a script
logto-twilio teardown --yes

# The sandbox's setup
logto-twilio teardown --sandbox --yes

# What it would do, for a script
logto-twilio teardown --dry-run --json | jq -r '.actions[].target'
`

// Options are teardown's.
type Options struct {
	F                 *factory.Factory
	Yes, DryRun, JSON bool
}

// NewCmdTeardown removes what the wizard created; runF (tests) replaces run.
func NewCmdTeardown(f *factory.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{F: f}
	c := &cobra.Command{
		Use:     "teardown",
		Short:   "Remove what the wizard created (the app, connector, Messaging Service)",
		Long:    teardownLong,
		Example: teardownExample,
		Args:    factory.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.JSON && !opts.DryRun {
				return factory.UsageErrorf(c, "--json prints the plan, which only --dry-run shows without changing anything: run %s",
					f.Invocation.Line("teardown", "--dry-run", "--json"))
			}
			if runF != nil {
				return runF(opts)
			}
			return run(c, opts)
		},
	}
	fl := c.Flags()
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "remove without asking (an Express starter folder is kept)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "show what teardown would do, and change nothing")
	fl.BoolVar(&opts.JSON, "json", false, "with --dry-run: print the plan as one JSON document (docs/teardown.md)")
	return c
}

func run(c *cobra.Command, opts *Options) error {
	f := opts.F
	open := f.OpenSaved
	if opts.DryRun {
		open = f.ReadSaved // it changes nothing, not even the config folder
	}
	env, err := open()
	if err != nil {
		return err
	}
	defer env.Close()
	if !env.Loaded.Found {
		return f.NoSetupError(env)
	}
	cfg := teardown.NewConfig(env.Loaded, env.Store, env.LogtoHC, env.TwilioHC)
	ctx := factory.Context(c)
	plan, err := teardown.Prepare(ctx, cfg)
	if err != nil {
		return fmt.Errorf("cannot plan the teardown: %w", err)
	}
	if opts.JSON {
		b, err := plan.JSON()
		if err != nil {
			return err
		}
		_, _ = f.IO.Out.Write(b)
		return nil
	}
	w := f.IO.Width()
	fmt.Fprintln(f.IO.Out, plan.Text(w))
	if opts.DryRun {
		fmt.Fprintln(f.IO.Out, "Dry run: nothing was changed.")
		return nil
	}
	if plan.Empty() {
		return nil
	}
	ok, err := f.Confirm(c, "Remove these now?", opts.Yes)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(f.IO.Out, "Nothing was removed.")
		return nil
	}
	if s := plan.Starter; s.Deletable() && !opts.Yes && !f.Opts.Yes && f.CanPrompt() {
		// Asked here, before anything is removed; deleted only after its app
		// is. Never under --yes: it may hold the user's work.
		if s.Delete, err = f.Confirm(c, "Also delete the Express starter folder "+s.Dir+"? It will no longer sign in.", false); err != nil {
			return err
		}
	}
	res := teardown.Execute(ctx, plan, cfg)
	fmt.Fprintln(f.IO.Out, res.Text(w))
	if res.Failed() {
		return factory.WithCode(factory.ExitFailure, fmt.Errorf("teardown did not finish: run %s again to finish it",
			f.Invocation.Line("teardown")))
	}
	return nil
}
