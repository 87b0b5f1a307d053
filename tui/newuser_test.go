package tui

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// TestSaveFailureShownOnceWithItsFix (issue 14, item 3): a folder that
// cannot be written fails every checkpoint; the user reads it once, with
// its fix, wrapped at spaces (never mid-word).
func TestSaveFailureShownOnceWithItsFix(t *testing.T) {
	t.Parallel()
	a, b := &fakeStep{id: "a", title: "First"}, &fakeStep{id: "b", title: "Second"}
	m := newTestModel(t, a, b)
	m.Update(tea.WindowSizeMsg{Width: 50, Height: 24})
	err := hintErr{
		msg:  "cannot save in /home/someone/.config/logto-twilio-readonly: it is not writable",
		hint: "Quit and run it again with --config-dir <a writable folder>, or chmod u+w /home/someone/.config/logto-twilio-readonly.",
	}
	_, cmd := m.Update(saveFailedMsg{step: "a", err: err})
	if cmd == nil {
		t.Fatal("the first failure printed nothing")
	}
	printed := ansi.Strip(fmt.Sprint(cmd()))
	for _, word := range strings.Fields(err.msg + " " + err.hint) {
		if !strings.Contains(printed, word) {
			t.Errorf("%q is broken or missing in:\n%s", word, printed)
		}
	}
	if _, cmd := m.Update(saveFailedMsg{step: "b", err: err}); cmd != nil {
		t.Errorf("the same failure is printed again: %s", ansi.Strip(fmt.Sprint(cmd())))
	}
}

// luminance is WCAG 2's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestHelpLineContrast (issue 14, item 5): the help line's texts and the
// form's buttons and placeholders are readable: at least 3:1 against the
// terminal's background (black or white) or their own background.
func TestHelpLineContrast(t *testing.T) {
	t.Parallel()
	for _, dark := range []bool{true, false} {
		bg := color.Color(color.White)
		if dark {
			bg = color.Black
		}
		st := NewStyles(dark)
		form := formTheme.Theme(dark)
		checks := map[string]lipgloss.Style{
			"help key": st.Help.ShortKey, "help text": st.Help.ShortDesc, "help separator": st.Help.ShortSeparator,
			"focused button": form.Focused.FocusedButton, "placeholder": form.Focused.TextInput.Placeholder,
			"muted": st.Muted, "hint": st.Hint,
		}
		for name, s := range checks {
			fg := s.GetForeground()
			back := bg
			if _, none := s.GetBackground().(lipgloss.NoColor); !none && s.GetBackground() != nil {
				back = s.GetBackground()
			}
			if _, none := fg.(lipgloss.NoColor); none || fg == nil {
				continue // the terminal's own colour
			}
			if c := contrast(fg, back); c < 3 {
				t.Errorf("dark=%v %s: contrast %.2f:1, below 3:1", dark, name, c)
			}
		}
	}
}

// TestTooSmallAsksForALargerTerminal (issue 14, item 5): below the
// minimum size the frame is one notice that fits (no question scrolled
// off); at the minimum the question is back. Golden at 40×10.
func TestTooSmallAsksForALargerTerminal(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, &fakeStep{id: "a", title: "Endpoint", guide: "Where is your Logto?"})
	m.Update(tea.WindowSizeMsg{Width: 40, Height: 10})
	frame := view(m)
	lines := strings.Split(frame, "\n")
	if len(lines) > 10 || !strings.Contains(strings.Join(strings.Fields(frame), " "), "Make the terminal larger: logto-twilio needs 50×14, this one is 40×10.") {
		t.Fatalf("frame at 40×10:\n%s", frame)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 40 {
			t.Errorf("line wider than 40: %q", l)
		}
	}
	golden.RequireEqual(t, frame)
	m.Update(tea.WindowSizeMsg{Width: MinWidth, Height: MinHeight})
	if f := view(m); !strings.Contains(f, "Endpoint value") || strings.Contains(f, "larger") {
		t.Fatalf("frame at the minimum size:\n%s", f)
	}
}

