package factory

import (
	"github.com/spf13/cobra"
)

// NoArgs refuses positional arguments without echoing them (one may be a
// secret pasted in the wrong place), suggesting a command for a typo.
func NoArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if c.HasAvailableSubCommands() {
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			return UsageErrorf(c, "%s has no such command; did you mean %q?", c.CommandPath(), s[0])
		}
		return UsageErrorf(c, "%s has no such command: its commands are listed by %s --help", c.CommandPath(), c.CommandPath())
	}
	return UsageErrorf(c, "%s takes no arguments (%d given); flags start with --", c.CommandPath(), len(args))
}
