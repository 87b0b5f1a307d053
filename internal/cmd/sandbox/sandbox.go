// Package sandbox is logto-twilio sandbox: what the sandbox offers besides
// --sandbox (serve).
package sandbox

import (
	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/sandbox"
)

// NewCmdSandbox groups what the sandbox offers besides --sandbox.
func NewCmdSandbox(a *factory.Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "sandbox",
		Short: "Keep the sandbox's stand-ins of Logto and Twilio running",
		Long: `The sandbox (--sandbox on any command) runs against stand-ins of Logto and Twilio inside this program, and keeps their state in its own folder between runs, so "logto-twilio doctor --sandbox" checks what "logto-twilio --sandbox" set up.

"sandbox serve" keeps the stand-ins up on their saved addresses until Ctrl-C, so the Express starter the wizard wrote has a Logto to sign in with, and prints every SMS code they send.

A sandbox folder has one set of stand-ins at a time: the first --sandbox command in it runs them, and every other --sandbox command in that folder (doctor, rotate, teardown, workshop, the wizard) uses them while it runs, instead of starting a copy.`,
		Example: `
logto-twilio sandbox serve
`,
		Args: factory.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return factory.UsageErrorf(c, "say what to do: serve")
		},
	}
	c.AddCommand(&cobra.Command{
		Use:   "serve",
		Short: "Run the sandbox's Logto and Twilio stand-ins until Ctrl-C, printing each SMS code",
		Long: `Run the sandbox's Logto and Twilio stand-ins until Ctrl-C, on the addresses the sandbox's setup names, and print each SMS the Twilio stand-in accepts: the time, the phone, the code, what it is for and which page to type it on.

While it runs, every other --sandbox command in the same folder uses its stand-ins: run doctor, rotate, workshop prepare or the Express starter beside it. Started while another command runs them (a wizard), it prints their codes and takes them over when that command ends. Their state is saved within a quarter of a second of each change and when it stops.`,
		Example: `
# In one terminal
logto-twilio sandbox serve
# In another, the Express starter the sandbox wizard wrote
cd logto-express-sample && npm install && npm start
# Any --sandbox command beside it uses its stand-ins
logto-twilio doctor --sandbox
`,
		Args: factory.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return sandbox.Serve(factory.Context(c), a.SandboxOptions(), a.IO.Out)
		},
	})
	return c
}
