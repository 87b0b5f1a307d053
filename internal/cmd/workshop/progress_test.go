package workshop

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/logto-twilio/logto-twilio/internal/workshop"
)

func TestProgressModelCounts(t *testing.T) {
	var m tea.Model = newProgressModel("Preparing attendee apps", 10)
	view := func() string { return ansi.Strip(m.(progressModel).View().Content) }
	if v := view(); !strings.Contains(v, "0 of 10 done") || !strings.Contains(v, "Preparing attendee apps") {
		t.Errorf("start:\n%s", v)
	}
	m, _ = m.Update(workshop.Event{Action: workshop.ActionCreated, Name: "Bookstore 01", Done: 1, Total: 10})
	m, _ = m.Update(workshop.Event{Action: workshop.ActionWaiting, Wait: 30 * time.Second, Done: 1, Total: 10})
	if v := view(); !strings.Contains(v, "1 of 10 done · waiting 30s (rate limit)") {
		t.Errorf("waiting:\n%s", v)
	}
	m, cmd := m.Update(workshop.Event{Action: workshop.ActionFailed, Name: "Bookstore 02", Err: errors.New("boom"), Done: 1, Failed: 1, Total: 10})
	if cmd == nil {
		t.Error("a failure prints no line")
	}
	if v := view(); !strings.Contains(v, "1 of 10 done, 1 failed (a re-run finishes them)") || strings.Contains(v, "waiting") {
		t.Errorf("failed:\n%s", v)
	}
	if got := m.(progressModel).percent(); got != 0.2 {
		t.Errorf("percent %v", got)
	}
	m, cmd = m.Update(doneMsg{})
	if cmd == nil || view() != "" {
		t.Errorf("done: cmd %v, view %q", cmd, view())
	}
}

// TestShowBar: the bar runs the run it is given, with the run's events, and ends when the
// run does (what it draws is TestProgressModelCounts').
func TestShowBar(t *testing.T) {
	var out bytes.Buffer
	ran := false
	err := showBar(&out)(t.Context(), 2, func(_ context.Context, emit func(workshop.Event)) {
		ran = true
		emit(workshop.Event{Action: workshop.ActionCreated, Name: "Bookstore 01", AppID: "id1", Done: 1, Total: 2})
		emit(workshop.Event{Action: workshop.ActionFailed, Name: "Bookstore 02", Err: errors.New("boom"), Done: 1, Failed: 1, Total: 2})
	})
	if err != nil || !ran {
		t.Fatalf("ran %v, err %v", ran, err)
	}
}
