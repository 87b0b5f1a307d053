// Package version is logto-twilio version: which build this is.
package version

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/build"
	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
)

// Options are version's.
type Options struct {
	F *factory.Factory
	// Info is the build to describe (build.Read() unless a test sets it).
	Info func() build.Info
}

// NewCmdVersion prints the version, commit and day; runF (tests) replaces run.
func NewCmdVersion(f *factory.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{F: f, Info: build.Read}
	return &cobra.Command{
		Use:   "version",
		Short: "Show the version, commit and release day of this logto-twilio",
		Long: `Shows which logto-twilio this is: its version and the day it was made, the commit it was built from when that is known, and the release's page. The same as --version.

Release builds carry all three; a "go install …@v0.1.0" build knows its version and day, not its commit; a build from a checkout says "devel" or the checkout's version, and its commit.`,
		Example: `
logto-twilio version
logto-twilio --version
`,
		Args: factory.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
}

// Run prints the build's description on standard output.
func Run(opts *Options) error {
	_, err := fmt.Fprint(opts.F.IO.Out, opts.Info().String())
	return err //nolint:wrapcheck // a write to stdout
}
