package tui

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// readyStep is a fakeStep that is Ready with a note while its value is set.
type readyStep struct{ *fakeStep }

func (s readyStep) Ready() (bool, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.value != "", "from env"
}

// missingStep names what it lacks in a non-interactive run.
type missingStep struct{ *fakeStep }

func (s missingStep) MissingInput() error {
	return errors.New("missing input: the name; give it with --name")
}

func TestFlowReadyRunsWithoutForm(t *testing.T) {
	t.Parallel()
	a := &fakeStep{id: "a", title: "Name", value: "Ada"}
	b := &fakeStep{id: "b", title: "Other"}
	tm := startFlow(t, []Step{readyStep{a}, b}, Options{})
	// No key for the first step: it runs on its own and says why.
	tm.waitState(t, 1, PhaseForm)
	tm.waitOutput(t, "✓ Name — got Ada (from env)")
	tm.Type("x")
	tm.Send(press("enter"))
	finalModel(t, tm.TestModel)
	if a.execCount() != 1 || len(a.committed) != 1 {
		t.Fatalf("ready step: execs %d committed %q", a.execCount(), a.committed)
	}
}

func TestFlowReadyFailureOffersTheForm(t *testing.T) {
	t.Parallel()
	a := &fakeStep{id: "a", title: "Name", value: "Ada", errs: []error{errors.New("refused")}}
	tm := startFlow(t, []Step{readyStep{a}}, Options{})
	tm.waitState(t, 0, PhaseFailed)
	tm.Send(press("e")) // edit: the form, prefilled
	tm.waitState(t, 0, PhaseForm)
	tm.Type("!")
	tm.Send(press("enter"))
	tm.waitOutput(t, "✓ Name — got Ada!")
	m := finalModel(t, tm.TestModel)
	if m.Phase() != PhaseDone || a.execCount() != 2 {
		t.Fatalf("phase %v execs %d", m.Phase(), a.execCount())
	}
}

// TestFlowBackShowsTheFormAndNoDuplicateLines: ctrl+b from the next step
// returns to a Ready step's form (it does not run on its own again), and
// going back and forth does not print its ✓ line twice.
func TestFlowBackShowsTheFormAndNoDuplicateLines(t *testing.T) {
	t.Parallel()
	a := &fakeStep{id: "a", title: "Name", value: "Ada"}
	b := &fakeStep{id: "b", title: "Other"}
	tm := startFlow(t, []Step{readyStep{a}, b}, Options{})
	tm.waitState(t, 1, PhaseForm)
	tm.Send(press("ctrl+b"))
	tm.waitState(t, 0, PhaseForm)
	tm.Send(press("enter")) // the same answer
	tm.waitState(t, 1, PhaseForm)
	tm.Send(press("ctrl+b"))
	tm.waitState(t, 0, PhaseForm)
	tm.Send(press("enter"))
	tm.waitState(t, 1, PhaseForm)
	tm.Type("x")
	tm.Send(press("enter"))
	m := finalModel(t, tm.TestModel)
	if m.Phase() != PhaseDone || a.execCount() != 3 {
		t.Fatalf("phase %v execs %d, want done after 3", m.Phase(), a.execCount())
	}
	if got := m.printed[0]; !strings.Contains(got, "✓ Name — got Ada") {
		t.Fatalf("printed line of the first step: %q", got)
	}
}

func TestPrintOnce(t *testing.T) {
	t.Parallel()
	m := NewModel(t.Context(), nil, Options{})
	if m.printOnce(0, "✓ A — x", "✓ A — x (from env)") == nil {
		t.Fatal("the first line was not printed")
	}
	if m.printOnce(0, "✓ A — x", "✓ A — x") != nil {
		t.Fatal("the same line (but for its note) was printed twice")
	}
	if m.printOnce(0, "✓ A — y", "✓ A — y") == nil || m.printOnce(1, "✓ A — y", "✓ A — y") == nil {
		t.Fatal("a changed line (or another step's) was not printed")
	}
}

