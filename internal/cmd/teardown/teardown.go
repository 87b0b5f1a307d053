// Package teardown is logto-twilio teardown: it removes what the wizard created.
package teardown

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/teardown"
)

const teardownLong = `Removes what the wizard created, and only that: the app, the SMS connector and the Messaging Service it made, and it puts the sign-in experience back as it was before the wizard changed it (only while it is still what the wizard set). What the wizard found and reused is kept.

It shows the list first and asks (or --yes). A deletion that fails is reported and the rest goes on; run it again to finish. Afterwards the saved setup says it was torn down.`

const teardownExample = `
# See what would be removed, then confirm
logto-twilio teardown

# In a script
logto-twilio teardown --yes

# The sandbox's setup
logto-twilio teardown --sandbox --yes
`

// Options are teardown's.
type Options struct {
	F   *factory.Factory
	Yes bool
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
			if runF != nil {
				return runF(opts)
			}
			return run(c, opts)
		},
	}
	c.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "remove without asking")
	return c
}

func run(c *cobra.Command, opts *Options) error {
	f := opts.F
	env, err := f.OpenSaved()
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
	w := f.IO.Width()
	fmt.Fprintln(f.IO.Out, plan.Text(w))
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
	res := teardown.Execute(ctx, plan, cfg)
	fmt.Fprintln(f.IO.Out, res.Text(w))
	if res.Failed() {
		return factory.WithCode(factory.ExitFailure, fmt.Errorf("teardown did not finish: run %s again to finish it",
			f.Invocation.Line("teardown")))
	}
	return nil
}
