package tui

import (
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// The tests below check the Bubble Tea patch this module builds with
// (third_party/bubbletea, PATCH.md): the renderer sleeps until a view comes,
// draws it at once after an idle stretch, and still draws at most one frame
// per frame interval. Upstream's renderer ticks at the frame rate all the
// time, so it draws a view only on the next tick: these tests fail there.

// frameLog records, in the bubble's fake time, what the program wrote.
type frameLog struct {
	mu     sync.Mutex
	start  time.Time
	writes []frameWrite
}

type frameWrite struct {
	at   time.Duration
	text string
}

func (l *frameLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes = append(l.writes, frameWrite{time.Since(l.start), string(b)})
	return len(b), nil
}

// first is when the first write holding text happened (-1: never).
func (l *frameLog) first(text string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, w := range l.writes {
		if strings.Contains(w.text, text) {
			return w.at
		}
	}
	return -1
}

type textMsg string

// textModel shows one word.
type textModel string

func (m textModel) Init() tea.Cmd { return nil }

func (m textModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if t, ok := msg.(textMsg); ok {
		return textModel(t), nil
	}
	return m, nil
}

func (m textModel) View() tea.View { return tea.NewView(string(m)) }

func TestRendererDrawsOnDemand(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const fps = 60
		frame := time.Second / fps
		out := &frameLog{start: time.Now()}
		p := tea.NewProgram(textModel("alpha"), tea.WithInput(nil), tea.WithOutput(out),
			tea.WithoutSignalHandler(), tea.WithWindowSize(40, 5), tea.WithFPS(fps),
			tea.WithEnvironment([]string{"TERM=dumb"}), tea.WithColorProfile(colorprofile.Ascii))
		done := make(chan error, 1)
		go func() {
			_, err := p.Run()
			done <- err
		}()
		defer func() { // also after a t.Fatal: the bubble must end with no goroutine left
			p.Quit()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}()
		synctest.Wait()
		if at := out.first("alpha"); at != 0 {
			t.Fatalf("first frame drawn at %v, want at once (0)", at)
		}

		// After an idle stretch, off the frame grid, a view is drawn at once.
		time.Sleep(time.Second + 5*time.Millisecond)
		sent := time.Since(out.start)
		p.Send(textMsg("bravo"))
		synctest.Wait()
		if at := out.first("bravo"); at != sent {
			t.Fatalf("a view after 1s idle drawn at %v, want at once (%v)", at, sent)
		}

		// Views inside one frame interval make one frame, one interval later.
		p.Send(textMsg("charlie"))
		time.Sleep(time.Millisecond)
		p.Send(textMsg("delta"))
		time.Sleep(time.Second)
		if at := out.first("charlie"); at != -1 {
			t.Errorf("charlie drawn at %v; a view replaced within one frame must not be drawn", at)
		}
		if at, want := out.first("delta"), sent+frame; at != want {
			t.Errorf("delta drawn at %v, want one frame after bravo (%v)", at, want)
		}
	})
}
