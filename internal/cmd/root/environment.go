package root

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"charm.land/fang/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/sandbox"
	"github.com/logto-twilio/logto-twilio/internal/textwrap"
)

// envVar is one environment variable logto-twilio reads.
type envVar struct {
	name string
	what string
}

// envPrefills are the variables that prefill the wizard's answers
// (steps.PrefillFromEnv).
var envPrefills = []envVar{
	{"LOGTO_ENDPOINT", "your Logto endpoint (--logto-endpoint wins)"},
	{"LOGTO_APP_ID", "the ID of the Logto app (traditional web) that users sign in to"},
	{"LOGTO_APP_SECRET", "that app's secret"},
	{"LOGTO_M2M_APP_ID", "the ID of a machine-to-machine app with Management API access, so the wizard can create and configure the app for you"},
	{"LOGTO_M2M_APP_SECRET", "that M2M app's secret"},
	{"TWILIO_ACCOUNT_SID", "your Twilio Account SID (AC…)"},
	{"TWILIO_AUTH_TOKEN", "your Twilio Auth Token"},
}

// envBehaviour are the variables that change how logto-twilio runs.
var envBehaviour = []envVar{
	{"LOGTO_TWILIO_CONFIG_DIR", "where the setup and its secrets are saved (--config-dir wins; default: logto-twilio in your config directory, ~/.config/logto-twilio on Linux)"},
	{"LOGTO_TWILIO_PRESET", "a workshop attendee's card file, like --preset (the flag wins)"},
	{factory.DebugEnv, "api: show each HTTP exchange with Logto and Twilio, secrets redacted, like --debug: on stderr, or in --debug-file; a run that fills the terminal writes a file and names it at exit"},
	{"LOGTO_TWILIO_SECRETS_STORE", "keyring, file or auto: where the secrets are kept (--secrets-store wins; default auto: the OS keyring when it works, else secrets.json, mode 0600, beside the setup; a saved setup's secrets move to the one chosen)"},
	{sandbox.LogtoVersionEnv, "1.37.1 (the default) or 1.41.0: the Logto version that the --sandbox Logto stand-in imitates. It is saved when the sandbox is made: later --sandbox commands in that folder imitate the same version without the variable, and one that asks for another version is refused (the error says how to make a new sandbox)"},
	{"NO_COLOR", "any value: no colours"},
	{"ACCESSIBLE", "1: plain line-by-line prompts for screen readers and scripts (the same as --accessible; also whenever stdin or stdout is not a terminal)"},
	{"TERM", "dumb: plain line-by-line prompts, no colours"},
	{factory.LauncherEnv, "set by the npm package's launcher (npx logto-twilio) for the program it starts, not by you: the command line that runs the launcher again, which the command lines logto-twilio suggests start with"},
	{"BROWSER", "a command that opens URLs (its words, then the URL) instead of the system's opener"},
	{"SSH_CONNECTION, SSH_TTY", "set by ssh: URLs are printed instead of opened, like --no-browser; with SSH_CONNECTION the sign-in step also gives the ssh -L tunnel to run on your own computer (its server address, and USER)"},
}

const environmentIntro = `The environment variables logto-twilio reads. Secrets given this way are used like typed ones: masked on screen and saved only in the secrets store (the OS keyring, or the secrets file, mode 0600). A flag wins over its variable, a variable over an answers file (--answers, see docs/answers.md), and that over the saved setup. With every answer given, --yes or --non-interactive runs the wizard without a question.`

const environmentExample = `
# Prefill the Logto endpoint and the Twilio account
LOGTO_ENDPOINT=https://abc123.logto.app TWILIO_ACCOUNT_SID=AC… logto-twilio

# Plain prompts without colours
NO_COLOR=1 ACCESSIBLE=1 logto-twilio setup
`

// newEnvironmentTopic is the help topic "logto-twilio help environment".
// It has no Run: cobra treats it as a help topic.
func newEnvironmentTopic(f *factory.Factory) *cobra.Command {
	c := &cobra.Command{
		Use:     "environment",
		Short:   "The environment variables it reads, and what each prefills",
		Long:    environmentIntro,
		Example: environmentExample,
		GroupID: topicsGroup,
	}
	c.SetHelpFunc(func(c *cobra.Command, _ []string) {
		w := colorprofile.NewWriter(c.OutOrStdout(), f.IO.Env())
		writeEnvironment(w, darkBackground(f), f.IO.Width())
	})
	return c
}

// maxNameColumn is the widest the names' column grows (a name and two
// spaces), so that the descriptions keep most of an 80-column terminal.
const maxNameColumn = 28

// writeEnvironment writes the topic in fang's layout: a paragraph, then
// titled sections of "NAME  what it does", wrapped at spaces to the
// terminal's width (80 when not a terminal; 100 at most).
func writeEnvironment(w io.Writer, dark bool, termWidth int) {
	cs := fang.DefaultColorScheme(lipgloss.LightDark(dark))
	title := lipgloss.NewStyle().Bold(true).Foreground(cs.Title).Transform(strings.ToUpper)
	name := lipgloss.NewStyle().Foreground(cs.Flag)
	desc := lipgloss.NewStyle().Foreground(cs.Description)
	comment := lipgloss.NewStyle().Foreground(cs.Comment)
	width := min(termWidth, 100)
	// The descriptions start after the longest name, unless that name is
	// longer than maxNameColumn: such a name has its line to itself.
	nameWidth := 0
	for _, v := range append(slices.Clone(envPrefills), envBehaviour...) {
		if len(v.name)+2 <= maxNameColumn {
			nameWidth = max(nameWidth, len(v.name)+2)
		}
	}

	_, _ = fmt.Fprintln(w)
	for _, line := range textwrap.Lines(environmentIntro, width, "  ", "  ") {
		_, _ = fmt.Fprintln(w, line)
	}
	heading := func(s string) {
		_, _ = fmt.Fprintln(w)
		_, _ = fmt.Fprintln(w, "  "+title.Render(s))
		_, _ = fmt.Fprintln(w)
	}
	section := func(s string, vars []envVar) {
		heading(s)
		for _, v := range vars {
			lines := textwrap.Lines(v.what, width-4-nameWidth, "", "")
			long := len(v.name)+2 > nameWidth
			if long {
				_, _ = fmt.Fprintln(w, "    "+name.Render(v.name))
			}
			for i, line := range lines {
				left := strings.Repeat(" ", nameWidth)
				if i == 0 && !long {
					left = name.Render(v.name) + strings.Repeat(" ", nameWidth-len(v.name))
				}
				_, _ = fmt.Fprintln(w, "    "+left+desc.Render(line))
			}
		}
	}
	section("prefill the wizard's answers", envPrefills)
	section("change how it runs", envBehaviour)
	heading("examples")
	for _, line := range strings.Split(strings.TrimSpace(environmentExample), "\n") {
		if strings.HasPrefix(line, "#") {
			line = comment.Render(line)
		}
		_, _ = fmt.Fprintln(w, strings.TrimRight("    "+line, " "))
	}
	_, _ = fmt.Fprintln(w)
}

// darkBackground asks the terminal, as fang does, when stdin and stdout are
// one; otherwise (pipes, tests) the colours are dropped anyway.
func darkBackground(f *factory.Factory) bool {
	in, out := f.IO.In.Terminal(), f.IO.Out
	if in == nil || !f.IO.IsStdoutTTY() {
		return true
	}
	fin, okIn := in.(term.File)
	fout, okOut := out.(term.File)
	if !okIn || !okOut {
		return true
	}
	return lipgloss.HasDarkBackground(fin, fout)
}
