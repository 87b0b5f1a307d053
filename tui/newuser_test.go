package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
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
