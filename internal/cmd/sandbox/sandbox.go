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

"sandbox serve" keeps the stand-ins up on their saved addresses until Ctrl-C, so the Express starter the wizard wrote has a Logto to sign in with.`,
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
		Short: "Run the sandbox's Logto and Twilio stand-ins until Ctrl-C",
		Example: `
# In one terminal
logto-twilio sandbox serve
# In another, the Express starter the sandbox wizard wrote
cd logto-express-sample && npm install && npm start
`,
		Args: factory.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return sandbox.Serve(factory.Context(c), a.SandboxOptions(), a.IO.Out)
		},
	})
	return c
}
