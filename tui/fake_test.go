package tui

import (
	"context"
	"errors"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// fakeStep is a hand-written Step for runner tests. Its form asks one text
// field (unless noForm); Execute pops the next canned error (nil = success).
type fakeStep struct {
	id, title, guide string
	noForm           bool
	secret           bool
	skip             bool
	waiting          string
	loadErrs         []error
	actions          []Action

	mu        sync.Mutex
	errs      []error
	value     string
	loaded    int
	execs     int
	committed []string
	block     chan struct{} // when set, Execute waits for it or ctx
	lastEnv   FormEnv
}

func (s *fakeStep) ID() string    { return s.id }
func (s *fakeStep) Title() string { return s.title }
func (s *fakeStep) Guide() string { return s.guide }

func (s *fakeStep) Form(env FormEnv) *huh.Form {
	s.lastEnv = env
	if s.noForm {
		return nil
	}
	in := huh.NewInput().Value(&s.value)
	if s.secret {
		in = SecretInput(env, &s.value)
	}
	return huh.NewForm(huh.NewGroup(in.Key("v").Title(s.title + " value").
		Validate(func(v string) error {
			if v == "" {
				return errors.New("enter a value")
			}
			return nil
		})))
}

func (s *fakeStep) Execute(ctx context.Context) (Result, error) {
	s.mu.Lock()
	s.execs++
	var err error
	if len(s.errs) > 0 {
		err, s.errs = s.errs[0], s.errs[1:]
	}
	block := s.block
	v := s.value
	s.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return Result{}, ctx.Err()
		}
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Summary: "got " + v, Commit: func() { s.committed = append(s.committed, v) }}, nil
}

func (s *fakeStep) execCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.execs
}

// loaderStep adds Load to fakeStep.
type loaderStep struct{ *fakeStep }

func (s loaderStep) Load(context.Context) (func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.loadErrs) > 0 {
		err := s.loadErrs[0]
		s.loadErrs = s.loadErrs[1:]
		return nil, err
	}
	return func() { s.loaded++ }, nil
}

type skipStep struct{ *fakeStep }

func (s skipStep) Skip() bool { return s.skip }

type optionalStep struct{ *fakeStep }

func (s optionalStep) SkipResult() Result { return Result{Summary: "skipped by user"} }

type waitStep struct{ *fakeStep }

func (s waitStep) WaitingText() string { return s.waiting }

type actionStep struct{ *fakeStep }

// reportStep reports texts with Report, then succeeds.
type reportStep struct {
	*fakeStep
	texts []string
}

func (s reportStep) Execute(ctx context.Context) (Result, error) {
	for _, t := range s.texts {
		Report(ctx, t)
	}
	return s.fakeStep.Execute(ctx)
}

func (s actionStep) Actions() []Action { return s.actions }

// hintErr is an error with a hint, as steps' problems are.
type hintErr struct{ msg, hint string }

func (e hintErr) Error() string { return e.msg }
func (e hintErr) Hint() string  { return e.hint }

func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+b":
		return tea.KeyPressMsg{Code: 'b', Mod: tea.ModCtrl}
	case "alt+o":
		return tea.KeyPressMsg{Code: 'o', Mod: tea.ModAlt}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

var altO = key.NewBinding(key.WithKeys("alt+o"), key.WithHelp("alt+o", "open"))
