// Package factory is what every command shares (gh's cmdutil.Factory): the
// process's streams and environment, the global flags, the one prompter, the
// browser, the saved setup and the HTTP clients that reach its services, and
// the Invocation that builds every command line the program suggests. Each
// command (internal/cmd/<name>) copies what it needs into its own Options.
package factory

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/httpclient"
	"github.com/logto-twilio/logto-twilio/internal/sandbox"
	"github.com/logto-twilio/logto-twilio/tui"
)

// Options are the global flags, parsed before any command runs.
type Options struct {
	Sandbox    bool
	Accessible bool
	NoBrowser  bool
	ConfigDir  string
	// Preset is --preset (a workshop card); PresetDir the attendee's config
	// directory it chose (see ApplyPreset).
	Preset, PresetDir string
	// SecretsStore is --secrets-store ("" when not given).
	SecretsStore SecretsStoreValue

	Yes            bool
	NonInteractive bool
	AnswersFile    string
	// Answers is the answers file, loaded before the command runs.
	Answers map[string]string

	// Debug is --debug, DebugFile --debug-file (see StartTrace).
	Debug     bool
	DebugFile string
}

// Factory is what every command shares.
type Factory struct {
	IO         *IOStreams
	Getenv     func(string) string
	Opts       *Options
	Invocation *Invocation

	prompter Prompter

	// trace is the HTTP trace of --debug (nil: none); traceFile its file,
	// traceNamed that file's name when this run chose it (StartTrace).
	trace      *httpclient.Trace
	traceFile  *os.File
	traceNamed string
}

// New returns the factory of a process: its streams, its environment and
// how it was started (ProgramName).
func New(io *IOStreams, getenv func(string) string, program string) *Factory {
	return &Factory{IO: io, Getenv: getenv, Opts: &Options{}, Invocation: NewInvocation(program)}
}

// Hint is the cmdline.Func every domain package gets: Invocation.Line.
func (f *Factory) Hint() cmdline.Func { return f.Invocation.Func() }

// Answer returns the answers file's value for id ("" when none).
func (f *Factory) Answer(id string) string { return strings.TrimSpace(f.Opts.Answers[id]) }

// CanPrompt reports whether the user can be asked with forms: standard input
// and output are terminals, and neither --accessible, --non-interactive nor
// TERM=dumb says otherwise.
func (f *Factory) CanPrompt() bool {
	return f.IO.IsStdinTTY() && f.IO.IsStdoutTTY() && !f.Opts.Accessible && !f.Opts.NonInteractive && f.Getenv("TERM") != "dumb"
}

// Prompter is the process's one prompter: huh forms when CanPrompt, else
// question and answer lines over the one stdin reader.
func (f *Factory) Prompter() Prompter {
	if f.prompter == nil {
		if t := f.IO.In.Terminal(); t != nil && f.CanPrompt() {
			f.prompter = formPrompter{in: t, out: f.IO.Out}
		} else {
			f.prompter = linePrompter{io: f.IO}
		}
	}
	return f.prompter
}

// Confirm asks a yes/no question, unless yes (a command's --yes), the
// global --yes or the answer "yes" answers it; --non-interactive without an
// answer is a missing input (exit code 2) naming --yes. When the input ends
// before an answer it returns a usage error of c naming --yes.
func (f *Factory) Confirm(c *cobra.Command, question string, yes bool) (bool, error) {
	switch ans := strings.ToLower(f.Answer("yes")); {
	case yes || f.Opts.Yes || ans == "yes":
		return true, nil
	case ans == "no":
		return false, nil
	case f.Opts.NonInteractive:
		return false, &config.MissingInputError{Input: fmt.Sprintf("the answer to %q", question), Flag: "--yes", AnswerKey: "yes"}
	}
	ok, err := f.Prompter().Confirm(c.Context(), question)
	switch {
	case errors.Is(err, ErrAborted):
		return false, WithCode(ExitInterrupted, nil)
	case errors.Is(err, ErrNoAnswer):
		return false, UsageErrorf(c, "%w: nothing answered %q; pass --yes to go ahead without asking", ErrNoAnswer, question)
	}
	return ok, err
}

