package workshop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
)

// PlainLine is the line printed for an event when the output is not a terminal (and above
// the bar for failures and waits when it is). It never holds a secret.
func PlainLine(ev Event) string {
	count := fmt.Sprintf("[%d/%d]", ev.Done+ev.Failed, ev.Total)
	switch ev.Action {
	case ActionWaiting:
		return fmt.Sprintf("… Logto asked to slow down: waiting %s before sending again", ev.Wait.Round(time.Second))
	case ActionFailed:
		return fmt.Sprintf("✗ %s %s: %v", count, ev.Name, ev.Err)
	case ActionCreated, ActionReused, ActionAdopted:
		line := fmt.Sprintf("✓ %s %s  %s (%s)", count, ev.Name, ev.Action, ev.AppID)
		if ev.Card != "" {
			line += "  card: " + ev.Card
		}
		return line
	default: // teardown: deleted, gone
		return fmt.Sprintf("✓ %s %s  %s (%s)", count, ev.Name, ev.Action, ev.AppID)
	}
}

// WriteSummary prints what a prepare run did and what to do next.
func WriteSummary(w io.Writer, res Result, err error) {
	fmt.Fprintf(w, "%d created, %d reused, %d found again, %d failed.\n", res.Created, res.Reused, res.Adopted, res.Failed)
	if res.OutDir != "" && res.Failed < len(res.Apps) {
		fmt.Fprintf(w, "Cards (one .yaml and one .txt per attendee) are in %s.\n", res.OutDir)
	}
	if res.Sheet != "" {
		fmt.Fprintf(w, "Print %s: one page per attendee.\n", res.Sheet)
	}
	if len(res.Extra) > 0 {
		fmt.Fprintf(w, "%d more apps of this workshop are kept (beyond --attendees); %s removes them all.\n", len(res.Extra), res.Teardown)
	}
	for _, warn := range res.Warnings {
		fmt.Fprintf(w, "Warning: %s\n", warn)
	}
	if errors.Is(err, ErrIncomplete) {
		fmt.Fprintf(w, "Run %s again to finish: it reuses what exists and never makes a duplicate.\n", res.Again)
	}
}

// RunPrepare runs Prepare and shows its progress on out: with interactive, a progress bar
// and counts (failures and waits printed above it); otherwise a plain line per app. It
// ends with WriteSummary's lines. ctrl+c (SIGINT) stops the run; what is done stays recorded.
func RunPrepare(ctx context.Context, cfg Config, out io.Writer, interactive bool) (Result, error) {
	if !interactive {
		res, err := Prepare(ctx, cfg, func(ev Event) { fmt.Fprintln(out, PlainLine(ev)) })
		if res.Apps != nil {
			WriteSummary(out, res, err)
		}
		return res, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	total := cfg.Attendees
	p := tea.NewProgram(NewProgressModel("Preparing attendee apps", total),
		tea.WithContext(ctx), tea.WithInput(nil), tea.WithOutput(out))
	var (
		res Result
		err error
	)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		res, err = Prepare(ctx, cfg, func(ev Event) { p.Send(ev) })
		p.Send(doneMsg{})
	}()
	_, runErr := p.Run()
	if runErr != nil {
		cancel() // ctrl+c or a terminal error: stop sending; what is done stays recorded
	}
	<-finished
	if res.Apps != nil {
		WriteSummary(out, res, err)
	}
	if runErr != nil {
		err = errors.Join(err, fmt.Errorf("workshop: %w", runErr))
	}
	return res, err
}

// RunTeardown runs Teardown with a plain line per app on out and a closing count. The
// caller has asked for consent (or got --yes) first; see Recorded.
func RunTeardown(ctx context.Context, cfg Config, out io.Writer) (TeardownResult, error) {
	res, err := Teardown(ctx, cfg, func(ev Event) { fmt.Fprintln(out, PlainLine(ev)) })
	switch {
	case len(res.Apps) == 0 && err == nil:
		fmt.Fprintln(out, "No workshop apps are recorded: nothing to delete.")
	case len(res.Apps) > 0:
		fmt.Fprintf(out, "%d deleted, %d were gone already, %d failed.\n", res.Deleted, res.Gone, res.Failed)
		if res.Failed > 0 {
			fmt.Fprintf(out, "Run %s again to delete the rest; they stay recorded until then.\n", cfg.cmd("workshop teardown"))
		}
	}
	return res, err
}

type doneMsg struct{}

// ProgressModel is the Bubble Tea model of a workshop run: a bar, counts, and the failures
// and rate-limit waits printed above it. Send it Event values; it quits on doneMsg.
type ProgressModel struct {
	title               string
	bar                 progress.Model
	total, done, failed int
	waiting             time.Duration
	finished            bool
}

// NewProgressModel returns the model for a run over total apps.
func NewProgressModel(title string, total int) ProgressModel {
	return ProgressModel{title: title, total: total, bar: progress.New(progress.WithDefaultBlend(), progress.WithWidth(40))}
}

// Init starts nothing: the events drive the bar.
func (m ProgressModel) Init() tea.Cmd { return nil }

// Update takes events, the bar's animation frames, window sizes and the end.
func (m ProgressModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case Event:
		m.done, m.failed = msg.Done, msg.Failed
		if msg.Total > 0 {
			m.total = msg.Total
		}
		var cmds []tea.Cmd
		switch msg.Action {
		case ActionWaiting:
			m.waiting = msg.Wait
			cmds = append(cmds, tea.Println(PlainLine(msg)))
		case ActionFailed:
			m.waiting = 0
			cmds = append(cmds, tea.Println(PlainLine(msg)))
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

func (m ProgressModel) percent() float64 {
	if m.total == 0 {
		return 0
	}
	return float64(m.done+m.failed) / float64(m.total)
}

// View shows the title, the bar and the counts.
func (m ProgressModel) View() tea.View {
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
