package factory

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"charm.land/huh/v2"
	"github.com/charmbracelet/x/term"
)

// ErrNoAnswer is returned by a Prompter when the input ended before an answer.
var ErrNoAnswer = errors.New("no answer")

// ErrAborted is returned by a Prompter when the user pressed Ctrl-C or Esc.
var ErrAborted = errors.New("stopped")

// Option is one choice of Prompter.MultiSelect.
type Option struct{ Label, Value string }

// Prompter asks the user. On a terminal it shows huh forms; otherwise (pipes,
// --accessible, TERM=dumb) it writes a question line and reads an answer line
// from the process's one stdin reader.
type Prompter interface {
	// Confirm asks a yes/no question; no is the default.
	Confirm(ctx context.Context, question string) (bool, error)
	// Secret reads a secret: masked on a terminal, one line otherwise.
	Secret(ctx context.Context, title string) (string, error)
	// MultiSelect asks for any number of options; it returns their values.
	MultiSelect(ctx context.Context, title, description string, options []Option) ([]string, error)
}

// formPrompter shows huh forms on the terminal.
type formPrompter struct {
	in  io.Reader
	out io.Writer
}

func (p formPrompter) run(ctx context.Context, f huh.Field) error {
	err := huh.NewForm(huh.NewGroup(f)).WithInput(p.in).WithOutput(p.out).WithShowHelp(false).RunWithContext(ctx)
	if errors.Is(err, huh.ErrUserAborted) {
		return ErrAborted
	}
	if err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	return nil
}

func (p formPrompter) Confirm(ctx context.Context, question string) (bool, error) {
	ok := false
	err := p.run(ctx, huh.NewConfirm().Title(question).Affirmative("Yes").Negative("No").Value(&ok))
	return ok, err
}

func (p formPrompter) Secret(ctx context.Context, title string) (string, error) {
	v := ""
	err := p.run(ctx, huh.NewInput().Title(title).EchoMode(huh.EchoModePassword).Value(&v))
	return v, err
}

func (p formPrompter) MultiSelect(ctx context.Context, title, description string, options []Option) ([]string, error) {
	var chosen []string
	err := p.run(ctx, multiSelect(title, description, options, &chosen))
	return chosen, err
}

// multiSelect is MultiSelect's field. Its height is set: without one, huh
// sizes the list to the options' lines minus the title's and the
// description's, so four choices showed as two with no hint of the others.
func multiSelect(title, description string, options []Option, chosen *[]string) *huh.MultiSelect[string] {
	opts := make([]huh.Option[string], len(options))
	for i, o := range options {
		opts[i] = huh.NewOption(o.Label, o.Value)
	}
	h := len(options) + 1 // the title's line
	if description != "" {
		h++
	}
	return huh.NewMultiSelect[string]().Title(title).Description(description).Options(opts...).Value(chosen).Height(h)
}

// linePrompter writes a question line and reads an answer line.
type linePrompter struct {
	io *IOStreams
}

// line reads one answer line; ErrNoAnswer when the input ended without one.
func (p linePrompter) line() (string, error) {
	s, err := p.io.In.ReadLine()
	if strings.TrimSpace(s) == "" && err != nil {
		if errors.Is(err, io.EOF) {
			return "", ErrNoAnswer
		}
		return "", fmt.Errorf("ask: %w", err)
	}
	return strings.TrimSpace(s), nil
}

func (p linePrompter) Confirm(_ context.Context, question string) (bool, error) {
	fmt.Fprintf(p.io.Out, "%s [y/N] ", question)
	s, err := p.line()
	if err != nil {
		fmt.Fprintln(p.io.Out)
		return false, err
	}
	switch strings.ToLower(s) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// Secret reads a line; on a terminal (--accessible, TERM=dumb) without
// echoing it, so the secret never shows on screen.
func (p linePrompter) Secret(_ context.Context, title string) (string, error) {
	fmt.Fprintf(p.io.Out, "%s: ", title)
	if t, ok := p.io.In.Terminal().(fder); ok {
		b, err := term.ReadPassword(t.Fd())
		fmt.Fprintln(p.io.Out)
		if err != nil {
			return "", fmt.Errorf("ask: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	s, err := p.line()
	fmt.Fprintln(p.io.Out)
	return s, err
}

func (p linePrompter) MultiSelect(_ context.Context, title, description string, options []Option) ([]string, error) {
	fmt.Fprintln(p.io.Out, title)
	for i, o := range options {
		fmt.Fprintf(p.io.Out, "  %d. %s\n", i+1, o.Label)
	}
	fmt.Fprintf(p.io.Out, "Numbers, separated by commas (%s): ", description)
	s, err := p.line()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		n := 0
		if _, err := fmt.Sscanf(f, "%d", &n); err != nil || n < 1 || n > len(options) {
			return nil, fmt.Errorf("%q is not one of the numbers 1 to %d", f, len(options))
		}
		out = append(out, options[n-1].Value)
	}
	return out, nil
}
