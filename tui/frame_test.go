package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
)

const longGuide = `Twilio sends the SMS codes. Paste the Account SID and the Auth Token from the Account Info box on https://console.twilio.com (the home page). The wizard checks them with Twilio before going on and tells you whether this is a trial account.

Nothing is saved until the check passes.`

// TestFrames keeps a golden of the ANSI-stripped frame of each phase at
// 80×24. Run `go test ./tui -update` after an intended change.
func TestFrames(t *testing.T) {
	t.Parallel()
	boom := hintErr{msg: "twilio: authenticate (20003): the Account SID and Auth Token do not match", hint: "Copy both again from the Twilio Console home page."}
	tests := []struct {
		name  string
		opts  Options
		steps func() []Step
		drive func(m *Model)
	}{
		{name: "form", steps: func() []Step {
			return []Step{
				&fakeStep{id: "a", title: "Logto endpoint", guide: "Where is your Logto? The default is a local Logto."},
				&fakeStep{id: "b", title: "B"},
			}
		}},
		{name: "form_secret_long_guide", steps: func() []Step {
			return []Step{&fakeStep{id: "twilio", title: "Twilio credentials", guide: longGuide, secret: true, value: "s3cr3t-token"}}
		}},
		{name: "loading", steps: func() []Step {
			return []Step{loaderStep{&fakeStep{id: "a", title: "Messaging Service", guide: "Pick a service."}}}
		}},
		{name: "running", steps: func() []Step {
			return []Step{waitStep{&fakeStep{
				id: "a", title: "Verify", guide: "Sign in with your phone.", noForm: true,
				waiting: "Open http://localhost:3000 and sign in with your phone number. Waiting for the sign-in…",
			}}}
		}},
		{name: "failed", steps: func() []Step {
			return []Step{
				&fakeStep{id: "a", title: "Twilio credentials", guide: "Paste your credentials."},
				&fakeStep{id: "b", title: "B"},
			}
		}, drive: func(m *Model) {
			m.run()
			m.Update(resultMsg{step: 0, attempt: m.attempt, res: Result{Summary: "ok"}})
			m.run()
			m.Update(resultMsg{step: 1, attempt: m.attempt, err: boom})
		}},
		{name: "failed_optional", steps: func() []Step {
			return []Step{optionalStep{&fakeStep{id: "a", title: "Test SMS", noForm: true}}}
		}, drive: func(m *Model) {
			m.Update(resultMsg{step: 0, attempt: m.attempt, err: boom})
		}},
		{name: "panel", opts: Options{Panel: func() string {
			return "SMS inbox (sandbox)\n+15551234567  Your Logto code is 123456"
		}}, steps: func() []Step {
			return []Step{&fakeStep{id: "a", title: "Verify", guide: "Sign in with your phone."}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := tt.opts
			opts.Width, opts.Height = 80, 24
			m := NewModel(t.Context(), tt.steps(), opts)
			m.Init()
			m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
			if tt.drive != nil {
				tt.drive(m)
			}
			frame := view(m)
			lines := strings.Split(frame, "\n")
			if len(lines) > 24 {
				t.Errorf("frame has %d lines, more than 24", len(lines))
			}
			for i, l := range lines {
				if w := len([]rune(l)); w > 80 {
					t.Errorf("line %d is %d wide: %q", i, w, l)
				}
			}
			if strings.Contains(frame, "s3cr3t-token") {
				t.Error("a secret field shows its value")
			}
			golden.RequireEqual(t, frame)
		})
	}
}
