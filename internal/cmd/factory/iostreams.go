package factory

import (
	"io"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"

	"github.com/logto-twilio/logto-twilio/tui"
)

// IOStreams are the process's standard streams, decided once: the one
// reader of standard input (every question reads through it, so piped
// answers reach the question they were meant for), whether each stream is a
// terminal, the terminal's width and the colour profile.
type IOStreams struct {
	// In is the one reader of standard input.
	In *tui.LineInput
	// Out and ErrOut are standard output and standard error.
	Out, ErrOut io.Writer

	stdinTTY, stdoutTTY bool
	width               int
	// Profile is the colour profile of Out (colorprofile.Detect: NO_COLOR,
	// CLICOLOR_FORCE, TERM and whether it is a terminal).
	Profile colorprofile.Profile
	env     []string
}

// fder is what a terminal stream has: a file descriptor.
type fder interface{ Fd() uintptr }

// isTTY reports whether v is a terminal.
func isTTY(v any) bool {
	f, ok := v.(fder)
	return ok && term.IsTerminal(f.Fd())
}

// NewIOStreams decides what the streams are; env is the environment
// (KEY=value) that colour detection reads.
func NewIOStreams(in io.Reader, out, errOut io.Writer, env []string) *IOStreams {
	s := &IOStreams{
		In: tui.NewLineInput(in), Out: out, ErrOut: errOut,
		stdinTTY: isTTY(in), stdoutTTY: isTTY(out), width: 80, env: env,
	}
	if s.stdoutTTY {
		if w, _, err := term.GetSize(out.(fder).Fd()); err == nil && w > 20 {
			s.width = w
		}
	}
	s.Profile = colorprofile.Detect(out, env)
	return s
}

// TestIOStreams are streams for tests: in is read, the rest are buffers the
// caller owns; nothing is a terminal, and there is no colour.
func TestIOStreams(in io.Reader, out, errOut io.Writer) *IOStreams {
	return &IOStreams{In: tui.NewLineInput(in), Out: out, ErrOut: errOut, width: 80, Profile: colorprofile.NoTTY}
}

// IsStdinTTY reports whether standard input is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// Width is the terminal's width, or 80 when standard output is not one.
func (s *IOStreams) Width() int { return s.width }

// ColorEnabled reports whether output may be coloured (the profile has colours).
func (s *IOStreams) ColorEnabled() bool { return s.Profile > colorprofile.Ascii }

// Env is the environment (KEY=value) the streams were decided with.
func (s *IOStreams) Env() []string { return s.env }
