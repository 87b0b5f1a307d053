package tui

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

func TestElapsed(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0:                                     "0:00",
		1999 * time.Millisecond:               "0:01",
		59 * time.Second:                      "0:59",
		time.Minute:                           "1:00",
		15*time.Minute + 2*time.Second:        "15:02",
		61*time.Minute + 999*time.Millisecond: "61:00",
	} {
		if got := elapsed(d); got != want {
			t.Errorf("elapsed(%v) = %q, want %q", d, got, want)
		}
	}
}

// updateLog wraps the runner's model in a real Bubble Tea program and keeps,
// in the bubble's fake time, when each message arrived and the view after it.
type updateLog struct {
	*Model
	start time.Time

	mu      sync.Mutex
	updates []time.Duration
	view    string
}

func (l *updateLog) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := l.Model.Update(msg)
	v := ansi.Strip(l.Model.View().Content)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.updates = append(l.updates, time.Since(l.start))
	l.view = v
	return l, cmd
}

// after returns the times of the updates later than from, and the last view.
func (l *updateLog) after(from time.Duration) ([]time.Duration, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []time.Duration
	for _, u := range l.updates {
		if u > from {
			out = append(out, u)
		}
	}
	return out, l.view
}

// slowStep waits (in Load when it is a slowLoader, else in Execute) until its
// context ends: at its timeout, 15 minutes (the sign-in's) unless set.
type slowStep struct {
	*fakeStep
	timeout time.Duration
}

func (s slowStep) Timeout() time.Duration {
	if s.timeout > 0 {
		return s.timeout
	}
	return 15 * time.Minute
}

func (s slowStep) WaitingText() string { return s.waiting }

func (slowStep) Execute(ctx context.Context) (Result, error) {
	<-ctx.Done()
	return Result{}, ctx.Err()
}

type slowLoader struct{ slowStep }

func (slowLoader) Load(ctx context.Context) (func(), error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// confirmLoader loads at once, then asks a yes/no question.
type confirmLoader struct{ loaderStep }

func (confirmLoader) Form(FormEnv) *huh.Form {
	return huh.NewForm(huh.NewGroup(huh.NewConfirm().Title("Ready to start?")))
}

// TestWaitIndicatorLetsTheRendererRest: Bubble Tea stops its 60 Hz frame
// ticker half a second after the last message and starts it again on the
// next (every message redraws the view). So while the wizard waits — a load,
// a run, minutes at the sign-in — the runner gets no message more often than
// once a second (the wait indicator's tick, every clockEvery), and at a form
// none at all. The indicator still moves: after a minute it shows 1:00. When
// the wait ends (here: it times out) the ticks stop.
func TestWaitIndicatorLetsTheRendererRest(t *testing.T) {
	t.Parallel()
	const window = time.Minute
	ticks := int(window / clockEvery)
	tests := []struct {
		name       string
		step       Step
		min, max   int           // messages in (1s, 1s+window]
		quietAfter time.Duration // no message after this (0: not checked)
		view       string        // the view at the end holds it
	}{
		{
			// A confirm: a text input's cursor blinks (huh's, every 530 ms).
			name: "form after a load", step: confirmLoader{loaderStep{&fakeStep{id: "a", title: "Welcome"}}},
			// the load's tick at 2 s, dropped (none when the load ended before the clock started)
			min: 0, max: 1, quietAfter: clockEvery, view: "Ready to start?",
		},
		{
			name: "loading", step: slowLoader{slowStep{fakeStep: &fakeStep{id: "a", title: "Service"}}},
			min: ticks - 1, max: ticks + 1, view: "1:00 Loading…",
		},
		{
			name: "running", step: slowStep{fakeStep: &fakeStep{id: "a", title: "Sign in", noForm: true, waiting: "Waiting for the sign-in…"}},
			min: ticks - 1, max: ticks + 1, view: "1:00 Waiting for the sign-in…",
		},
		{
			name: "running, then timed out",
			step: slowStep{fakeStep: &fakeStep{id: "a", title: "Test SMS", noForm: true}, timeout: 9 * time.Second},
			// ticks at 2, 4, 6 and 8 s, the failure at 9 s, the tick at 10 s dropped
			min: 6, max: 6, quietAfter: 10 * time.Second, view: "✗ context deadline exceeded",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				log := &updateLog{Model: NewModel(ctx, []Step{tt.step}, Options{}), start: time.Now()}
				p := tea.NewProgram(log, tea.WithContext(ctx), tea.WithInput(nil), tea.WithOutput(io.Discard),
					tea.WithoutSignalHandler(), tea.WithWindowSize(80, 24),
					tea.WithEnvironment([]string{"TERM=dumb"}), tea.WithColorProfile(colorprofile.Ascii))
				done := make(chan error, 1)
				go func() {
					_, err := p.Run()
					done <- err
				}()
				defer func() { // also after a t.Fatal: the bubble must end with no goroutine left
					cancel()
					p.Quit()
					<-done
					time.Sleep(clockEvery) // a tick's timer still running fires, and its goroutine ends
				}()

				time.Sleep(time.Second + window)
				synctest.Wait()
				got, view := log.after(time.Second)
				if len(got) < tt.min || len(got) > tt.max {
					t.Errorf("%d messages in %v (at %v), want %d to %d", len(got), window, got, tt.min, tt.max)
				}
				for i := 1; i < len(got); i++ {
					if gap := got[i] - got[i-1]; gap < time.Second {
						t.Errorf("messages at %v and %v: %v apart, less than a second", got[i-1], got[i], gap)
					}
				}
				if tt.quietAfter > 0 && len(got) > 0 && got[len(got)-1] > tt.quietAfter {
					t.Errorf("a message at %v, after the wait ended (want none after %v): %v", got[len(got)-1], tt.quietAfter, got)
				}
				if !strings.Contains(view, tt.view) {
					t.Errorf("the view does not hold %q:\n%s", tt.view, view)
				}
			})
		})
	}
}

