package main

import (
	"fmt"

	"github.com/spf13/cobra"

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

// newTeardownCmd removes what the wizard created.
func newTeardownCmd(a *app) *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:     "teardown",
		Short:   "Remove what the wizard created (the app, connector, Messaging Service)",
		Long:    teardownLong,
		Example: teardownExample,
		Args:    noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return a.runTeardown(c, yes)
		},
	}
	c.Flags().BoolVarP(&yes, "yes", "y", false, "remove without asking")
	return c
}

func (a *app) runTeardown(c *cobra.Command, yes bool) error {
	env, err := a.openSaved()
	if err != nil {
		return err
	}
	defer env.close()
	if !env.loaded.Found {
		return a.noSetupError(env)
	}
	cfg := teardown.NewConfig(env.loaded, env.store, env.logtoHC, env.twilioHC)
	plan, err := teardown.Prepare(c.Context(), cfg)
	if err != nil {
		return fmt.Errorf("cannot plan the teardown: %w", err)
	}
	w := a.width()
	fmt.Fprintln(a.stdout, plan.Text(w))
	if plan.Empty() {
		return nil
	}
	ok, err := a.confirm(c, "Remove these now?", yes)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(a.stdout, "Nothing was removed.")
		return nil
	}
	res := teardown.Execute(c.Context(), plan, cfg)
	fmt.Fprintln(a.stdout, res.Text(w))
	if res.Failed() {
		return withCode(exitFailure, fmt.Errorf("teardown did not finish: run %s again to finish it",
			againCommand(a.opts, "teardown")))
	}
	return nil
}
