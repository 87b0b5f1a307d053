package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

func TestHangingWrap(t *testing.T) {
	t.Parallel()
	long := `✓ The app — created "Bookstore" (xunwjmd8p7vqpcz92j3wz), redirect http://localhost:3932/logto/sign-in-callback`
	tests := []struct {
		name, line string
		width      int
		want       string
	}{
		{name: "fits", line: "✓ Welcome — starting fresh", width: 80, want: "✓ Welcome — starting fresh"},
		{name: "no width", line: long, width: 0, want: long},
		{
			name: "never at a hyphen", line: long, width: 100,
			want: "✓ The app — created \"Bookstore\" (xunwjmd8p7vqpcz92j3wz), redirect\n" +
				"  http://localhost:3932/logto/sign-in-callback",
		},
		{
			name: "a word wider than the line is cut", line: "✓ A — " + strings.Repeat("x", 30), width: 20,
			want: "✓ A —\n  xxxxxxxxxxxxxxxxxx\n  xxxxxxxxxxxx",
		},
		{
			name: "wraps at a space, indented", line: long, width: 80,
			want: "✓ The app — created \"Bookstore\" (xunwjmd8p7vqpcz92j3wz), redirect\n" +
				"  http://localhost:3932/logto/sign-in-callback",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := hangingWrap(tt.line, tt.width)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			for l := range strings.SplitSeq(got, "\n") {
				if tt.width > 0 && lipgloss.Width(l) > tt.width {
					t.Errorf("line %q is wider than %d", l, tt.width)
				}
			}
		})
	}
}

