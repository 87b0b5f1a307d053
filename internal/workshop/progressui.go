package workshop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
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

// Show shows a prepare run's progress as it goes (the command layer's progress bar). It calls
// run once, which runs Prepare and emits one Event per app, and returns once run has returned;
// its error is its own (the terminal's, or an interrupt). total is the number of apps.
type Show func(ctx context.Context, total int, run func(ctx context.Context, emit func(Event))) error

// RunPrepare runs Prepare and shows its progress on out: with show, as show draws it (a bar
// on a terminal); with a nil show, a plain line per app. It ends with WriteSummary's lines.
// ctrl+c (SIGINT) stops the run; what is done stays recorded.
func RunPrepare(ctx context.Context, cfg Config, out io.Writer, show Show) (Result, error) {
	if show == nil {
		res, err := Prepare(ctx, cfg, func(ev Event) { fmt.Fprintln(out, PlainLine(ev)) })
		if res.Apps != nil {
			WriteSummary(out, res, err)
		}
		return res, err
	}
	var (
		res Result
		err error
	)
	showErr := show(ctx, cfg.Attendees, func(ctx context.Context, emit func(Event)) {
		res, err = Prepare(ctx, cfg, emit)
	})
	if res.Apps != nil {
		WriteSummary(out, res, err)
	}
	if showErr != nil {
		err = errors.Join(err, fmt.Errorf("workshop: %w", showErr))
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
