package root

import (
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/textwrap"
)

// fang's help layout (charm.land/fang/v2 help.go), which fitHelp wraps for:
// the description is drawn with a left padding of helpShortPad, each list row
// (a command or a flag) as helpLongPad spaces, its key, and spaces up to the
// column max(helpMinSpace, the widest key + 2) after them, then its text.
// TestFitHelpMatchesFang checks these against fang's output.
const (
	helpShortPad = 2
	helpLongPad  = 4
	helpMinSpace = 10
	helpMaxWidth = 120 // fang draws help at the terminal's width, at most 120
)

// helpWidth is the width fang draws help at: the terminal's, at most 120;
// 120 when standard output is not a terminal.
func helpWidth(io *factory.IOStreams) int {
	if io.IsStdoutTTY() && io.Width() > 0 {
		return min(io.Width(), helpMaxWidth)
	}
	return helpMaxWidth
}

// isHelpRequest reports whether args (normalised) ask for help: the help
// command, or -h/--help before "--".
func isHelpRequest(args []string) bool {
	if len(args) > 0 && args[0] == "help" {
		return true
	}
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "-h" || a == "--help" {
			return true
		}
	}
	return false
}

// fitHelp wraps the help texts of c at spaces for help drawn width cells
// wide: its long description at width minus fang's padding, and each
// subcommand's summary and flag's description under their column. fang wraps a description with lipgloss, which
// breaks at hyphens ("--non-" ⏎ "interactive"), and leaves a flag's to the
// terminal, which breaks inside words; a text wrapped here fits, so neither
// breaks it. It changes c and its flags (a global flag is the same *pflag.Flag
// in every command, wrapped for this one's column), so it is for a process
// that prints c's help.
func fitHelp(c *cobra.Command, width int) {
	if c.Long != "" {
		c.Long = textwrap.Wrap(c.Long, width-helpShortPad)
	}
	avail := width - helpColumn(c)
	for _, sc := range c.Commands() {
		if !sc.Hidden {
			sc.Short = strings.Join(textwrap.Lines(sc.Short, avail, "", ""), "\n")
		}
	}
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			f.Usage = wrapFlagUsage(f, avail)
		}
	})
}

// helpTarget is the command whose help args (a help request) ask for.
func helpTarget(root *cobra.Command, args []string) *cobra.Command {
	if len(args) > 0 && args[0] == "help" {
		args = args[1:]
	}
	c, _, err := root.Find(args)
	if err != nil {
		return nil
	}
	return c
}

// wrapFlagUsage wraps f's description to width cells, leaving room on its
// last line for the " (default)" fang adds after it.
func wrapFlagUsage(f *pflag.Flag, width int) string {
	usage := strings.Join(strings.Fields(f.Usage), " ")
	suffix := ""
	if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "[]" {
		suffix = " (" + d + ")"
	}
	lines := textwrap.Lines(usage+suffix, width, "", "")
	last := lines[len(lines)-1]
	switch {
	case suffix == "":
	case strings.HasSuffix(last, suffix):
		lines[len(lines)-1] = strings.TrimSuffix(last, suffix)
	default: // the default starts a line of its own
		lines[len(lines)-1] = ""
	}
	return strings.Join(lines, "\n")
}

// helpColumn is where fang starts the text of c's list rows.
func helpColumn(c *cobra.Command) int {
	widest := 0
	for _, sc := range c.Commands() {
		if !sc.Hidden {
			widest = max(widest, len(commandKey(sc)))
		}
	}
	c.InheritedFlags() // merges the parents' persistent flags into c.Flags()
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		key := "--" + f.Name
		if f.Shorthand != "" {
			key = "-" + f.Shorthand + " " + key
		}
		widest = max(widest, len(key))
	})
	return helpLongPad + max(helpMinSpace, widest+2)
}

var bracketed = regexp.MustCompile(`(\[.*\])`)

// commandKey is the text of sc's row in its parent's command list (fang's
// styleUsage without the styles).
func commandKey(sc *cobra.Command) string {
	u := sc.Use
	hasArgs := strings.Contains(u, "[args]")
	hasFlags := strings.Contains(u, "[flags]") || strings.Contains(u, "[--flags]") || sc.HasFlags() || sc.HasPersistentFlags() || sc.HasAvailableFlags()
	hasCommands := strings.Contains(u, "[command]") || sc.HasAvailableSubCommands()
	for _, k := range []string{"[args]", "[flags]", "[--flags]", "[command]"} {
		u = strings.ReplaceAll(u, k, "")
	}
	others := bracketed.FindAllString(u, -1)
	for _, a := range others {
		u = strings.ReplaceAll(u, a, "")
	}
	key := []string{strings.TrimSpace(u)}
	if hasCommands {
		key = append(key, "[command]")
	}
	if hasArgs {
		key = append(key, "[args]")
	}
	key = append(key, others...)
	if hasFlags {
		key = append(key, "[--flags]")
	}
	return strings.Join(slices.DeleteFunc(key, func(s string) bool { return s == "" }), " ")
}
