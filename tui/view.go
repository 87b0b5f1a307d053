package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// View draws the frame: header, guide, the phase's body, the optional panel
// and one help line. It fits the guide into the terminal height.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	if m.opts.AppName != "" && m.idx < len(m.steps) {
		v.WindowTitle = fmt.Sprintf("%s · %s", m.opts.AppName, m.steps[m.idx].Title())
	}
	return v
}

func (m *Model) render() string {
	if m.phase == PhaseDone || m.interrupted || m.idx >= len(m.steps) {
		return "" // leave only the ✓ lines in the scrollback
	}
	if m.tooSmall() {
		return m.sizeNotice()
	}
	step := m.steps[m.idx]
	width := m.width
	if width <= 0 {
		width = 80
	}
	header := m.styles.Header.Render(fmt.Sprintf("Step %d/%d · %s", m.idx+1, len(m.steps), step.Title()))
	rd := m.renderer(step)
	guide := m.guideMemo.get(strings.TrimSpace(rd.Render(step.Guide())), width, func(g string) string {
		return m.styles.Guide.Render(wrapText(reflow(g), width))
	})
	body := m.body(step, rd, width)
	var panel, panelText string
	if m.opts.Panel != nil {
		panelText = strings.TrimSpace(m.opts.Panel())
		panel = m.panelMemo.get(panelText, width, func(p string) string {
			return m.styles.Panel.Width(width).Render(p)
		})
	}
	helpLine := ansi.Truncate(m.fitHelp(m.bindings(), width), width, "…")

	used := 0
	for _, s := range []string{header, body, panel, helpLine} {
		if s != "" {
			used += lipgloss.Height(s) + 1
		}
	}
	if m.height > 0 && guide != "" && panel != "" {
		// The guide says what to do; the panel is extra. When the guide
		// fits only without the panel, leave the panel out.
		g := lipgloss.Height(guide)
		withoutPanel := m.height - (used - lipgloss.Height(panel) - 1) - 1
		if g > m.height-used-1 && g <= withoutPanel {
			used -= lipgloss.Height(panel) + 1
			panel = ""
		}
	}
	if over := used - 1 - m.height; m.height > 0 && panel != "" && over > 0 {
		// Still too tall without a guide: the panel loses lines from its
		// end (a panel puts what matters first), keeping at least one.
		used -= lipgloss.Height(panel)
		panel = m.fitPanel(panelText, panel, over, width)
		used += lipgloss.Height(panel)
	}
	if m.height > 0 && guide != "" {
		room := m.height - used - 1
		lines := strings.Split(guide, "\n")
		if room < 1 {
			guide = ""
		} else if len(lines) > room {
			guide = strings.Join(lines[:room-1], "\n") + "\n" + m.styles.Muted.Render("…")
			if room == 1 {
				guide = m.styles.Muted.Render("…")
			}
		}
	}
	parts := []string{header}
	for _, s := range []string{guide, body, panel} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	parts = append(parts, helpLine)
	return strings.Join(parts, "\n\n")
}

// fitPanel returns the panel (text, drawn as styled) with over fewer rows:
// its text loses lines from the end, down to one.
func (m *Model) fitPanel(text, styled string, over, width int) string {
	lines := strings.Split(text, "\n")
	for over > 0 && len(lines) > 1 {
		cut := m.styles.Panel.Width(width).Render(strings.Join(lines[:len(lines)-1], "\n"))
		over -= lipgloss.Height(styled) - lipgloss.Height(cut)
		lines, styled = lines[:len(lines)-1], cut
	}
	return styled
}

// The smallest terminal a step's question, its answer and the help line
// fit in; below it the runner shows only sizeNotice.
const (
	MinWidth  = 50
	MinHeight = 14
)

// tooSmall reports whether the terminal (when its size is known) is
// smaller than MinWidth×MinHeight.
func (m *Model) tooSmall() bool {
	return m.width > 0 && m.height > 0 && (m.width < MinWidth || m.height < MinHeight)
}

// sizeNotice asks for a larger terminal, in as few lines as fit.
func (m *Model) sizeNotice() string {
	text := fmt.Sprintf("Make the terminal larger: logto-twilio needs %d×%d, this one is %d×%d. "+
		"Nothing is lost; ctrl+c quits and saves.", MinWidth, MinHeight, m.width, m.height)
	lines := strings.Split(wrapText(text, m.width), "\n")
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	return m.styles.Header.Render(strings.Join(lines, "\n"))
}

func (m *Model) body(step Step, rd Renderer, width int) string {
	switch m.phase {
	case PhaseForm:
		if m.form != nil {
			return strings.TrimRight(m.form.View(), "\n ") + m.noticeLine(width)
		}
	case PhaseLoading:
		return m.clockLine(rd.Render(loadingText(step)), width) + m.statusLine(width)
	case PhaseRunning:
		text := rd.Render(waitingText(step))
		if text == "" {
			text = "Working…"
		}
		return m.clockLine(text, width) + m.statusLine(width) + m.noticeLine(width)
	case PhaseFailed:
		// The box takes 4 columns of border and padding. Texts are wrapped
		// before they are styled, so every wrapped line keeps the style.
		msg := wrapText("✗ "+errorText(m.err), width-4)
		if h := rd.Render(hintFor(step, m.err)); h != "" {
			msg += "\n\n" + m.styles.Hint.Render(wrapText(h, width-4))
		}
		return m.styles.Error.Width(width).Render(msg)
	case PhaseDone:
	}
	return ""
}

