package steps

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// keyPress is one scripted key: pressed when the runner shows step id with
// field focused (field "" = a form without keyed field, e.g. a note).
type keyPress struct{ id, field string }

// freshRun answers a fresh automatic run whose answers are all prefilled:
// the steps with prefilled answers (endpoint, method, credentials, Twilio,
// test phone) and obvious choices (a new app, the only service with a
// sender) run on their own; enter on the rest.
var freshRun = []keyPress{
	{"welcome", "start"},
	{"templates", "edit"},
	{"signin", "apply"},
	{"starter", "write"},
}

func fullPrefill() Prefill {
	return Prefill{
		Endpoint: "http://localhost:3001", M2MAppID: "m2m1", M2MAppSecret: m2mSecret,
		TwilioAccountSID: accountSID, TwilioAuthToken: twilioToken, TestPhone: "+15005550006",
	}
}

// driver sends scripted keys when the runner reaches each (step, field).
type driver struct {
	snaps chan tui.Snapshot
}

func newDriver() *driver { return &driver{snaps: make(chan tui.Snapshot, 4096)} }

func (d *driver) observe(s tui.Snapshot) { d.snaps <- s }

// until waits for a snapshot matching ok.
func (d *driver) until(t *testing.T, what string, ok func(tui.Snapshot) bool) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-d.snaps:
			if ok(s) {
				return
			}
		case <-timeout:
			t.Fatalf("the wizard never reached %s", what)
		}
	}
}

func (d *driver) play(t *testing.T, send func(tea.Msg), script []keyPress) {
	t.Helper()
	for _, k := range script {
		d.until(t, k.id+"/"+k.field, func(s tui.Snapshot) bool {
			return s.ID == k.id && s.Phase == tui.PhaseForm && s.Field == k.field
		})
		send(tea.KeyPressMsg{Code: tea.KeyEnter})
	}
}

// TestWizardFlow runs the whole wizard in the interactive runner (teatest)
// against the fakes, and checks that no secret appears in the terminal
// output or in setup.json.
func TestWizardFlow(t *testing.T) {
	t.Parallel()
	w := newWorld()
	w.deps.Store = &config.Store{Dir: t.TempDir()}
	w.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "15005550006"}
	st := NewState(fullPrefill())
	d := newDriver()
	m := tui.NewModel(t.Context(), All(st, w.deps), tui.Options{
		Width: 80, Height: 24,
		Checkpoint: Checkpoint(st, w.deps.Store), Observe: d.observe,
	})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.NoTTY)))
	d.play(t, tm.Send, freshRun)
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*tui.Model)
	if final.Phase() != tui.PhaseDone {
		t.Fatalf("phase %v", final.Phase())
	}
	raw, err := io.ReadAll(tm.FinalOutput(t))
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, "terminal output", string(raw))
	// The renderer may interleave cursor and style sequences with a printed
	// line: compare the text.
	out := []byte(ansi.Strip(string(raw)))
	if !bytes.Contains(out, []byte("✓ Sign in for real — signed in as +15005550006")) {
		t.Errorf("the scrollback lacks the sign-in line")
	}
	// The frame is cleared at the end: the report must be in the scrollback.
	for _, want := range []string{"✓ Summary — SMS sign-in works", "Saved in", "Next:"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the scrollback lacks %q", want)
		}
	}
	setupJSON, _ := os.ReadFile(filepath.Join(w.deps.Store.Dir, config.SetupFile))
	assertNoSecrets(t, config.SetupFile, string(setupJSON))
	if st.Setup.SignedInPhone != "+15005550006" || len(st.Setup.Done) != 13 {
		t.Fatalf("setup %+v", st.Setup)
	}
}

// runProgram runs the wizard in a real tea.Program on a pipe, the way Run
// does, so the flow sees what Run returns after ctrl+c.
func runProgram(t *testing.T, st *State, deps Deps, d *driver) (*tea.Program, chan error) {
	t.Helper()
	m := tui.NewModel(t.Context(), All(st, deps), tui.Options{
		Width: 80, Height: 24,
		Checkpoint: Checkpoint(st, deps.Store), Observe: d.observe,
	})
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pw.Close() })
	p := tea.NewProgram(m, tea.WithInput(pr), tea.WithOutput(io.Discard), tea.WithWindowSize(80, 24),
		tea.WithoutSignals(), tea.WithColorProfile(colorprofile.NoTTY), tea.WithContext(t.Context()))
	done := make(chan error, 1)
	go func() {
		_, err := p.Run()
		if m.Interrupted() {
			err = tui.ErrInterrupted
		}
		done <- err
	}()
	return p, done
}