func TestFormBindings(t *testing.T) {
	t.Parallel()
	toggle := key.NewBinding(key.WithKeys("left"), key.WithHelp("←/→", "toggle"))
	prev := key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back"))
	no := key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "No"))
	noOff := no
	noOff.SetEnabled(false)
	help := func(bs []key.Binding) string {
		var s []string
		for _, b := range bs {
			if b.Enabled() {
				s = append(s, b.Help().Key+" "+b.Help().Desc)
			}
		}
		return strings.Join(s, " • ")
	}
	tests := []struct {
		name string
		in   []key.Binding
		want string
	}{
		{name: "two buttons keep toggle", in: []key.Binding{toggle, prev, no}, want: "←/→ toggle • shift+tab previous field • n No"},
		{name: "one button drops toggle", in: []key.Binding{toggle, prev, noOff}, want: "shift+tab previous field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := help(formBindings(tt.in)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFitHelpKeepsQuit(t *testing.T) {
	t.Parallel()
	m := NewModel(t.Context(), []Step{&fakeStep{id: "a", title: "A"}}, Options{Width: 80, Height: 24})
	b := func(k, d string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, d)) }
	in := []key.Binding{
		b("←/→", "toggle"), b("enter", "submit"), b("y", "Edit them"), b("n", "Use these"),
		b("ctrl+b", "back"), b("ctrl+c", "quit"),
	}
	tests := []struct {
		name  string
		width int
		want  string
	}{
		{name: "wide", width: 120, want: "←/→ toggle • enter submit • y Edit them • n Use these • ctrl+b back • ctrl+c quit"},
		{name: "80 columns", width: 70, want: "enter submit • y Edit them • n Use these • ctrl+b back • ctrl+c quit"},
	}
	text := []key.Binding{
		b("alt+enter / ctrl+j", "new line"), b("ctrl+e", "open editor"), b("enter", "next"),
		b("ctrl+b", "back"), b("ctrl+c", "quit"),
	}
	if got := ansi.Strip(m.fitHelp(text, 80)); got != "alt+enter / ctrl+j new line • enter next • ctrl+b back • ctrl+c quit" {
		t.Errorf("text field help: %q", got)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ansi.Strip(m.fitHelp(in, tt.width))
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestNewLines(t *testing.T) {
	t.Parallel()
	const head = "Sandbox SMS inbox"
	tests := []struct {
		name, prev, cur, want string
	}{
		{name: "first panel prints whole", prev: "", cur: head + "\n  no messages yet", want: head + "\n  no messages yet"},
		{name: "unchanged prints nothing", prev: head + "\n  a", cur: head + "\n  a", want: ""},
		{name: "a new status line only", prev: head + "\n  to +1 · sent", cur: head + "\n  to +1 · delivered", want: "  to +1 · delivered"},
		{name: "empty prints nothing", prev: head, cur: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := newLines(tt.prev, tt.cur); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReflow(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{name: "paragraph joined", in: "one two\nthree four\n\nnext", want: "one two three four\n\nnext"},
		{name: "list kept", in: "What will change:\n  • a\n  • b", want: "What will change:\n  • a\n  • b"},
		{name: "table kept", in: "Saved:\n  Logto  http://x\n  App    a", want: "Saved:\n  Logto  http://x\n  App    a"},
		{name: "warning kept", in: "text\n! a problem", want: "text\n! a problem"},
		{name: "after an indented line", in: "  cd x\nnext line", want: "  cd x\nnext line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := reflow(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPrintedLinesFollowTheColourProfile(t *testing.T) {
	t.Parallel()
	green := lipgloss.NewStyle().Foreground(lipgloss.Color("#5FD38D")).Render("✓ Welcome — starting fresh")
	tests := []struct {
		name    string
		profile colorprofile.Profile
		colour  bool
	}{
		{name: "NO_COLOR", profile: colorprofile.ASCII, colour: false},
		{name: "not a terminal", profile: colorprofile.NoTTY, colour: false},
		{name: "true colour", profile: colorprofile.TrueColor, colour: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := NewModel(t.Context(), []Step{&fakeStep{id: "a", title: "A"}}, Options{Width: 80, Height: 24})
			m.Update(tea.ColorProfileMsg{Profile: tt.profile})
			printed := fmt.Sprint(m.println(green)())
			if !strings.Contains(printed, "✓ Welcome — starting fresh") {
				t.Fatalf("printed %q", printed)
			}
			if got := strings.Contains(printed, "\x1b[38"); got != tt.colour {
				t.Errorf("colour in %q: %v, want %v", printed, got, tt.colour)
			}
		})
	}
}

func TestHangingWrapKeepsIndentedReportLines(t *testing.T) {
	t.Parallel()
	in := "✓ Summary — works\n  Saved in           /tmp/TestWizardFlow1238487010/001/setup.json (secrets: secrets.json, mode 0600)"
	want := "✓ Summary — works\n  Saved in           /tmp/TestWizardFlow1238487010/001/setup.json (secrets:\n    secrets.json, mode 0600)"
	if got := hangingWrap(in, 80); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestHangingWrapKeepsExplicitLines(t *testing.T) {
	t.Parallel()
	in := "✓ Summary — SMS sign-in works\n\n  Logto   http://localhost:3001\nNext:\n  logto-twilio"
	if got := hangingWrap(in, 80); got != in {
		t.Errorf("got\n%s\nwant\n%s", got, in)
	}
}

func TestPanelGivesWayToALongGuide(t *testing.T) {
	t.Parallel()
	panel := func() string { return "Sandbox SMS inbox\n  to +1 · delivered · code 000000" }
	lines := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "  guide line %d\n", i+1)
		}
		return b.String()
	}
	tests := []struct {
		name       string
		guideLines int
		panel      bool // the panel is shown
		cut        bool // the guide ends in "…"
	}{
		{name: "short guide keeps the panel", guideLines: 3, panel: true},
		{name: "a guide that fits without the panel", guideLines: 14, panel: false},
		{name: "a guide too long either way is cut, panel kept", guideLines: 40, panel: true, cut: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := NewModel(t.Context(), []Step{&fakeStep{id: "a", title: "A", guide: lines(tt.guideLines)}},
				Options{Width: 80, Height: 24, Panel: panel})
			m.Init()
			v := view(m)
			if got := strings.Contains(v, "Sandbox SMS inbox"); got != tt.panel {
				t.Errorf("panel shown: %v, want %v:\n%s", got, tt.panel, v)
			}
			if !tt.cut && !strings.Contains(v, fmt.Sprintf("guide line %d", tt.guideLines)) {
				t.Errorf("the guide is cut:\n%s", v)
			}
			if got := strings.Contains(v, "…"); got != tt.cut {
				t.Errorf("cut: %v, want %v:\n%s", got, tt.cut, v)
			}
			if h := lipgloss.Height(v); h > 24 {
				t.Errorf("frame has %d rows", h)
			}
		})
	}
}

type notedStep struct {
	fakeStep
	note string
}

func (s *notedStep) SkipNote() string { return s.note }

func TestSkipLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		step Step
		want string
	}{
		{name: "no note", step: &fakeStep{title: "Logto endpoint"}, want: "– Logto endpoint — skipped"},
		{name: "empty note", step: &notedStep{fakeStep: fakeStep{title: "Logto endpoint"}}, want: "– Logto endpoint — skipped"},
		{name: "note", step: &notedStep{fakeStep: fakeStep{title: "Logto endpoint"}, note: "done before"}, want: "– Logto endpoint — done before"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := skipLine(tt.step); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSkippedLine(t *testing.T) {
	t.Parallel()
	for summary, want := range map[string]string{
		"":               "– Test SMS — skipped",
		"skipped":        "– Test SMS — skipped",
		"skipped by you": "– Test SMS — skipped by you",
	} {
		if got := skippedLine("Test SMS", summary); got != want {
			t.Errorf("skippedLine(%q) = %q, want %q", summary, got, want)
		}
	}
}

type loadingStep struct {
	fakeStep
	text string
}

func (s *loadingStep) LoadingText() string { return s.text }

func TestLoadingText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		step Step
		want string
	}{
		{name: "default", step: &fakeStep{}, want: "Loading…"},
		{name: "empty text", step: &loadingStep{}, want: "Loading…"},
		{name: "step's text", step: &loadingStep{text: "Reading the services…"}, want: "Reading the services…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := loadingText(tt.step); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFocusedButtonShowsWithoutColour(t *testing.T) {
	t.Parallel()
	for _, dark := range []bool{false, true} {
		st := formTheme.Theme(dark).Focused.FocusedButton
		if !st.GetBold() || !st.GetUnderline() {
			t.Errorf("dark=%v: the focused button is not bold and underlined; without colour it looks like the others", dark)
		}
	}
}

func TestNotSavedLine(t *testing.T) {
	t.Parallel()
	steps := []Step{&fakeStep{id: "twilio", title: "Twilio credentials"}}
	err := errors.New("disk full")
	if got, want := notSavedLine(steps, "twilio", err), "! Progress after “Twilio credentials” was not saved: disk full"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := notSavedLine(steps, "", err), "! Progress was not saved: disk full"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestWrapTextNeverAtAHyphen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		width    int
		want     string
	}{
		{
			name: "word with hyphens moves whole", width: 40,
			in:   `Console (http://localhost:3002) create a "Machine-to-machine" app`,
			want: "Console (http://localhost:3002) create a\n\"Machine-to-machine\" app",
		},
		{name: "indented line keeps its indent", width: 20, in: "  • one two three four five", want: "  • one two three\n  four five"},
		{name: "short lines untouched", width: 20, in: "a\n\nb", want: "a\n\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := wrapText(tt.in, tt.width); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestMemo(t *testing.T) {
	var m memo
	calls := 0
	f := func(s string) string { calls++; return "<" + s + ">" }
	steps := []struct {
		in        string
		width     int
		want      string
		wantCalls int
	}{
		{"a", 80, "<a>", 1},
		{"a", 80, "<a>", 1}, // the same text and width: kept
		{"a", 60, "<a>", 2}, // another width: again
		{"b", 60, "<b>", 3}, // another text: again
		{"", 60, "", 3},     // nothing: nothing, f not called
		{"b", 60, "<b>", 3}, // the last result is still there
	}
	for i, s := range steps {
		if got := m.get(s.in, s.width, f); got != s.want || calls != s.wantCalls {
			t.Errorf("step %d: get(%q, %d) = %q after %d calls, want %q after %d", i, s.in, s.width, got, calls, s.want, s.wantCalls)
		}
	}
}

// TestPanelLosesLinesFromItsEnd: when the frame is too tall even without a
// guide, the panel keeps its first lines (what matters most) and the frame
// fits.
func TestPanelLosesLinesFromItsEnd(t *testing.T) {
	t.Parallel()
	panel := func() string { return "first: the code 123456\nsecond\nthird\nfourth\nfifth\nsixth" }
	for _, h := range []int{14, 16, 30} {
		t.Run(fmt.Sprint(h), func(t *testing.T) {
			t.Parallel()
			m := NewModel(t.Context(), []Step{&fakeStep{id: "a", title: "A"}}, Options{Width: 50, Height: h, Panel: panel})
			m.Init()
			v := view(m)
			if !strings.Contains(v, "first: the code 123456") {
				t.Errorf("the panel's first line is gone:\n%s", v)
			}
			if got := lipgloss.Height(v); got > h {
				t.Errorf("frame has %d rows, more than %d:\n%s", got, h, v)
			}
			if h == 30 && !strings.Contains(v, "sixth") {
				t.Errorf("the panel was cut with room to spare:\n%s", v)
			}
			if h == 14 && strings.Contains(v, "sixth") {
				t.Errorf("the panel was not cut:\n%s", v)
			}
		})
	}
}
