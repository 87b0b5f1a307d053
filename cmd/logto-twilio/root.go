package main

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// app is what every command shares: the process's streams and environment,
// and the flags parsed into options. Commands are built by functions of the
// form func(*app) *cobra.Command, listed in commands.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string

	// opts holds the parsed flags (persistent ones and each command's own).
	opts options

	// wizard runs the setup wizard; tests replace it to see the parsed options.
	wizard func(ctx context.Context, o options, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error
}

// topicsGroup groups the help topics (commands without Run) in --help.
const topicsGroup = "topics"

// commands are the subcommands, in the order --help lists them. Add a command
// by writing its newXCmd in its own file and listing it here.
var commands = []func(*app) *cobra.Command{
	newSetupCmd,
	newDoctorCmd,
	newRotateCmd,
	newTeardownCmd,
	newWorkshopCmd,
	newSandboxCmd,
	newEnvironmentTopic,
}

const rootLong = `logto-twilio sets up SMS (Twilio) sign-in with Logto, step by step, and checks it with a real sign-in in your browser.

Without a command it runs setup, the wizard. Flags use the --name form (-name still works); "logto-twilio help environment" lists the environment variables that prefill the answers. Ctrl-C stops at any point; the next run offers to resume.

Exit codes: 0 done, 1 failed, 2 bad flags or arguments, 3 doctor found a problem, 124 timed out, 130 interrupted.`

const rootExample = `
# Try the whole flow offline first, with stand-ins of Logto and Twilio
logto-twilio --sandbox

# Set up SMS sign-in for your Logto
logto-twilio setup --logto-endpoint https://abc123.logto.app

# Every environment variable it reads
logto-twilio help environment
`

// newRootCmd builds the command tree for one run.
func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:     "logto-twilio",
		Short:   "Set up SMS (Twilio) sign-in with Logto",
		Long:    rootLong,
		Example: rootExample,
		Args:    noArgs,
		RunE:    a.runSetup,
		// Flag errors are usage errors: exit code 2 and a pointer to --help.
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SuggestionsMinimumDistance = 2
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetVersionTemplate("logto-twilio {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{cmd: c.CommandPath(), err: err}
	})

	pf := root.PersistentFlags()
	pf.StringVarP(&a.opts.configDir, "config-dir", "c", "", "where the setup and secrets are saved (default: your config directory; env LOGTO_TWILIO_CONFIG_DIR)")
	pf.Var(&a.opts.secretsStore, "secrets-store", "where the secrets are kept: keyring (the OS keyring), file (secrets.json, mode 0600) or auto (the keyring when it works; the default); a saved setup's secrets move to the one chosen (env LOGTO_TWILIO_SECRETS_STORE; not with --sandbox)")
	pf.BoolVarP(&a.opts.sandbox, "sandbox", "s", false, "run offline against built-in stand-ins of Logto and Twilio")
	pf.BoolVar(&a.opts.accessible, "accessible", false, "plain line-by-line prompts (screen readers, scripts); also ACCESSIBLE=1, TERM=dumb")
	pf.BoolVar(&a.opts.noBrowser, "no-browser", false, "print URLs instead of opening a browser")
	// The root runs setup, so it takes setup's flags too.
	addSetupFlags(root, &a.opts)

	root.AddGroup(&cobra.Group{ID: topicsGroup, Title: "help topics"})
	for _, newCmd := range commands {
		root.AddCommand(newCmd(a))
	}
	root.SetHelpCommand(newHelpCmd())
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			addCompletionExamples(c)
		}
	}
	wrapArgs(root)
	return root
}

// wrapArgs makes the argument errors of c and its subcommands (cobra's
// validators such as cobra.ExactArgs included) usage errors: exit code 2 and
// a pointer to the command's --help.
func wrapArgs(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(c *cobra.Command, args []string) error {
			err := check(c, args)
			var ue *usageError
			if err == nil || errors.As(err, &ue) {
				return err
			}
			return &usageError{cmd: c.CommandPath(), err: err}
		}
	}
	for _, sc := range c.Commands() {
		wrapArgs(sc)
	}
}

// noArgs refuses positional arguments, suggesting a command for a typo.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if c.HasAvailableSubCommands() {
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			return usageErrorf(c, "unknown command %q; did you mean %q?", args[0], s[0])
		}
		return usageErrorf(c, "unknown command %q", args[0])
	}
	return usageErrorf(c, "unexpected argument %q", args[0])
}

// newHelpCmd replaces cobra's help command: an unknown topic is a usage error
// (cobra prints the usage and exits 0), and it has examples.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command or topic]",
		Short: "Help for any command, or a topic such as environment",
		Example: `
logto-twilio help setup
logto-twilio help environment
`,
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return usageErrorf(c.Root(), "unknown help topic %q", strings.Join(args, " "))
			}
			target.InitDefaultHelpFlag()
			target.InitDefaultVersionFlag()
			return target.Help()
		},
	}
}

// addCompletionExamples gives cobra's completion command and its shell
// subcommands an Example section, as every command has one.
func addCompletionExamples(c *cobra.Command) {
	c.Example = `
# Load completions into the current bash
source <(logto-twilio completion bash)
`
	for _, sc := range c.Commands() {
		switch sc.Name() {
		case "bash":
			sc.Example = "logto-twilio completion bash > /etc/bash_completion.d/logto-twilio"
		case "zsh":
			sc.Example = `logto-twilio completion zsh > "${fpath[1]}/_logto-twilio"`
		case "fish":
			sc.Example = "logto-twilio completion fish > ~/.config/fish/completions/logto-twilio.fish"
		case "powershell":
			sc.Example = "logto-twilio completion powershell | Out-String | Invoke-Expression"
		}
	}
}