func TestLineReadyAndNoDuplicates(t *testing.T) {
	t.Parallel()
	a := &fakeStep{id: "a", title: "Name", value: "Ada"}
	b := &fakeStep{id: "b", title: "Send", noForm: true, errs: []error{errors.New("refused")}}
	// a runs on its own; b fails → back (retry, back, quit); a asks now;
	// b runs again and succeeds.
	in := "2\nAda\n"
	var out bytes.Buffer
	err := RunLines(t.Context(), []Step{readyStep{a}, b}, Options{In: strings.NewReader(in), Out: &out, Env: []string{}})
	if err != nil {
		t.Fatalf("RunLines: %v\n%s", err, out.String())
	}
	got := out.String()
	if !strings.Contains(got, "✓ Name — got Ada (from env)") {
		t.Errorf("the ready step's line lacks its note:\n%s", got)
	}
	if n := strings.Count(got, "✓ Name — got Ada"); n != 1 {
		t.Errorf("the step's line shows %d times, want 1 (the same answer again):\n%s", n, got)
	}
	if a.execCount() != 2 || strings.Count(got, "Name value") != 1 {
		t.Errorf("after back the step must ask once: execs %d\n%s", a.execCount(), got)
	}
}

// TestLineNonInteractive: a Ready step runs, a step with nothing to ask
// runs, and the first step with an unanswered question ends the run with
// its MissingInput error, without reading the input.
func TestLineNonInteractive(t *testing.T) {
	t.Parallel()
	a := &fakeStep{id: "a", title: "Name", value: "Ada"}
	b := &fakeStep{id: "b", title: "Check", noForm: true}
	c := &fakeStep{id: "c", title: "Phone"}
	d := &fakeStep{id: "d", title: "Never"}
	var out bytes.Buffer
	err := Run(t.Context(), []Step{readyStep{a}, b, missingStep{c}, d}, Options{
		In: strings.NewReader("should not be read\n"), Out: &out, Env: []string{}, NonInteractive: true,
	})
	if err == nil || !strings.Contains(err.Error(), "give it with --name") {
		t.Fatalf("err %v, want the step's missing input\n%s", err, out.String())
	}
	want := "\nStep 1/4 · Name\n\n✓ Name — got Ada (from env)\n\nStep 2/4 · Check\n\n✓ Check — got \n\nStep 3/4 · Phone\n\n"
	if out.String() != want {
		t.Errorf("transcript:\n%q\nwant\n%q", out.String(), want)
	}
	// Without MissingInput, the error names the step; a failure ends the run.
	err = Run(t.Context(), []Step{&fakeStep{id: "x", title: "Ask"}}, Options{In: strings.NewReader(""), Out: &out, NonInteractive: true})
	if !errors.Is(err, ErrNeedsInput) || !strings.Contains(err.Error(), `"Ask"`) {
		t.Fatalf("err %v, want ErrNeedsInput naming the step", err)
	}
	failing := &fakeStep{id: "f", title: "Fail", noForm: true, errs: []error{errors.New("boom")}}
	if err := Run(t.Context(), []Step{failing}, Options{In: strings.NewReader(""), Out: &out, NonInteractive: true}); err == nil || err.Error() != "boom" {
		t.Fatalf("err %v, want the step's error", err)
	}
}

// TestLineReadyFailureEdits: a step that ran on its own and failed shows
// its guide and asks when the user chooses to edit.
func TestLineReadyFailureEdits(t *testing.T) {
	t.Parallel()
	a := &fakeStep{id: "a", title: "Name", guide: "Who are you?", value: "Ada", errs: []error{errors.New("refused")}}
	var out bytes.Buffer
	// refused → edit (retry, edit, quit) → Bea.
	err := RunLines(t.Context(), []Step{readyStep{a}}, Options{In: strings.NewReader("2\nBea\n"), Out: &out, Env: []string{}})
	if err != nil {
		t.Fatalf("RunLines: %v\n%s", err, out.String())
	}
	got := out.String()
	if !strings.Contains(got, "Who are you?") || !strings.Contains(got, "✓ Name — got Bea\n") || strings.Index(got, "✗ refused") > strings.Index(got, "Who are you?") {
		t.Errorf("transcript:\n%s", got)
	}
}

// noteStep's note names its value: a retry after a failure that changed the
// value must ask for the note again.
type noteStep struct{ *fakeStep }

func (s noteStep) Ready() (bool, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return true, "note " + s.value
}

func TestFlowRetryAsksForTheNoteAgain(t *testing.T) {
	t.Parallel()
	a := &fakeStep{id: "a", title: "Name", value: "Ada", errs: []error{errors.New("refused")}}
	tm := startFlow(t, []Step{noteStep{a}}, Options{})
	tm.waitState(t, 0, PhaseFailed)
	a.mu.Lock()
	a.value = "Bea" // what a failed Execute may put in its draft (the endpoint's fix)
	a.mu.Unlock()
	tm.Send(press("enter"))
	tm.waitOutput(t, "✓ Name — got Bea (note Bea)")
	finalModel(t, tm.TestModel)
}
