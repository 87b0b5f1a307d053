package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/huh/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/steps"
)

// savedEnv is what the commands that work on a saved setup (doctor,
// teardown, rotate, workshop) share: the store, what it holds, and HTTP
// clients that reach the same Logto and Twilio as the run that saved it
// (the sandbox's stand-ins with --sandbox).
type savedEnv struct {
	store    *config.Store
	loaded   config.Loaded
	logtoHC  *http.Client
	twilioHC *http.Client
	// panel is the sandbox's SMS inbox (nil for a real setup).
	panel *inboxPanel
	close func()
}

// openSaved loads the saved setup and builds the clients for it. Nothing is
// written.
func (a *app) openSaved() (*savedEnv, error) {
	if a.opts.sandbox {
		return a.openSandboxSaved()
	}
	// With a workshop card (--preset, LOGTO_TWILIO_PRESET) the saved setup is
	// the attendee's own, in the folder the card's run uses.
	var unused steps.Prefill
	if err := applyPreset(&a.opts, &unused, a.getenv); err != nil {
		return nil, err
	}
	store, err := storeFor(a.opts, a.getenv)
	if err != nil {
		return nil, err
	}
	l, err := store.Load()
	if err != nil {
		return nil, fmt.Errorf("cannot read the saved setup in %s: %w", store.Dir, err)
	}
	if l.Moved != "" {
		fmt.Fprintln(a.stderr, l.Moved) // --secrets-store chose another store
	}
	env := &savedEnv{store: store, loaded: l, logtoHC: newHTTPClient(nil), close: func() {}}
	env.twilioHC = env.logtoHC
	base := a.opts.twilioBaseURL
	if base == "" {
		base = l.Setup.TwilioBaseURL
	}
	if base != "" {
		u, err := parseTwilioBaseURL(base)
		if err != nil {
			return nil, err
		}
		env.twilioHC = newHTTPClient(rewriteTransport{base: u, next: http.DefaultTransport})
	}
	return env, nil
}

// noSetupError says there is no saved setup and how to make one.
func (a *app) noSetupError(env *savedEnv) error {
	return withCode(exitFailure, fmt.Errorf("there is no saved setup in %s: run %s first",
		env.store.Dir, againCommand(a.opts, "setup")))
}

// terminalIO reports whether stdin and stdout are both terminals.
func (a *app) terminalIO() bool {
	in, okIn := a.stdin.(*os.File)
	out, okOut := a.stdout.(*os.File)
	return okIn && okOut && term.IsTerminal(in.Fd()) && term.IsTerminal(out.Fd())
}

// width is the terminal's width, or 80 when stdout is not a terminal.
func (a *app) width() int {
	if out, ok := a.stdout.(*os.File); ok && term.IsTerminal(out.Fd()) {
		if w, _, err := term.GetSize(out.Fd()); err == nil && w > 20 {
			return w
		}
	}
	return 80
}

// color reports whether output may be coloured: stdout is a terminal and
// neither NO_COLOR nor TERM=dumb says otherwise.
func (a *app) color() bool {
	out, ok := a.stdout.(*os.File)
	return ok && term.IsTerminal(out.Fd()) && a.getenv("NO_COLOR") == "" && a.getenv("TERM") != "dumb"
}

// errNoAnswer is returned by confirm when there is nobody to ask.
var errNoAnswer = errors.New("no answer")

// confirm asks a yes/no question: a huh confirm on a terminal, a "[y/N]"
// line otherwise (scripts, screen readers). yes answers it without asking.
// When the input ends before an answer it returns a usage error naming
// --yes.
func (a *app) confirm(c *cobra.Command, question string, yes bool) (bool, error) {
	switch ans := strings.ToLower(a.answer("yes")); {
	case yes || a.opts.yes || ans == "yes":
		return true, nil
	case ans == "no":
		return false, nil
	case a.opts.nonInteractive:
		return false, &config.MissingInputError{Input: fmt.Sprintf("the answer to %q", question), Flag: "--yes", AnswerKey: "yes"}
	}
	if a.terminalIO() && !a.opts.accessible && a.getenv("TERM") != "dumb" {
		ok := false
		err := huh.NewForm(huh.NewGroup(huh.NewConfirm().Title(question).
			Affirmative("Yes").Negative("No").Value(&ok))).
			WithInput(a.stdin).WithOutput(a.stdout).WithShowHelp(false).RunWithContext(c.Context())
		if errors.Is(err, huh.ErrUserAborted) {
			return false, withCode(exitInterrupted, nil)
		}
		if err != nil {
			return false, fmt.Errorf("ask: %w", err)
		}
		return ok, nil
	}
	fmt.Fprintf(a.stdout, "%s [y/N] ", question)
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if strings.TrimSpace(line) == "" && err != nil {
		fmt.Fprintln(a.stdout)
		if errors.Is(err, io.EOF) {
			return false, usageErrorf(c, "%w: nothing answered %q; pass --yes to go ahead without asking", errNoAnswer, question)
		}
		return false, fmt.Errorf("ask: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// openSandboxSaved is openSaved for --sandbox: the sandbox's folder and its
// stand-ins, restored from their saved state (and saved again on close).
func (a *app) openSandboxSaved() (*savedEnv, error) {
	sb, err := openSandbox(a.opts, a.getenv)
	if err != nil {
		return nil, err
	}
	l, err := sb.Store.Load()
	if err != nil {
		_ = sb.Close()
		return nil, fmt.Errorf("cannot read the sandbox's setup in %s: %w", sb.Dir, err)
	}
	return &savedEnv{
		store: sb.Store, loaded: l, logtoHC: sb.LogtoHTTP, twilioHC: sb.TwilioHTTP, panel: sb.Panel,
		close: func() {
			if err := sb.Close(); err != nil {
				fmt.Fprintf(a.stderr, "logto-twilio: %v\n", err)
			}
		},
	}, nil
}