// TestClockTicksOnItsGrid: each tick asks for the next one on the next
// multiple of clockEvery since the start, so a late tick does not delay the
// ones after it; a tick of an earlier load or run, or one that arrives after
// the wait, is dropped and asks for none.
func TestClockTicksOnItsGrid(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		m := newTestModel(t, slowStep{fakeStep: &fakeStep{id: "a", title: "A", noForm: true}})
		start := m.clock.start
		tests := []struct {
			name string
			msg  clockMsg
			next time.Duration // when the next tick comes, after now (0: none)
			view string
		}{
			{name: "first, at once", msg: clockMsg{id: m.clock.id, at: start}, next: clockEvery, view: "0:00 "},
			{name: "late by 300ms", msg: clockMsg{id: m.clock.id, at: start.Add(clockEvery + 300*time.Millisecond)}, next: clockEvery - 300*time.Millisecond, view: "0:02 "},
			{name: "of an earlier run", msg: clockMsg{id: m.clock.id - 1, at: start.Add(3 * clockEvery)}, view: "0:02 "},
		}
		for _, tt := range tests {
			_, cmd := m.Update(tt.msg)
			if !strings.Contains(view(m), tt.view) {
				t.Errorf("%s: the view does not hold %q:\n%s", tt.name, tt.view, view(m))
			}
			if tt.next == 0 {
				if cmd != nil {
					t.Errorf("%s: a next tick was asked for", tt.name)
				}
				continue
			}
			if cmd == nil {
				t.Fatalf("%s: no next tick", tt.name)
			}
			before := time.Now()
			msg, ok := cmd().(clockMsg)
			if waited := time.Since(before); !ok || waited != tt.next || msg.id != m.clock.id {
				t.Errorf("%s: next tick %#v after %v, want id %d after %v", tt.name, msg, waited, m.clock.id, tt.next)
			}
		}
		m.Update(resultMsg{step: 0, attempt: m.attempt, err: context.Canceled})
		if _, cmd := m.Update(clockMsg{id: m.clock.id, at: time.Now()}); cmd != nil {
			t.Error("a tick after the wait ended asked for another")
		}
	})
}
