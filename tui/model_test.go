package tui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func newTestModel(t *testing.T, steps ...Step) *Model {
	t.Helper()
	m := NewModel(t.Context(), steps, Options{Width: 80, Height: 24})
	m.Init()
	return m
}

func view(m *Model) string { return ansi.Strip(m.View().Content) }

func TestUpdate(t *testing.T) {
	t.Parallel()
	boom := hintErr{msg: "the server said no", hint: "Check the token."}
	tests := []struct {
		name  string
		steps func() []Step
		drive func(t *testing.T, m *Model)
	}{
		{
			name:  "first step shows its form",
			steps: func() []Step { return []Step{&fakeStep{id: "a", title: "A"}} },
			drive: func(t *testing.T, m *Model) {
				if m.Phase() != PhaseForm || m.Index() != 0 {
					t.Fatalf("phase %v index %d, want form 0", m.Phase(), m.Index())
				}
			},
		},
		{
			name:  "stale result is dropped",
			steps: func() []Step { return []Step{&fakeStep{id: "a", title: "A", noForm: true}} },
			drive: func(t *testing.T, m *Model) {
				if m.Phase() != PhaseRunning {
					t.Fatalf("phase %v, want running", m.Phase())
				}
				m.Update(resultMsg{step: 0, attempt: m.attempt - 1, err: boom})
				if m.Phase() != PhaseRunning {
					t.Fatalf("stale result changed phase to %v", m.Phase())
				}
				m.Update(resultMsg{step: 1, attempt: m.attempt, err: boom})
				if m.Phase() != PhaseRunning {
					t.Fatalf("result of another step changed phase to %v", m.Phase())
				}
			},
		},
		{
			name:  "error goes to failed with the hint, retry runs again",
			steps: func() []Step { return []Step{&fakeStep{id: "a", title: "A", noForm: true}} },
			drive: func(t *testing.T, m *Model) {
				m.Update(resultMsg{step: 0, attempt: m.attempt, err: boom})
				if m.Phase() != PhaseFailed || !errors.Is(m.Err(), boom) {
					t.Fatalf("phase %v err %v, want failed with boom", m.Phase(), m.Err())
				}
				v := view(m)
				for _, want := range []string{"✗ the server said no", "Check the token.", "enter retry"} {
					if !strings.Contains(v, want) {
						t.Errorf("view lacks %q:\n%s", want, v)
					}
				}
				before := m.attempt
				m.Update(press("enter"))
				if m.Phase() != PhaseRunning || m.attempt != before+1 {
					t.Fatalf("after retry: phase %v attempt %d", m.Phase(), m.attempt)
				}
			},
		},
		{
			name:  "edit rebuilds the form after a failure",
			steps: func() []Step { return []Step{&fakeStep{id: "a", title: "A"}} },
			drive: func(t *testing.T, m *Model) {
				m.run()
				m.Update(resultMsg{step: 0, attempt: m.attempt, err: boom})
				m.Update(press("e"))
				if m.Phase() != PhaseForm || m.form == nil {
					t.Fatalf("phase %v, want form", m.Phase())
				}
			},
		},
		{
			name:  "success commits and moves on, back returns",
			steps: func() []Step { return []Step{&fakeStep{id: "a", title: "A"}, &fakeStep{id: "b", title: "B"}} },
			drive: func(t *testing.T, m *Model) {
				a := m.steps[0].(*fakeStep)
				committed := false
				m.run()
				m.Update(resultMsg{step: 0, attempt: m.attempt, res: Result{Summary: "ok", Commit: func() { committed = true }}})
				if !committed || m.Index() != 1 || m.Phase() != PhaseForm {
					t.Fatalf("committed %v index %d phase %v", committed, m.Index(), m.Phase())
				}
				if !strings.Contains(view(m), "ctrl+b back") {
					t.Errorf("help line lacks back:\n%s", view(m))
				}
				m.Update(press("ctrl+b"))
				if m.Index() != 0 || m.Phase() != PhaseForm {
					t.Fatalf("after back: index %d phase %v", m.Index(), m.Phase())
				}
				_ = a
			},
		},
		{
			name: "back while running makes the late result stale",
			steps: func() []Step {
				return []Step{&fakeStep{id: "a", title: "A"}, &fakeStep{id: "b", title: "B", noForm: true}}
			},
			drive: func(t *testing.T, m *Model) {
				m.run()
				m.Update(resultMsg{step: 0, attempt: m.attempt, res: Result{}})
				if m.Index() != 1 || m.Phase() != PhaseRunning {
					t.Fatalf("index %d phase %v", m.Index(), m.Phase())
				}
				late := resultMsg{step: 1, attempt: m.attempt, err: boom}
				m.Update(press("ctrl+b"))
				m.Update(late)
				if m.Index() != 0 || m.Phase() != PhaseForm {
					t.Fatalf("late result applied: index %d phase %v", m.Index(), m.Phase())
				}
			},
		},
		{
			name:  "ctrl+c interrupts",
			steps: func() []Step { return []Step{&fakeStep{id: "a", title: "A", noForm: true}} },
			drive: func(t *testing.T, m *Model) {
				_, cmd := m.Update(press("ctrl+c"))
				if cmd == nil {
					t.Fatal("no command")
				}
				if _, ok := cmd().(tea.QuitMsg); !ok {
					t.Fatalf("ctrl+c gave %T, want tea.QuitMsg (Run reports ErrInterrupted)", cmd())
				}
				if !m.Interrupted() || m.cancel != nil {
					t.Fatalf("interrupted %v, cancel still set %v", m.Interrupted(), m.cancel != nil)
				}
			},
		},
		{
			name: "optional step can be skipped after a failure",
			steps: func() []Step {
				return []Step{optionalStep{&fakeStep{id: "a", title: "A", noForm: true}}, &fakeStep{id: "b", title: "B"}}
			},
			drive: func(t *testing.T, m *Model) {
				m.Update(resultMsg{step: 0, attempt: m.attempt, err: boom})
				if !strings.Contains(view(m), "s skip") {
					t.Errorf("help lacks skip:\n%s", view(m))
				}
				m.Update(press("s"))
				if m.Index() != 1 {
					t.Fatalf("index %d, want 1", m.Index())
				}
			},
		},
		{
			name:  "skip key does nothing for a required step",
			steps: func() []Step { return []Step{&fakeStep{id: "a", title: "A", noForm: true}} },
			drive: func(t *testing.T, m *Model) {
				m.Update(resultMsg{step: 0, attempt: m.attempt, err: boom})
				m.Update(press("s"))
				if m.Index() != 0 || m.Phase() != PhaseFailed {
					t.Fatalf("index %d phase %v", m.Index(), m.Phase())
				}
			},
		},
		{
			name: "skipped steps are passed over",
			steps: func() []Step {
				return []Step{skipStep{&fakeStep{id: "a", title: "A", skip: true}}, &fakeStep{id: "b", title: "B"}}
			},
			drive: func(t *testing.T, m *Model) {
				if m.Index() != 1 || m.Phase() != PhaseForm {
					t.Fatalf("index %d phase %v", m.Index(), m.Phase())
				}
				m.Update(press("ctrl+b"))
				if m.Index() != 1 {
					t.Fatalf("back went to a skipped step: index %d", m.Index())
				}
			},
		},
		{
			name: "loader: error, retry, apply, then form",
			steps: func() []Step {
				return []Step{loaderStep{&fakeStep{id: "a", title: "A", loadErrs: []error{boom}}}}
			},
			drive: func(t *testing.T, m *Model) {
				if m.Phase() != PhaseLoading {
					t.Fatalf("phase %v, want loading", m.Phase())
				}
				m.Update(loadedMsg{step: 0, attempt: m.attempt, err: boom})
				if m.Phase() != PhaseFailed || strings.Contains(view(m), "e edit") {
					t.Fatalf("phase %v (edit must not be offered for a load failure):\n%s", m.Phase(), view(m))
				}
				m.Update(press("enter"))
				if m.Phase() != PhaseLoading {
					t.Fatalf("retry: phase %v", m.Phase())
				}
				applied := false
				m.Update(loadedMsg{step: 0, attempt: m.attempt, apply: func() { applied = true }})
				if !applied || m.Phase() != PhaseForm {
					t.Fatalf("applied %v phase %v", applied, m.Phase())
				}
			},
		},
		{
			name: "actions run before the form sees the key",
			steps: func() []Step {
				return []Step{actionStep{&fakeStep{id: "a", title: "A"}}}
			},
			drive: func(t *testing.T, m *Model) {
				ran := false
				m.steps[0].(actionStep).actions = []Action{{Key: altO, Run: func() tea.Cmd { ran = true; return nil }}}
				m.Update(press("alt+o"))
				if !ran {
					t.Fatal("action did not run")
				}
				if !strings.Contains(view(m), "alt+o open") {
					t.Errorf("help lacks the action:\n%s", view(m))
				}
			},
		},
		{
			name:  "last commit ends the run",
			steps: func() []Step { return []Step{&fakeStep{id: "a", title: "A", noForm: true}} },
			drive: func(t *testing.T, m *Model) {
				m.Update(resultMsg{step: 0, attempt: m.attempt, res: Result{Summary: "ok"}})
				if m.Phase() != PhaseDone || view(m) != "" {
					t.Fatalf("phase %v view %q", m.Phase(), view(m))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.drive(t, newTestModel(t, tt.steps()...))
		})
	}
}

func TestCheckpointAfterCommit(t *testing.T) {
	t.Parallel()
	var order []string
	step := &fakeStep{id: "a", title: "A", noForm: true}
	m := NewModel(t.Context(), []Step{step}, Options{Checkpoint: func(id string) func() error {
		order = append(order, "checkpoint "+id)
		return func() error { return errors.New("disk full") }
	}})
	m.Init()
	_, cmd := m.Update(resultMsg{step: 0, attempt: m.attempt, res: Result{Commit: func() { order = append(order, "commit") }}})
	if got := strings.Join(order, ", "); got != "commit, checkpoint a" {
		t.Fatalf("order %q", got)
	}
	if cmd == nil {
		t.Fatal("no command to persist")
	}
	var failed bool
	for _, msg := range runAll(cmd) {
		if sf, ok := msg.(saveFailedMsg); ok && sf.step == "a" {
			failed = true
		}
	}
	if !failed {
		t.Fatal("a failing persist did not report saveFailedMsg")
	}
}

func TestRunningContextCancelled(t *testing.T) {
	t.Parallel()
	step := &fakeStep{id: "a", title: "A", noForm: true, block: make(chan struct{})}
	m := NewModel(t.Context(), []Step{step}, Options{})
	cmd := m.Init()
	done := make(chan []any, 1)
	go func() { done <- runAll(cmd) }()
	m.Update(press("esc"))
	msgs := <-done
	for _, msg := range msgs {
		if r, ok := msg.(resultMsg); ok {
			if !errors.Is(r.err, context.Canceled) {
				t.Fatalf("result err %v, want context.Canceled", r.err)
			}
			m.Update(r)
			if m.Phase() != PhaseFailed || !strings.Contains(view(m), "Cancelled") {
				t.Fatalf("phase %v view:\n%s", m.Phase(), view(m))
			}
			return
		}
	}
	t.Fatal("Execute never returned")
}

// TestCtrlCWritesPendingCheckpoint: ctrl+c right after a commit still writes
// that step's checkpoint (its command may not have run yet), once.
func TestCtrlCWritesPendingCheckpoint(t *testing.T) {
	t.Parallel()
	writes := 0
	m := NewModel(t.Context(), []Step{&fakeStep{id: "a", title: "A", noForm: true}, &fakeStep{id: "b", title: "B"}},
		Options{Checkpoint: func(string) func() error { return func() error { writes++; return nil } }})
	m.Init()
	m.Update(resultMsg{step: 0, attempt: m.attempt, res: Result{}}) // its save command is dropped
	_, cmd := m.Update(press("ctrl+c"))
	msgs := runAll(cmd)
	if writes != 1 {
		t.Fatalf("checkpoint written %d times, want 1", writes)
	}
	if _, ok := msgs[len(msgs)-1].(tea.QuitMsg); !ok {
		t.Fatalf("last message %T, want tea.QuitMsg", msgs[len(msgs)-1])
	}
	// The original save command, arriving late, does not write again.
	_ = m.saver.run(1, func() error { writes++; return nil })
	if writes != 1 {
		t.Fatal("an already written snapshot was written again")
	}
}

// TestProgressShowsUnderTheWaitingText: what a running step reports is shown
// under its waiting text; a report of an earlier attempt is dropped, and the
// next attempt starts without the old status.
func TestProgressShowsUnderTheWaitingText(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, waitStep{&fakeStep{id: "a", title: "A", noForm: true, waiting: "Sending…", block: make(chan struct{})}})
	p := newProgress()
	m.Update(progressMsg{step: 0, attempt: m.attempt - 1, text: "status: stale", p: p})
	m.Update(progressMsg{step: 0, attempt: m.attempt, text: "status: sent", p: p})
	v := view(m)
	if strings.Contains(v, "stale") || !strings.Contains(v, "Sending…\nstatus: sent") {
		t.Fatalf("frame:\n%s", v)
	}
	m.Update(resultMsg{step: 0, attempt: m.attempt, err: errors.New("boom")})
	m.Update(press("enter")) // retry
	if v := view(m); strings.Contains(v, "status: sent") {
		t.Fatalf("the retry shows the old status:\n%s", v)
	}
}

// TestReportReachesTheModel: Report inside Execute arrives as a progressMsg
// through the command stepContext returns.
func TestReportReachesTheModel(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, &fakeStep{id: "a", title: "A", noForm: true})
	ctx, watch := m.stepContext()
	Report(ctx, "status: queued")
	msg, ok := watch().(progressMsg)
	if !ok || msg.text != "status: queued" || msg.attempt != m.attempt {
		t.Fatalf("got %#v", msg)
	}
	m.stopRunning()
	if msg := m.waitProgress(msg.p, 0, m.attempt)(); msg != nil {
		t.Fatalf("after the step ended: %#v", msg)
	}
	Report(context.Background(), "no runner: nothing happens")
}

func TestWrapDetails(t *testing.T) {
	t.Parallel()
	in := "  Saved in           /tmp/TestWizardFlow1238487010/001/setup.json (secrets: secrets.json, mode 0600)\nNext:"
	want := "  Saved in           /tmp/TestWizardFlow1238487010/001/setup.json (secrets:\n    secrets.json, mode 0600)\nNext:"
	if got := wrapDetails(in, 80); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
