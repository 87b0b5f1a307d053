package tui

import (
	"bytes"
	"context"
	"errors"
	"image/color"
	"io"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"
)

func TestPanelRefresh(t *testing.T) {
	t.Parallel()
	ch := make(chan struct{}, 1)
	text := "no SMS yet"
	m := NewModel(t.Context(), []Step{&fakeStep{id: "a", title: "A"}}, Options{
		Width: 80, Height: 24,
		Panel: func() string { return text }, PanelRefresh: ch,
	})
	m.Init()
	if !strings.Contains(view(m), "no SMS yet") {
		t.Fatalf("panel missing:\n%s", view(m))
	}
	wait := m.waitPanel()
	text = "code 123456"
	ch <- struct{}{}
	msg := wait()
	if _, ok := msg.(panelMsg); !ok {
		t.Fatalf("refresh gave %T", msg)
	}
	_, next := m.Update(msg)
	if next == nil || !strings.Contains(view(m), "code 123456") {
		t.Fatalf("no re-wait, or panel not redrawn:\n%s", view(m))
	}
	close(ch)
	if msg := m.waitPanel()(); msg != nil {
		t.Fatalf("closed channel gave %T, want nil (stop waiting)", msg)
	}
}

func TestBackgroundColour(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, &fakeStep{id: "a", title: "A"})
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.isDark {
		t.Fatal("a white background must give light styles")
	}
	m.Update(tea.BackgroundColorMsg{Color: color.Black})
	if !m.isDark {
		t.Fatal("a black background must give dark styles")
	}
}

func TestAccessibleEnvValues(t *testing.T) {
	t.Parallel()
	// Pipes always use the line runner, so only the parsing is checked here.
	for v, want := range map[string]bool{"1": true, "true": true, "0": false, "false": false, "": false} {
		if got := accessibleEnv([]string{"TERM=xterm", "ACCESSIBLE=" + v}); got != want {
			t.Errorf("ACCESSIBLE=%q: %v, want %v", v, got, want)
		}
	}
}

// TestStepTimeout: a step that never answers fails with the timeout hint
// once its Timeout passes (synctest: no real waiting).
func TestStepTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		step := timeoutStep{&fakeStep{id: "a", title: "A", noForm: true, block: make(chan struct{})}}
		m := NewModel(t.Context(), []Step{step}, Options{})
		start := time.Now()
		var res resultMsg
		for _, msg := range runAll(m.Init()) {
			if r, ok := msg.(resultMsg); ok {
				res = r
			}
		}
		if time.Since(start) != time.Minute || !errors.Is(res.err, context.DeadlineExceeded) {
			t.Fatalf("after %v: %v", time.Since(start), res.err)
		}
		m.Update(res)
		if !strings.Contains(view(m), "took too long") {
			t.Fatalf("view:\n%s", view(m))
		}
	})
}

type timeoutStep struct{ *fakeStep }

func (timeoutStep) Timeout() time.Duration { return time.Minute }

// TestLineInterrupted: a cancelled context (ctrl+c in plain mode) ends the
// line runner with ErrInterrupted even while it waits for input.
func TestLineInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pw.Close() })
	done := make(chan error, 1)
	go func() {
		done <- RunLines(ctx, []Step{&fakeStep{id: "a", title: "A"}}, Options{In: pr, Out: &bytes.Buffer{}, Env: []string{}})
	}()
	cancel()
	if err := <-done; !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err %v, want ErrInterrupted", err)
	}
}

func TestLineHelpers(t *testing.T) {
	t.Parallel()
	line, tuiEnv := FormEnv{Line: true}, FormEnv{MaskSecrets: true}
	tests := []struct {
		name    string
		env     FormEnv
		current string
		secret  bool
		want    string
	}{
		{"line shows the value", line, "http://x", false, "T [http://x]"},
		{"line hides a secret", line, "s3cret", true, "T [already set; enter keeps it]"},
		{"line, nothing yet", line, "", false, "T"},
		{"tui leaves the title", tuiEnv, "http://x", false, "T"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := LineTitle(tt.env, "T", tt.current, tt.secret); got != tt.want {
				t.Errorf("LineTitle = %q, want %q", got, tt.want)
			}
			v := tt.current
			in := SecretInput(tt.env, &v)
			in.Focus()
			if tt.current != "" && in.GetValue() != tt.current {
				t.Errorf("field shows %q, want the current value", in.GetValue())
			}
		})
	}
	v := "kept"
	keepIfEmpty{&v}.Set("")
	if v != "kept" {
		t.Fatal("an empty answer cleared the value")
	}
	keepIfEmpty{&v}.Set("new")
	if v != "new" {
		t.Fatal("a new answer was not stored")
	}
}