// TestActionNoticeAnswersTheKey (issue 14, item 5): an action's Notice
// ("could not open…") shows under the step until the next key.
func TestActionNoticeAnswersTheKey(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, actionStep{&fakeStep{id: "a", title: "A"}})
	m.Update(Notice("Could not open a browser: open http://localhost:3002/console yourself."))
	if f := view(m); !strings.Contains(f, "Could not open a browser") {
		t.Fatalf("no notice:\n%s", f)
	}
	m.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	if f := view(m); strings.Contains(f, "Could not open a browser") {
		t.Fatalf("the notice outlived the next key:\n%s", f)
	}
}

// TestHelpKeepsTheStepsActions (issue 14, item 5): at 80 columns the
// step's actions stay on the help line; other keys give way first.
func TestHelpKeepsTheStepsActions(t *testing.T) {
	t.Parallel()
	acts := []Action{
		{ID: "open", Key: key.NewBinding(key.WithKeys("alt+o"), key.WithHelp("alt+o", "open Console"))},
		{ID: "copy-redirect", Key: key.NewBinding(key.WithKeys("alt+y"), key.WithHelp("alt+y", "copy redirect URI"))},
		{ID: "copy-logout", Key: key.NewBinding(key.WithKeys("alt+u"), key.WithHelp("alt+u", "copy sign-out URI"))},
	}
	m := newTestModel(t, &fakeStep{id: "z", title: "Z", noForm: true}, actionStep{&fakeStep{id: "a", title: "A", actions: acts}})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.history = []int{0} // as after a first step: ctrl+b back is offered too
	m.idx = 1
	m.showForm()
	lines := strings.Split(view(m), "\n")
	help := lines[len(lines)-1]
	for _, a := range acts {
		if h := a.Key.Help(); !strings.Contains(help, h.Key+" "+h.Desc) {
			t.Errorf("help line %q lacks %q", help, h.Key+" "+h.Desc)
		}
	}
}

// lateStep fails, and then delivers a result late through WatchLate.
type lateStep struct {
	*fakeStep
	late chan Result
}

func (s lateStep) WatchLate(ctx context.Context) (Result, bool) {
	select {
	case r := <-s.late:
		return r, true
	case <-ctx.Done():
		return Result{}, false
	}
}

// TestLateResultAfterTheFailureBox (issue 14, item 6): a sign-in that
// arrives after the timeout box is committed at once; retry stops the
// watch, and a late result of an earlier attempt is dropped.
func TestLateResultAfterTheFailureBox(t *testing.T) {
	t.Parallel()
	s := lateStep{&fakeStep{id: "verify", title: "Sign in", noForm: true}, make(chan Result, 1)}
	m := newTestModel(t, s, &fakeStep{id: "next", title: "Next"})
	_, cmd := m.Update(resultMsg{step: 0, attempt: m.attempt, err: hintErr{msg: "No sign-in arrived in 15 minutes"}})
	if m.Phase() != PhaseFailed || cmd == nil {
		t.Fatalf("phase %v, watch %v", m.Phase(), cmd != nil)
	}
	s.late <- Result{Summary: "signed in as +15005550006"}
	msg := cmd()
	m.Update(msg)
	if m.Index() != 1 {
		t.Fatalf("the late sign-in was not committed: step %d phase %v", m.Index(), m.Phase())
	}
	// A late result of an attempt the user retried is stale.
	m2 := newTestModel(t, lateStep{&fakeStep{id: "verify", title: "Sign in", noForm: true}, make(chan Result)})
	m2.Update(resultMsg{step: 0, attempt: m2.attempt, err: hintErr{msg: "timeout"}})
	old := lateMsg{step: 0, attempt: m2.attempt, res: Result{Summary: "late"}}
	m2.Update(press("enter"))
	m2.Update(old)
	if m2.Index() != 0 || m2.Phase() != PhaseRunning {
		t.Fatalf("a stale late result was committed: step %d phase %v", m2.Index(), m2.Phase())
	}
}
