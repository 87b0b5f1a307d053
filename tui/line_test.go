package tui

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"charm.land/huh/v2"
	"github.com/charmbracelet/x/exp/golden"
)

func lineSteps() (*fakeStep, *fakeStep, *fakeStep, []Step) {
	a := &fakeStep{id: "a", title: "Name", guide: "Who are you?"}
	b := &fakeStep{
		id: "b", title: "Secret", secret: true,
		errs: []error{hintErr{msg: "the token was refused", hint: "{key:edit} and copy it again from the Account Info box of the Twilio Console, next to the Account SID."}},
	}
	c := &fakeStep{
		id: "c", title: "Test SMS", noForm: true, waiting: "Sending…",
		errs: []error{errors.New("undelivered (30003)")},
	}
	return a, b, c, []Step{a, b, optionalStep{c}}
}

// TestLineTranscript runs the line runner on piped input and keeps the
// whole transcript as a golden: prompts, re-asking after a validation
// error, retry, edit and skip after failures.
func TestLineTranscript(t *testing.T) {
	t.Parallel()
	a, b, c, steps := lineSteps()
	in := strings.Join([]string{
		"",        // Name: empty is refused by validation, asked again
		"Ada",     // Name
		"tok-one", // Secret
		"2",       // refused: edit
		"tok-two", // Secret again
		"2",       // Test SMS failed: skip (retry, skip, back, quit)
	}, "\n") + "\n"
	var out bytes.Buffer
	var saved []string
	err := RunLines(t.Context(), steps, Options{
		In: strings.NewReader(in), Out: &out, Env: []string{"TERM=dumb"},
		Checkpoint: func(id string) func() error {
			return func() error { saved = append(saved, id); return nil }
		},
	})
	if err != nil {
		t.Fatalf("RunLines: %v\n%s", err, out.String())
	}
	if b.lastEnv.MaskSecrets || !b.lastEnv.Line {
		t.Errorf("env %+v, want Line without masking for piped input", b.lastEnv)
	}
	if len(a.committed) != 1 || a.committed[0] != "Ada" || len(b.committed) != 1 || b.committed[0] != "tok-two" {
		t.Errorf("committed %q %q", a.committed, b.committed)
	}
	if c.execCount() != 1 || strings.Join(saved, ",") != "a,b,c" {
		t.Errorf("test SMS execs %d, saved %q", c.execCount(), saved)
	}
	golden.RequireEqual(t, out.String())
}

func TestLineInputEnds(t *testing.T) {
	t.Parallel()
	_, _, _, steps := lineSteps()
	var out bytes.Buffer
	err := RunLines(t.Context(), steps, Options{In: strings.NewReader("Ada\n"), Out: &out, Env: []string{}})
	if !errors.Is(err, ErrInputEnded) {
		t.Fatalf("err %v, want ErrInputEnded\n%s", err, out.String())
	}
}

func TestLineBackAndQuit(t *testing.T) {
	t.Parallel()
	a, b, _, steps := lineSteps()
	// Name, Secret refused → back (retry, edit, back, quit), Name again,
	// Secret (its one canned error is used up), Test SMS fails → quit
	// (retry, skip, back, quit).
	in := "Ada\ntok\n3\nBea\ntok2\n4\n"
	c := steps[2].(optionalStep)
	c.errs = []error{errors.New("undelivered")}
	var out bytes.Buffer
	err := RunLines(t.Context(), steps, Options{In: strings.NewReader(in), Out: &out, Env: []string{}})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err %v, want ErrInterrupted (quit)\n%s", err, out.String())
	}
	if strings.Join(a.committed, ",") != "Ada,Bea" || strings.Join(b.committed, ",") != "tok2" {
		t.Fatalf("committed %q %q\n%s", a.committed, b.committed, out.String())
	}
}

func TestUseLineRunner(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
		want bool
	}{
		{"pipes", Options{In: strings.NewReader(""), Out: &bytes.Buffer{}, Env: []string{}}, true},
		{"accessible flag", Options{In: strings.NewReader(""), Out: &bytes.Buffer{}, Accessible: true, Env: []string{}}, true},
		{"ACCESSIBLE=1", Options{In: strings.NewReader(""), Out: &bytes.Buffer{}, Env: []string{"ACCESSIBLE=1"}}, true},
		{"TERM=dumb", Options{In: strings.NewReader(""), Out: &bytes.Buffer{}, Env: []string{"TERM=dumb"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := UseLineRunner(tt.opts); got != tt.want {
				t.Fatalf("UseLineRunner = %v, want %v", got, tt.want)
			}
		})
	}
}

// pagedStep asks a second page only when the first answer is "more".
type pagedStep struct {
	*fakeStep
	first, second string
}