// TUIOptions are the tui.Options of every screen: the one stdin reader,
// stdout, the environment, --accessible and --non-interactive.
func (f *Factory) TUIOptions() tui.Options {
	return tui.Options{
		In: f.IO.In, Out: f.IO.Out, Env: f.IO.Env(),
		Accessible: f.Opts.Accessible, NonInteractive: f.Opts.NonInteractive,
		AppName: cmdline.Program,
	}
}

// Store picks the save directory: --config-dir, LOGTO_TWILIO_CONFIG_DIR, or
// the user's config directory; and the secrets store (SecretsStoreFor). No
// file is touched here, and the keyring is not asked.
func (f *Factory) Store() (*config.Store, error) {
	secrets, err := SecretsStoreFor(*f.Opts, f.Getenv)
	if err != nil {
		return nil, err
	}
	dir := strings.TrimSpace(f.Opts.ConfigDir)
	if dir == "" {
		dir = strings.TrimSpace(f.Getenv("LOGTO_TWILIO_CONFIG_DIR"))
	}
	if dir != "" {
		return &config.Store{Dir: dir, SecretsStore: secrets}, nil
	}
	s, err := config.DefaultStore()
	if err != nil {
		return nil, fmt.Errorf("%w (set --config-dir)", err)
	}
	s.SecretsStore = secrets
	return &s, nil
}

// SandboxOptions are the options of the sandbox for this run's flags.
func (f *Factory) SandboxOptions() sandbox.Options {
	return sandbox.Options{
		ConfigDir: f.Opts.ConfigDir, Getenv: f.Getenv, Command: f.Invocation.Ran(), Trace: f.trace,
		LogtoVersion: f.Getenv(sandbox.LogtoVersionEnv),
	}
}

// Saved is what the commands that work on a saved setup (doctor, teardown,
// rotate, workshop) share: the store, what it holds, and HTTP clients that
// reach the same Logto and Twilio as the run that saved it (the sandbox's
// stand-ins with --sandbox).
type Saved struct {
	Store    *config.Store
	Loaded   config.Loaded
	LogtoHC  *http.Client
	TwilioHC *http.Client
	// Panel is the sandbox's SMS inbox (nil for a real setup).
	Panel *sandbox.Panel
	// Sandbox is the sandbox's wiring (nil for a real setup).
	Sandbox *sandbox.Env
	close   func()
}

// Close stops what OpenSaved started (the sandbox's stand-ins).
func (s *Saved) Close() {
	if s.close != nil {
		s.close()
	}
}

// OpenSaved loads the saved setup for a command that changes things
// (rotate, teardown, workshop prepare and teardown) and builds the clients
// for it. A saved file whose content is unusable (damaged, or made by a
// newer logto-twilio) is refused with a *config.DamagedError naming it and
// the fix, before anything changes; otherwise it tidies the folder
// (config.Store.Load: temporary files of a killed save, a secrets file
// others can read), saying what it did on stderr. With --secrets-store it moves the secrets
// to that store. With --sandbox, the sandbox's stand-ins save their state.
func (f *Factory) OpenSaved() (*Saved, error) { return f.openSaved(false) }

// ReadSaved is OpenSaved for the read-only commands (doctor, workshop
// status): it writes, moves, removes and chmods nothing (with --sandbox
// neither: see sandbox.Options.ReadOnly), and what is wrong with the saved
// files is in Loaded.Damage for the command to report.
func (f *Factory) ReadSaved() (*Saved, error) { return f.openSaved(true) }

