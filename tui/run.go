package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
)

// ErrInterrupted is returned by Run when the user pressed ctrl+c (or the
// context was cancelled). Callers map it to exit code 130; everything
// committed so far has already been handed to Options.Checkpoint.
var ErrInterrupted = errors.New("tui: interrupted")

// ErrNeedsInput is returned (wrapped) by a non-interactive run that reached
// a step with a question nobody answered, when the step does not name the
// input itself (see [MissingInputer]). Callers map it to exit code 2.
var ErrNeedsInput = errors.New("tui: an answer is missing")

// ErrInputEnded is returned by the line runner when its input ends before the
// wizard does.
var ErrInputEnded = errors.New("tui: input ended before the wizard finished")

// Options configure Run.
type Options struct {
	In  io.Reader // default os.Stdin
	Out io.Writer // default os.Stdout
	// Env is the environment (KEY=value) used for ACCESSIBLE, TERM, NO_COLOR
	// and the colour profile; default os.Environ().
	Env []string
	// Accessible forces the line runner (--accessible).
	Accessible bool
	// NonInteractive never shows a form (--non-interactive): a step that is
	// not Ready (see [Readier]) and has something to ask ends the run with
	// its MissingInput error, and a failed step ends it with its error.
	// Steps without a form (the browser sign-in) still run and wait. It
	// implies the line runner.
	NonInteractive bool
	// Width and Height fix the terminal size (tests, or when unknown).
	Width, Height int
	// AppName is shown in the window title.
	AppName string
	// Panel, when set, returns text drawn in a box under the step (e.g. a
	// sandbox SMS inbox). It is called on the UI goroutine at every redraw,
	// so it must be safe to call concurrently with whatever updates it.
	// It is for what the caller watches across steps (the sandbox's inbox
	// belongs to cmd, not to a step); a step's own live status goes through
	// Report instead.
	Panel func() string
	// PanelRefresh, when set, asks for a redraw each time it receives.
	// (Program.Send(RefreshPanel{}) does the same.)
	PanelRefresh <-chan struct{}
	// Checkpoint is called on the UI goroutine after a step's Commit. It
	// takes a snapshot of the state and returns the function that writes it
	// (run inside a tea.Cmd); nil means nothing to save.
	Checkpoint func(stepID string) (persist func() error)
	// Observe, when set, is called on the UI goroutine after every update
	// with where the runner is. It is exported for tests outside this
	// package (the steps' teatest flows wait on it instead of sleeping) and
	// for instrumentation; the wizard itself never sets it.
	Observe func(Snapshot)
	// ProgramOptions are added to the Bubble Tea program (tests: colour
	// profile).
	ProgramOptions []tea.ProgramOption
}

func (o Options) withDefaults() Options {
	if o.In == nil {
		o.In = os.Stdin
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.Env == nil {
		o.Env = os.Environ()
	}
	return o
}

func getenv(env []string, k string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], k+"="); ok {
			return v
		}
	}
	return ""
}

// UseLineRunner reports whether Run will use the line runner: --accessible,
// --non-interactive,
// ACCESSIBLE set (not "0"/"false"), TERM=dumb, or stdin/stdout not a terminal.
func UseLineRunner(o Options) bool {
	o = o.withDefaults()
	if o.Accessible || o.NonInteractive {
		return true
	}
	if accessibleEnv(o.Env) {
		return true
	}
	if getenv(o.Env, "TERM") == "dumb" {
		return true
	}
	return !isTerminal(o.In) || !isTerminal(o.Out)
}

// accessibleEnv reports whether ACCESSIBLE asks for the line runner.
func accessibleEnv(env []string) bool {
	a := getenv(env, "ACCESSIBLE")
	return a != "" && a != "0" && !strings.EqualFold(a, "false")
}

func isTerminal(v any) bool {
	if li, ok := v.(*LineInput); ok {
		v = li.raw
	}
	f, ok := v.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(f.Fd())
}

// Run walks steps with the interactive runner or the line runner (see
// UseLineRunner). It returns nil when every step is committed, ErrInterrupted
// on ctrl+c, or another error. It does no disk or network work before the
// first frame: all of that is in the steps.
func Run(ctx context.Context, steps []Step, opts Options) error {
	opts = opts.withDefaults()
	if UseLineRunner(opts) {
		return RunLines(ctx, steps, opts)
	}
	in := opts.In
	if li, ok := in.(*LineInput); ok {
		in = li.raw // the terminal: Bubble Tea reads its keys in raw mode
	}
	m := NewModel(ctx, steps, opts)
	popts := []tea.ProgramOption{
		tea.WithContext(ctx),
		tea.WithInput(in),
		tea.WithOutput(opts.Out),
		tea.WithEnvironment(opts.Env),
	}
	if opts.Width > 0 && opts.Height > 0 {
		popts = append(popts, tea.WithWindowSize(opts.Width, opts.Height))
	}
	popts = append(popts, opts.ProgramOptions...)
	_, err := tea.NewProgram(m, popts...).Run()
	return programError(ctx, m, err)
}

func programError(ctx context.Context, m *Model, err error) error {
	switch {
	case m.Interrupted() || errors.Is(err, tea.ErrInterrupted):
		return ErrInterrupted
	case errors.Is(ctx.Err(), context.Canceled):
		return fmt.Errorf("%w: %w", ErrInterrupted, ctx.Err())
	case ctx.Err() != nil:
		return fmt.Errorf("tui: %w", ctx.Err())
	case err != nil:
		return fmt.Errorf("tui: %w", err)
	case m.Phase() != PhaseDone:
		return ErrInterrupted
	}
	return nil
}
