package sandbox

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/logto-twilio/logto-twilio/steps"
	"github.com/logto-twilio/logto-twilio/tui"
)

// threeMessages is an inbox after a resent code: the wizard's test SMS, the
// first sign-in code, and the resent one (the newest).
func threeMessages() []InboxMessage {
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	return []InboxMessage{
		{SID: "SM1", Time: at, To: sandboxTestPhone, Status: "delivered", Final: true, Body: "Your logto-twilio test code is 111111", Code: "111111"},
		{SID: "SM2", Time: at.Add(time.Minute), To: sandboxTestPhone, Status: "delivered", Final: true, Body: "Your Logto sign-in code is 222222", Code: "222222", UsageType: "SignIn"},
		{SID: "SM3", Time: at.Add(2 * time.Minute), To: sandboxTestPhone, Status: "sent", Body: "Your Logto sign-in code is 333333", Code: "333333", UsageType: "SignIn"},
	}
}

// TestInboxFrame keeps a golden of the wizard's verify step, waiting for
// the sign-in, with the inbox panel after a resent code, at 80×24 and at the
// 50×14 minimum: the newest code is on screen at both sizes.
func TestInboxFrame(t *testing.T) {
	t.Parallel()
	st := steps.NewState(steps.Prefill{Port: 3000, Sandbox: true, NoBrowser: true, TestPhone: sandboxTestPhone})
	var verify tui.Step
	for _, s := range steps.All(st, steps.DefaultDeps(nil, nil)) {
		if s.ID() == "verify" {
			verify = s
		}
	}
	if verify == nil {
		t.Fatal("no verify step")
	}
	footer := "The sandbox keeps its setup and stand-ins in /home/dev/.config/logto-twilio/sandbox; remove that folder to start from scratch."
	msgs := threeMessages()
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"50x14", 50, 14}} {
		t.Run(size.name, func(t *testing.T) {
			t.Parallel()
			m := tui.NewModel(t.Context(), []tui.Step{verify}, tui.Options{
				Width: size.w, Height: size.h, Panel: func() string { return renderInbox(msgs, footer) },
			})
			m.Update(tea.WindowSizeMsg{Width: size.w, Height: size.h})
			finishLoad(t, m, m.Init())
			frame := ansi.Strip(m.View().Content)
			if m.Phase() != tui.PhaseRunning {
				t.Fatalf("phase %v, want running:\n%s", m.Phase(), frame)
			}
			if !strings.Contains(frame, "333333 · sign-in · +14155550123 · sent") {
				t.Errorf("the newest code is not on screen:\n%s", frame)
			}
			lines := strings.Split(frame, "\n")
			if len(lines) > size.h {
				t.Errorf("frame has %d lines, more than %d:\n%s", len(lines), size.h, frame)
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > size.w {
					t.Errorf("line %d is %d wide: %q", i, w, l)
				}
			}
			golden.RequireEqual(t, frame)
		})
	}
}

// finishLoad feeds m the messages of init's commands until the step has
// loaded (the verify step reads the sign-in mode first) and runs. The
// commands m returns are not run: the step's Execute would start a demo.
func finishLoad(t *testing.T, m *tui.Model, init tea.Cmd) {
	t.Helper()
	msgs := make(chan tea.Msg, 16)
	var start func(tea.Cmd)
	start = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			msg := c()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					start(c)
				}
				return
			}
			select {
			case msgs <- msg:
			case <-t.Context().Done():
			}
		}()
	}
	start(init)
	for m.Phase() == tui.PhaseLoading {
		select {
		case msg := <-msgs:
			m.Update(msg)
		case <-t.Context().Done():
			return
		}
	}
}

// TestRenderInbox: the newest message on a line of its own, older ones
// folded, every line within the panel's 48 columns at the wizard's minimum.
func TestRenderInbox(t *testing.T) {
	t.Parallel()
	msgs := threeMessages()
	const caption = "(the sandbox's SMS inbox, newest first)"
	tests := []struct {
		name string
		msgs []InboxMessage
		want string
	}{
		{"empty, with the notes", nil, "Sandbox SMS inbox: no messages yet\n\nnote"},
		{"one", msgs[:1], "111111 · +14155550123 · delivered\n" + caption},
		{"three", msgs, "333333 · sign-in · +14155550123 · sent\n2 earlier: 222222 (sign-in), 111111\n" + caption},
		{
			"many, the folded line cut", append(append(append([]InboxMessage{}, msgs...), msgs...), msgs...),
			"333333 · sign-in · +14155550123 · sent\n8 earlier: 222222 (sign-in), 111111, 333333 (si…\n" + caption,
		},
		{
			"no code",
			[]InboxMessage{{To: "+14155550123", Status: "undelivered", Body: "Hello\nthere, a message with no code at all"}},
			"Hello there, a… · +14155550123 · undelivered\n" + caption,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := renderInbox(tt.msgs, "note")
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			for l := range strings.SplitSeq(got, "\n") {
				if w := ansi.StringWidth(l); w > 48 {
					t.Errorf("line %q is %d wide, more than 48", l, w)
				}
			}
		})
	}
}