func (s *pagedStep) Pages(FormEnv) []Page {
	return []Page{
		{Group: func() *huh.Group { return huh.NewGroup(huh.NewInput().Title("First").Value(&s.first)) }},
		{
			Group: func() *huh.Group { return huh.NewGroup(huh.NewInput().Title("Second").Value(&s.second)) },
			Hide:  func() bool { return s.first != "more" },
		},
	}
}

func (s *pagedStep) Form(env FormEnv) *huh.Form { return FormOf(s.Pages(env)) }

func TestLinePagesSkipHidden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, second string
		asked            bool
	}{
		{"hidden page not asked", "less\n", "", false},
		{"shown page asked", "more\nyes\n", "yes", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &pagedStep{fakeStep: &fakeStep{id: "p", title: "Paged"}}
			var out bytes.Buffer
			if err := RunLines(t.Context(), []Step{s}, Options{In: strings.NewReader(tt.in), Out: &out, Env: []string{}}); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			if s.second != tt.second || strings.Contains(out.String(), "Second") != tt.asked {
				t.Fatalf("second %q, transcript:\n%s", s.second, out.String())
			}
		})
	}
}

// TestLinePanel: plain mode prints the panel when it changes, also while a
// step runs.
func TestLinePanel(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	text := "inbox: empty"
	ch := make(chan struct{})
	step := &fakeStep{id: "a", title: "A", noForm: true, block: make(chan struct{})}
	go func() {
		ch <- struct{}{} // received while Execute runs
		mu.Lock()
		text = "inbox: code 123456"
		mu.Unlock()
		ch <- struct{}{}
		close(step.block)
	}()
	var out bytes.Buffer
	err := RunLines(t.Context(), []Step{step}, Options{
		In: strings.NewReader(""), Out: &out, Env: []string{},
		Panel: func() string {
			mu.Lock()
			defer mu.Unlock()
			return text
		}, PanelRefresh: ch,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Count(got, "inbox: empty") != 1 || !strings.Contains(got, "inbox: code 123456") {
		t.Fatalf("transcript:\n%s", got)
	}
}

// TestLineRendersPlaceholders: the line runner shows a step's guide, waiting
// text and hints with its choices and the actions' Show texts, never a key.
func TestLineRendersPlaceholders(t *testing.T) {
	t.Parallel()
	a := actionStep{&fakeStep{
		id: "a", title: "Name", guide: "Open the page ({action:open}).",
		errs:    []error{hintErr{"bad name", "{key:edit} and fix it, or {key:retry}."}},
		actions: []Action{{ID: "open", Key: altO, Show: "http://example.test/page"}},
	}}
	var out bytes.Buffer
	err := RunLines(t.Context(), []Step{a}, Options{In: strings.NewReader("Ada\n1\n"), Out: &out, Env: []string{"TERM=dumb"}})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{"Open the page (http://example.test/page).", "Choose “Edit the answers” and fix it, or choose “Retry”."} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "alt+o") || strings.Contains(got, "{") {
		t.Errorf("a key or a placeholder in:\n%s", got)
	}
}

// TestLineProgress: what a step reports while it runs is printed once per
// change, in order, before its ✓ line.
func TestLineProgress(t *testing.T) {
	t.Parallel()
	s := reportStep{&fakeStep{id: "a", title: "Send", noForm: true}, []string{"status: queued", "status: queued", "status: sent"}}
	var out bytes.Buffer
	if err := RunLines(t.Context(), []Step{s}, Options{In: strings.NewReader(""), Out: &out, Env: []string{"TERM=dumb"}}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := out.String()
	q, sent, done := strings.Index(got, "status: queued"), strings.Index(got, "status: sent"), strings.Index(got, "✓ Send")
	if q < 0 || sent < q || done < sent || strings.Count(got, "status: queued") != 1 {
		t.Fatalf("transcript:\n%s", got)
	}
}

// TestLineInputShared (issue 18): one LineInput hands each reader one line,
// so a question that reads a line and the next reader (a huh prompt with its
// own bufio.Scanner) each get their own answer.
func TestLineInputShared(t *testing.T) {
	t.Parallel()
	li := NewLineInput(strings.NewReader("first\nsecond\nthird"))
	if l, err := li.ReadLine(); l != "first" || err != nil {
		t.Fatalf("ReadLine: %q %v", l, err)
	}
	sc := bufio.NewScanner(li) // as huh's accessible prompt does
	if !sc.Scan() || sc.Text() != "second" {
		t.Fatalf("the scanner got %q", sc.Text())
	}
	if l, err := li.ReadLine(); l != "third" || !errors.Is(err, io.EOF) || !li.Ended() {
		t.Fatalf("the last line: %q %v (ended %v)", l, err, li.Ended())
	}
}
