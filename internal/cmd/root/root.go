// Package root is the root command of logto-twilio: the global flags, the
// command tree, help, and how errors become exit codes.
package root

import (
	"errors"
	"fmt"

	mango "github.com/muesli/mango-cobra"
	"github.com/muesli/roff"

	"github.com/spf13/pflag"

	"github.com/logto-twilio/logto-twilio/internal/build"
	doctorcmd "github.com/logto-twilio/logto-twilio/internal/cmd/doctor"
	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	rotatecmd "github.com/logto-twilio/logto-twilio/internal/cmd/rotate"
	sandboxcmd "github.com/logto-twilio/logto-twilio/internal/cmd/sandbox"
	setupcmd "github.com/logto-twilio/logto-twilio/internal/cmd/setup"
	teardowncmd "github.com/logto-twilio/logto-twilio/internal/cmd/teardown"
	versioncmd "github.com/logto-twilio/logto-twilio/internal/cmd/version"
	workshopcmd "github.com/logto-twilio/logto-twilio/internal/cmd/workshop"

	"github.com/spf13/cobra"
)

// topicsGroup groups the help topics (commands without Run) in --help.
const topicsGroup = "topics"

const rootLong = `logto-twilio sets up SMS (Twilio) sign-in with Logto, step by step, and checks it with a real sign-in in your browser.

Without a command it runs setup, the wizard. Flags use the --name form (-name still works); "logto-twilio help environment" lists the environment variables that prefill the answers. Ctrl-C stops at any point; the next run offers to resume.

Exit codes: 0 done, 1 failed, 2 bad flags or arguments (or, with --non-interactive, a missing answer), 3 doctor found a problem, 124 timed out, 130 interrupted.`

const rootExample = `
# Try the whole flow offline first, with stand-ins of Logto and Twilio
logto-twilio --sandbox

# Set up SMS sign-in for your Logto
logto-twilio setup --logto-endpoint https://abc123.logto.app

# Every environment variable it reads
logto-twilio help environment
`

// NewCmdRoot builds the command tree for one run; setupF (tests) replaces
// the wizard's run, for the root and for setup.
func NewCmdRoot(f *factory.Factory, setupF func(*setupcmd.Options) error) *cobra.Command {
	root := &cobra.Command{
		Use:     "logto-twilio",
		Short:   "Set up SMS (Twilio) sign-in with Logto",
		Long:    rootLong,
		Example: rootExample,
		// Args and RunE: below, with -v/--version.
		// Flag errors are usage errors: exit code 2 and a pointer to --help.
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SuggestionsMinimumDistance = 2
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	// -v/--version is our flag, not cobra's (fang.WithoutVersion in execute): cobra prints
	// "NAME version X" unless given a version template, and any template links text/template,
	// whose reachable Execute keeps every exported method in the binary (4 MiB, issue 11).
	var showVersion bool
	root.Flags().BoolVarP(&showVersion, "version", "v", false, "show the version, commit and release day")
	root.Args = func(c *cobra.Command, args []string) error {
		if showVersion {
			return nil
		}
		return factory.NoArgs(c, args)
	}
	setupOpts, runSetup := setupcmd.RunE(f, setupF)
	root.RunE = func(c *cobra.Command, args []string) error {
		if showVersion {
			return versioncmd.Run(&versioncmd.Options{F: f, Info: build.Read})
		}
		return runSetup(c, args)
	}
	root.SetFlagErrorFunc(flagError)

	o := f.Opts
	pf := root.PersistentFlags()
	pf.StringVarP(&o.ConfigDir, "config-dir", "c", "", "where the setup and secrets are saved (default: your config directory; env LOGTO_TWILIO_CONFIG_DIR)")
	pf.Var(&o.SecretsStore, "secrets-store", "where the secrets are kept: keyring (the OS keyring), file (secrets.json, mode 0600) or auto (the keyring when it works; the default); a saved setup's secrets move to the one chosen (env LOGTO_TWILIO_SECRETS_STORE; not with --sandbox)")
	_ = root.RegisterFlagCompletionFunc("secrets-store", factory.CompleteSecretsStore) // fails only for an unknown flag
	pf.BoolVarP(&o.Sandbox, "sandbox", "s", false, "run offline against built-in stand-ins of Logto and Twilio")
	pf.BoolVar(&o.Accessible, "accessible", false, "plain line-by-line prompts (screen readers, scripts); also ACCESSIBLE=1, TERM=dumb")
	pf.BoolVar(&o.NoBrowser, "no-browser", false, "print URLs instead of opening a browser")
	pf.BoolVarP(&o.Yes, "yes", "y", false, "take every prefilled or default answer without asking (never a destructive one)")
	pf.BoolVar(&o.NonInteractive, "non-interactive", false, "never ask: a missing answer fails with exit code 2 naming the flag, variable or answers key that gives it")
	pf.StringVar(&o.AnswersFile, "answers", "", "a YAML file of answers by ID (docs/answers.md); one holding secrets must be mode 0600")
	pf.BoolVar(&o.Debug, "debug", false, factory.DebugUsage)
	pf.StringVar(&o.DebugFile, "debug-file", "", factory.DebugFileUsage)
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error {
		f.Invocation.Record(c)
		if err := f.StartTrace(c.CommandPath(), fullScreen(c)); err != nil {
			return factory.WithCode(factory.ExitUsage, err)
		}
		if o.AnswersFile == "" {
			return nil
		}
		ans, err := factory.LoadAnswers(o.AnswersFile)
		if err != nil {
			return factory.WithCode(factory.ExitUsage, err)
		}
		o.Answers = ans
		return nil
	}
	pf.StringVar(&o.Preset, "preset", "", factory.PresetUsage)
	// The root runs setup, so it takes setup's flags too.
	setupcmd.AddFlags(root, setupOpts)

	root.AddGroup(&cobra.Group{ID: topicsGroup, Title: "help topics"})
	// The subcommands, in the order --help lists them.
	root.AddCommand(
		setupcmd.NewCmdSetup(f, setupF),
		doctorcmd.NewCmdDoctor(f, nil),
		rotatecmd.NewCmdRotate(f, nil),
		teardowncmd.NewCmdTeardown(f, nil),
		workshopcmd.NewCmdWorkshop(f, nil),
		sandboxcmd.NewCmdSandbox(f),
		versioncmd.NewCmdVersion(f, nil),
		newEnvironmentTopic(f),
	)
	root.AddCommand(newManCmd())
	root.SetHelpCommand(newHelpCmd(f))
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			addCompletionExamples(c)
		}
	}
	wrapArgs(root)
	return root
}