// clockLine is text after the wait indicator (the time so far, muted),
// wrapped to width as one text: only the first line is shorter.
func (m *Model) clockLine(text string, width int) string {
	clock := m.clock.view()
	return m.styles.Muted.Render(clock) + strings.TrimPrefix(wrapText(clock+" "+text, width), clock)
}

// statusLine is what the running step last reported (Report), on its own
// line under the waiting text, or "".
func (m *Model) statusLine(width int) string {
	if m.status == "" {
		return ""
	}
	return "\n" + m.styles.Muted.Render(wrapText(m.status, width))
}

// noticeLine is the last action's Notice on its own line, or "".
func (m *Model) noticeLine(width int) string {
	if m.notice == "" {
		return ""
	}
	return "\n\n" + m.styles.Hint.Render(wrapText("» "+m.notice, width))
}

func errorText(err error) string {
	if err == nil {
		return "failed"
	}
	return err.Error()
}

func (m *Model) bindings() []key.Binding {
	var b []key.Binding
	switch m.phase {
	case PhaseForm:
		if m.form != nil {
			b = append(b, formBindings(m.form.KeyBinds())...)
		}
	case PhaseLoading, PhaseRunning:
		b = append(b, m.keys.Cancel)
	case PhaseFailed:
		b = append(b, m.keys.Retry)
		if m.failedIn == PhaseRunning && m.hasForm {
			b = append(b, m.keys.Edit)
		}
		if _, ok := m.steps[m.idx].(Optional); ok {
			b = append(b, m.keys.Skip)
		}
	case PhaseDone:
	}
	// The step's actions come before back and quit: they are what this
	// step offers, and fitHelp drops other keys before them.
	if m.phase == PhaseForm || m.phase == PhaseRunning {
		if a, ok := m.steps[m.idx].(Actioner); ok {
			for _, act := range a.Actions() {
				b = append(b, act.Key)
			}
		}
	}
	if len(m.history) > 0 {
		b = append(b, m.keys.Back)
	}
	b = append(b, m.keys.Quit)
	return b
}

// formBindings tunes huh's help for the runner: shift+tab moves to the
// previous field (ctrl+b is "back", to the previous step), and a confirm
// with a single button has nothing to toggle.
func formBindings(in []key.Binding) []key.Binding {
	hasNo := false
	for _, k := range in {
		if k.Enabled() && k.Help().Key == "n" {
			hasNo = true
		}
	}
	out := make([]key.Binding, 0, len(in))
	for _, k := range in {
		switch h := k.Help(); {
		case h.Key == "←/→" && h.Desc == "toggle" && !hasNo:
			continue
		case h.Key == "shift+tab" && h.Desc == "back":
			k.SetHelp("shift+tab", "previous field")
		}
		out = append(out, k)
	}
	return out
}

// fitHelp renders the help line, leaving out the keys a user can do
// without (editor, new line, toggle, filter, previous field, arrows) while it is wider than
// width, so the runner's keys (back, quit) stay visible.
func (m *Model) fitHelp(b []key.Binding, width int) string {
	h := m.help
	h.Styles = m.styles.Help
	h.SetWidth(0)
	droppable := []func(key.Help) bool{
		func(k key.Help) bool { return k.Desc == "open editor" },
		func(k key.Help) bool { return k.Desc == "new line" },
		func(k key.Help) bool { return k.Key == "←/→" },
		func(k key.Help) bool { return k.Key == "/" },
		func(k key.Help) bool { return k.Key == "shift+tab" },
		func(k key.Help) bool { return k.Key == "↑" || k.Key == "↓" },
		// A confirm's buttons show their own labels.
		func(k key.Help) bool { return k.Key == "y" || k.Key == "n" },
		func(k key.Help) bool { return k.Key == "enter" },
		func(k key.Help) bool { return k.Key == "tab" },
	}
	line := h.ShortHelpView(b)
	for _, drop := range droppable {
		if lipgloss.Width(line) <= width {
			break
		}
		b = slices.DeleteFunc(slices.Clone(b), func(k key.Binding) bool { return drop(k.Help()) })
		line = h.ShortHelpView(b)
	}
	h.SetWidth(width)
	return h.ShortHelpView(b) // cuts whole keys, from the end, if still too wide
}

// saveFailed prints that a checkpoint failed, with the error's hint,
// wrapped at spaces to the terminal's width. The same failure again (a
// read-only folder fails every step) is not printed again.
func (m *Model) saveFailed(msg saveFailedMsg) tea.Cmd {
	text := errorText(msg.err)
	if text == m.saveErr {
		return nil
	}
	m.saveErr = text
	line := notSavedLine(m.steps, msg.step, msg.err)
	var h Hinter
	if errors.As(msg.err, &h) && h.Hint() != "" && m.idx < len(m.steps) {
		line += " " + m.renderer(m.steps[m.idx]).Render(h.Hint())
	}
	return m.println(m.styles.Error.UnsetBorderStyle().UnsetPadding().Render(hangingWrap(line, m.width)))
}

// memo keeps the last result of a pure text function of (in, width); "" in
// gives "". Styles are part of the function: clear the memo when they change.
type memo struct {
	in, out string
	width   int
}

func (c *memo) get(in string, width int, f func(string) string) string {
	if in == "" {
		return ""
	}
	if c.out == "" || in != c.in || width != c.width {
		c.in, c.width, c.out = in, width, f(in)
	}
	return c.out
}
