package tui

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

type state struct {
	idx   int
	phase Phase
}

// flow is a teatest program plus the states the model went through, seen
// from the UI goroutine (the renderer redraws only what changed, so the
// output stream is no place to wait for a whole line).
type flow struct {
	*teatest.TestModel
	states chan state
}

func startFlow(t *testing.T, steps []Step, opts Options) *flow {
	t.Helper()
	opts.Width, opts.Height = 80, 24
	states := make(chan state, 1024)
	opts.Observe = func(s Snapshot) { states <- state{s.Step, s.Phase} }
	m := NewModel(t.Context(), steps, opts)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.NoTTY)))
	return &flow{TestModel: tm, states: states}
}

// waitState waits until the model reaches step idx in phase.
func (f *flow) waitState(t *testing.T, idx int, phase Phase) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-f.states:
			if s.idx == idx && s.phase == phase {
				return
			}
		case <-timeout:
			t.Fatalf("model never reached step %d in phase %v", idx, phase)
		}
	}
}

// waitOutput waits for s in the printed output (✓ lines are printed whole).
func (f *flow) waitOutput(t *testing.T, s string) {
	t.Helper()
	teatest.WaitFor(t, f.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

func finalModel(t *testing.T, tm *teatest.TestModel) *Model {
	t.Helper()
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
}

func TestFlowHappyPath(t *testing.T) {
	t.Parallel()
	a := &fakeStep{id: "a", title: "Name"}
	b := &fakeStep{id: "b", title: "Check", noForm: true}
	var saved []string
	tm := startFlow(t, []Step{a, b}, Options{Checkpoint: func(id string) func() error {
		return func() error { saved = append(saved, id); return nil }
	}})
	tm.waitState(t, 0, PhaseForm)
	tm.Type("Ada")
	tm.Send(press("enter"))
	tm.waitOutput(t, "✓ Name — got Ada")
	m := finalModel(t, tm.TestModel)
	if m.Phase() != PhaseDone {
		t.Fatalf("phase %v, want done", m.Phase())
	}
	if len(a.committed) != 1 || a.committed[0] != "Ada" {
		t.Fatalf("committed %q, want [Ada]", a.committed)
	}
	if len(saved) != 2 || saved[0] != "a" || saved[1] != "b" {
		t.Fatalf("checkpoints %q, want [a b]", saved)
	}
}

func TestFlowErrorRetry(t *testing.T) {
	t.Parallel()
	s := &fakeStep{
		id: "a", title: "Send", noForm: true,
		errs: []error{hintErr{msg: "twilio: 21608 unverified number", hint: "Verify the number first."}},
	}
	tm := startFlow(t, []Step{s}, Options{})
	tm.waitState(t, 0, PhaseFailed)
	tm.Send(press("enter"))
	tm.waitOutput(t, "✓ Send")
	if m := finalModel(t, tm.TestModel); m.Phase() != PhaseDone || s.execCount() != 2 {
		t.Fatalf("phase %v execs %d, want done after 2", m.Phase(), s.execCount())
	}
}

func TestFlowBack(t *testing.T) {
	t.Parallel()
	a := &fakeStep{id: "a", title: "First"}
	b := &fakeStep{id: "b", title: "Second"}
	tm := startFlow(t, []Step{a, b}, Options{})
	tm.waitState(t, 0, PhaseForm)
	tm.Type("one")
	tm.Send(press("enter"))
	tm.waitState(t, 1, PhaseForm)
	tm.Send(press("ctrl+b"))
	tm.waitState(t, 0, PhaseForm)
	// The rebuilt form keeps the earlier answer: enter alone goes on.
	tm.Send(press("enter"))
	tm.waitState(t, 1, PhaseForm)
	tm.Type("two")
	tm.Send(press("enter"))
	tm.waitOutput(t, "✓ Second — got two")
	finalModel(t, tm.TestModel)
	if a.execCount() != 2 || len(a.committed) != 2 || a.committed[1] != "one" {
		t.Fatalf("first step: execs %d committed %q", a.execCount(), a.committed)
	}
}

// TestFlowCtrlC runs a real program: ctrl+c while a step runs cancels it,
// ends the program with ErrInterrupted, and keeps what was committed.
func TestFlowCtrlC(t *testing.T) {
	t.Parallel()
	a := &fakeStep{id: "a", title: "First", noForm: true}
	b := &fakeStep{id: "b", title: "Second", noForm: true, block: make(chan struct{})}
	started := make(chan struct{})
	var saved []string
	opts := Options{Width: 80, Height: 24, Checkpoint: func(id string) func() error {
		saved = append(saved, id)
		if id == "a" {
			close(started)
		}
		return nil
	}}
	m := NewModel(t.Context(), []Step{a, b}, opts)
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pw.Close() })
	p := tea.NewProgram(m, tea.WithInput(pr), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24),
		tea.WithoutSignals(), tea.WithColorProfile(colorprofile.NoTTY), tea.WithContext(t.Context()))
	done := make(chan error, 1)
	go func() {
		_, err := p.Run()
		done <- programError(t.Context(), m, err)
	}()
	<-started
	p.Send(press("ctrl+c"))
	err := <-done
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Run error %v, want ErrInterrupted", err)
	}
	if len(a.committed) != 1 || len(saved) != 1 {
		t.Fatalf("first step committed %d, saved %q", len(a.committed), saved)
	}
	if len(b.committed) != 0 {
		t.Fatal("the interrupted step committed")
	}
}