// fullScreen reports whether c may draw the whole terminal (the wizard,
// rotate, workshop's progress), where the trace of --debug goes to a file.
func fullScreen(c *cobra.Command) bool {
	return c == c.Root() || c.Name() == "setup" || c.Name() == "rotate" || (c.HasParent() && c.Parent().Name() == "workshop")
}

// wrapArgs makes the argument errors of c and its subcommands (cobra's
// validators such as cobra.ExactArgs included) usage errors: exit code 2 and
// a pointer to the command's --help.
func wrapArgs(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(c *cobra.Command, args []string) error {
			return factory.Usage(c, check(c, args))
		}
	}
	for _, sc := range c.Commands() {
		wrapArgs(sc)
	}
}

// flagError makes a flag error a usage error (exit code 2, a pointer to the
// command's --help); a bad value names the flag and says what it takes.
func flagError(c *cobra.Command, err error) error {
	var iv *pflag.InvalidValueError
	if errors.As(err, &iv) {
		return factory.UsageErrorf(c, "--%s: %v", iv.GetFlag().Name, iv.Unwrap())
	}
	return factory.Usage(c, err)
}

// newManCmd is fang's hidden man command (fang.WithoutManpage leaves it out),
// with factory.NoArgs, so an argument to it is a usage error like any other.
func newManCmd() *cobra.Command {
	return &cobra.Command{
		Use:                   "man",
		Short:                 "Generates manpages",
		SilenceUsage:          true,
		DisableFlagsInUseLine: true,
		Hidden:                true,
		Args:                  factory.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			page, err := mango.NewManPage(1, c.Root())
			if err != nil {
				return fmt.Errorf("man page: %w", err)
			}
			_, err = fmt.Fprint(c.OutOrStdout(), page.Build(roff.NewDocument()))
			return err //nolint:wrapcheck // a write to stdout
		},
	}
}

// newHelpCmd replaces cobra's help command: an unknown topic is a usage error
// (cobra prints the usage and exits 0), and it has examples.
func newHelpCmd(f *factory.Factory) *cobra.Command {
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
				return factory.UsageErrorf(c.Root(), "there is no such help topic: %s lists the commands, and %s the variables",
					f.Invocation.Bare("", "--help"), f.Invocation.Bare("help", "environment"))
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
