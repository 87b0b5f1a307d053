package workshop

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"

	"github.com/logto-twilio/logto-twilio/internal/workshop"
)

// showBar is workshop.Show on a terminal: a progress bar and counts, the failures and
// rate-limit waits printed above it. ctrl+c stops the program; run's context is then
// cancelled and what is done stays recorded.
func showBar(out io.Writer) workshop.Show {
	return func(ctx context.Context, total int, run func(context.Context, func(workshop.Event))) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		p := tea.NewProgram(newProgressModel("Preparing attendee apps", total),
			tea.WithContext(ctx), tea.WithInput(nil), tea.WithOutput(out))
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			run(ctx, func(ev workshop.Event) { p.Send(ev) })
			p.Send(doneMsg{})
		}()
		_, err := p.Run()
		if err != nil {
			cancel() // ctrl+c or a terminal error: stop sending; what is done stays recorded
		}
		<-finished
		return err //nolint:wrapcheck // RunPrepare wraps it
	}
}

type doneMsg struct{}

// progressModel is the Bubble Tea model of a workshop run: a bar, counts, and the failures
// and rate-limit waits printed above it. Send it workshop.Event values; it quits on doneMsg.
type progressModel struct {
	title               string
	bar                 progress.Model
	total, done, failed int
	waiting             time.Duration
	finished            bool
}

// newProgressModel returns the model for a run over total apps.
func newProgressModel(title string, total int) progressModel {
	return progressModel{title: title, total: total, bar: progress.New(progress.WithDefaultBlend(), progress.WithWidth(40))}
}

// Init starts nothing: the events drive the bar.
func (m progressModel) Init() tea.Cmd { return nil }

// Update takes events, the bar's animation frames, window sizes and the end.
func (m progressModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case workshop.Event:
		m.done, m.failed = msg.Done, msg.Failed
		if msg.Total > 0 {
			m.total = msg.Total
		}
		var cmds []tea.Cmd
		switch msg.Action {
		case workshop.ActionWaiting:
			m.waiting = msg.Wait
			cmds = append(cmds, tea.Println(workshop.PlainLine(msg)))
		case workshop.ActionFailed:
			m.waiting = 0
			cmds = append(cmds, tea.Println(workshop.PlainLine(msg)))
		default:
			m.waiting = 0
		}
		cmds = append(cmds, m.bar.SetPercent(m.percent()))
		return m, tea.Batch(cmds...)
	case doneMsg:
		m.finished = true
		return m, tea.Quit
	case tea.WindowSizeMsg:
		m.bar.SetWidth(max(10, min(60, msg.Width-4)))
		return m, nil
	case progress.FrameMsg:
		var cmd tea.Cmd
		m.bar, cmd = m.bar.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m progressModel) percent() float64 {
	if m.total == 0 {
		return 0
	}
	return float64(m.done+m.failed) / float64(m.total)
}

// View shows the title, the bar and the counts.
func (m progressModel) View() tea.View {
	if m.finished {
		return tea.NewView("")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n%d of %d done", m.title, m.bar.View(), m.done, m.total)
	if m.failed > 0 {
		fmt.Fprintf(&b, ", %d failed (a re-run finishes them)", m.failed)
	}
	if m.waiting > 0 {
		fmt.Fprintf(&b, " · waiting %s (rate limit)", m.waiting.Round(time.Second))
	}
	b.WriteString("\n")
	return tea.NewView(b.String())
}