// TestWizardCtrlCAndResume stops the wizard with ctrl+c on the test SMS
// step, then runs it again: the welcome step offers to resume, every step
// done before is skipped, and the wizard finishes.
func TestWizardCtrlCAndResume(t *testing.T) {
	t.Parallel()
	w := newWorld()
	w.deps.Store = &config.Store{Dir: t.TempDir()}
	st := NewState(fullPrefill())
	d := newDriver()
	p, done := runProgram(t, st, w.deps, d)
	d.play(t, p.Send, freshRun[:2]) // up to the templates; the test SMS runs on its own
	d.until(t, "signin", func(s tui.Snapshot) bool { return s.ID == "signin" && s.Phase == tui.PhaseForm })
	p.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if err := <-done; !errors.Is(err, tui.ErrInterrupted) {
		t.Fatalf("err %v, want ErrInterrupted", err)
	}
	saved, err := w.deps.Store.Load()
	if err != nil || !saved.Found || !saved.Setup.IsDone("testsms") || saved.Setup.IsDone("signin") {
		t.Fatalf("saved %+v %v", saved.Setup.Done, err)
	}

	// Second run: a new process would start from the saved files.
	w.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "15005550006"}
	st2 := NewState(fullPrefill())
	d2 := newDriver()
	p2, done2 := runProgram(t, st2, w.deps, d2)
	d2.play(t, p2.Send, append([]keyPress{{"welcome", "mode"}}, freshRun[2:]...))
	if err := <-done2; err != nil {
		t.Fatalf("second run: %v", err)
	}
	creates := 0
	for _, c := range w.logto.list() {
		if c == "Create Bookstore" {
			creates++
		}
	}
	if creates != 1 || st2.Setup.SignedInPhone != "+15005550006" {
		t.Fatalf("app created %d times; signed in %q", creates, st2.Setup.SignedInPhone)
	}
}

// TestWizardErrorEditBack: Twilio refuses the prefilled credentials once
// (the step ran on its own); the error and its hint show, e edits, the
// retry passes; the service runs on its own, and ctrl+b on the templates
// goes back to the service's form (not run again on its own), with its
// answer kept.
func TestWizardErrorEditBack(t *testing.T) {
	t.Parallel()
	w := newWorld()
	w.twilio.once = map[string]error{"Account": &twiliosetup.Error{
		Code: 20003, Status: 401,
		What: "the Account SID and Auth Token do not match", Next: "Copy both again from the Console home page.",
	}}
	w.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "15005550006"}
	st := NewState(fullPrefill())
	d := newDriver()
	m := tui.NewModel(t.Context(), All(st, w.deps), tui.Options{Width: 80, Height: 24, Observe: d.observe})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.NoTTY)))
	d.play(t, tm.Send, freshRun[:1]) // the Twilio step runs on its own
	d.until(t, "twilio failed", func(s tui.Snapshot) bool { return s.ID == "twilio" && s.Phase == tui.PhaseFailed })
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Copy both again")) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	tm.Send(tea.KeyPressMsg{Code: 'e', Text: "e"})
	d.play(t, tm.Send, []keyPress{{"twilio", "sid"}, {"twilio", "token"}})
	d.until(t, "templates form", func(s tui.Snapshot) bool { return s.ID == "templates" && s.Phase == tui.PhaseForm })
	tm.Send(tea.KeyPressMsg{Code: 'b', Mod: tea.ModCtrl})
	d.play(t, tm.Send, []keyPress{{"service", "service"}})
	d.play(t, tm.Send, freshRun[1:])
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*tui.Model)
	if final.Phase() != tui.PhaseDone {
		t.Fatalf("phase %v", final.Phase())
	}
	accounts := 0
	for _, c := range w.twilio.list() {
		if c == "Account" {
			accounts++
		}
	}
	if accounts != 2 { // refused, retried after edit
		t.Fatalf("Account called %d times, want 2", accounts)
	}
	out, err := io.ReadAll(tm.FinalOutput(t))
	if err != nil {
		t.Fatal(err)
	}
	// Back and forth printed the service's line once.
	if n := bytes.Count(out, []byte("✓ Messaging Service")); n != 1 {
		t.Errorf("the service's ✓ line shows %d times, want 1", n)
	}
}
