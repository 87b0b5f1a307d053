package tui

import (
	"testing"

	"charm.land/bubbles/v2/key"
)

func TestRender(t *testing.T) {
	t.Parallel()
	acts := []Action{
		{ID: "open", Key: altO, Show: "http://c.test/x"},
		{ID: "copy", Key: key.NewBinding(key.WithKeys("alt+y"), key.WithHelp("alt+y", "copy")), Show: ""},
	}
	tests := []struct{ name, in, tui, line string }{
		{"plain text", "Nothing to do.", "Nothing to do.", "Nothing to do."},
		{"edit at start", "{key:edit} and paste them.", "Press e and paste them.", "Choose “Edit the answers” and paste them."},
		{"edit after a semicolon", "Check it; {key:edit} to fix it.", "Check it; press e to fix it.", "Check it; choose “Edit the answers” to fix it."},
		{"retry after a sentence", "Check it. {key:retry} to try again.", "Check it. Press enter to try again.", "Check it. Choose “Retry” to try again."},
		{"back in parentheses", "Go back ({key:back}).", "Go back (press ctrl+b).", "Go back (choose “Back to the previous step”)."},
		{"quit", "or quit ({key:quit})", "or quit (press ctrl+c)", "or quit (choose “Quit”)"},
		{"skip", "{key:skip} to go on.", "Press s to go on.", "Choose “Skip this step” to go on."},
		{"action", "In the Console ({action:open}).", "In the Console (alt+o).", "In the Console (http://c.test/x)."},
		{"unknown action", "[{action:nope}]", "[]", "[]"},
		{"tui only", "URI{tui: ({action:copy} copies)}", "URI (alt+y copies)", "URI"},
		{"line only", "A{line: (below)}", "A", "A (below)"},
		{"code placeholder kept", "Put {{code}} in it; {key:edit}.", "Put {{code}} in it; press e.", "Put {{code}} in it; choose “Edit the answers”."},
		{"unknown key kept", "{key:nope} {x}", "{key:nope} {x}", "{key:nope} {x}"},
		{"unclosed", "{tui:oops", "{tui:oops", "{tui:oops"},
		{"quoted braces", "{tui:Report:\n" + Quote("app {x") + "}", "Report:\napp {x", ""},
		{"quoted placeholder is literal", Quote("{key:edit}"), "{key:edit}", "{key:edit}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := (Renderer{actions: acts}).Render(tt.in); got != tt.tui {
				t.Errorf("tui: got %q, want %q", got, tt.tui)
			}
			if got := (Renderer{line: true, actions: acts}).Render(tt.in); got != tt.line {
				t.Errorf("line: got %q, want %q", got, tt.line)
			}
		})
	}
}

func TestFormEnvRender(t *testing.T) {
	t.Parallel()
	if got := (FormEnv{Line: true}).Render("{key:edit}"); got != "Choose “Edit the answers”" {
		t.Errorf("line: %q", got)
	}
	if got := (FormEnv{}).Render("{key:edit}"); got != "Press e" {
		t.Errorf("tui: %q", got)
	}
}