func (f *Factory) openSaved(readOnly bool) (*Saved, error) {
	if f.Opts.Sandbox {
		return f.openSandboxSaved(readOnly)
	}
	// With a workshop card (--preset, LOGTO_TWILIO_PRESET) the saved setup is
	// the attendee's own, in the folder the card's run uses.
	if _, err := ApplyPreset(f.Opts, "", 0, f.Getenv); err != nil {
		return nil, err
	}
	store, err := f.Store()
	if err != nil {
		return nil, err
	}
	l, err := f.load(store, readOnly)
	if err != nil {
		return nil, err
	}
	env := &Saved{Store: store, Loaded: l}
	if env.LogtoHC, env.TwilioHC, err = f.HTTPClients(l.Setup.TwilioBaseURL); err != nil {
		return nil, err
	}
	return env, nil
}

// load reads the saved setup of store: Read when readOnly; else a refusal
// of unusable files before anything changes, then Load (which tidies the
// folder and may move the secrets), its sentences on stderr.
func (f *Factory) load(store *config.Store, readOnly bool) (config.Loaded, error) {
	fail := func(err error) (config.Loaded, error) {
		var de *config.DamagedError
		if errors.As(err, &de) {
			return config.Loaded{}, err
		}
		return config.Loaded{}, fmt.Errorf("cannot read the saved setup in %s: %w", store.Dir, err)
	}
	if readOnly {
		l, err := store.Read()
		if err != nil {
			return fail(err)
		}
		return l, nil
	}
	l, err := store.Read()
	if err != nil {
		return fail(err)
	}
	if u := l.Unusable(); len(u) > 0 {
		return fail(&config.DamagedError{Damage: u, Command: f.Hint()})
	}
	if l, err = store.Load(); err != nil {
		return fail(err)
	}
	for _, p := range l.Problems {
		fmt.Fprintln(f.IO.ErrOut, p)
	}
	if l.Moved != "" {
		fmt.Fprintln(f.IO.ErrOut, l.Moved) // --secrets-store chose another store
	}
	return l, nil
}

// HTTPClients are the clients of Logto and Twilio calls for a real setup:
// a whole-request timeout, the User-Agent, and the trace of --debug; Twilio's
// sends *.twilio.com to twilioBaseURL when one is given (--twilio-base-url,
// or the saved one).
func (f *Factory) HTTPClients(twilioBaseURL string) (logto, twilio *http.Client, err error) {
	logto = httpclient.New(f.trace.Wrap(http.DefaultTransport))
	if twilioBaseURL == "" {
		return logto, logto, nil
	}
	u, err := httpclient.ParseTwilioBaseURL(twilioBaseURL)
	if err != nil {
		return nil, nil, err
	}
	return logto, httpclient.New(httpclient.Rewrite{Base: u, Next: f.trace.Wrap(http.DefaultTransport)}), nil
}

// NoSetupError says there is no saved setup and how to make one.
func (f *Factory) NoSetupError(env *Saved) error {
	return WithCode(ExitFailure, fmt.Errorf("there is no saved setup in %s: run %s first",
		env.Store.Dir, f.Invocation.Line("setup")))
}

// openSandboxSaved is OpenSaved for --sandbox: the sandbox's folder and its
// stand-ins, restored from their saved state (and saved again on close).
func (f *Factory) openSandboxSaved(readOnly bool) (*Saved, error) {
	o := f.SandboxOptions()
	o.ReadOnly = readOnly
	sb, err := sandbox.Open(o)
	if err != nil {
		return nil, err
	}
	l, err := f.load(sb.Store, readOnly)
	if err != nil {
		_ = sb.Close()
		return nil, err
	}
	sb.Relocate(&l.Setup)

	return &Saved{
		Store: sb.Store, Loaded: l, LogtoHC: sb.LogtoHTTP, TwilioHC: sb.TwilioHTTP, Panel: sb.Panel, Sandbox: sb,
		close: func() {
			if err := sb.Close(); err != nil {
				fmt.Fprintf(f.IO.ErrOut, "logto-twilio: %v\n", err)
			}
		},
	}, nil
}

// Context is c's context, or the background one when it has none (tests).
func Context(c *cobra.Command) context.Context {
	if ctx := c.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
