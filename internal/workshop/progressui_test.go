package workshop

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestProgressModelCounts(t *testing.T) {
	var m tea.Model = NewProgressModel("Preparing attendee apps", 10)
	view := func() string { return ansi.Strip(m.(ProgressModel).View().Content) }
	if v := view(); !strings.Contains(v, "0 of 10 done") || !strings.Contains(v, "Preparing attendee apps") {
		t.Errorf("start:\n%s", v)
	}
	m, _ = m.Update(Event{Action: ActionCreated, Name: "Bookstore 01", Done: 1, Total: 10})
	m, _ = m.Update(Event{Action: ActionWaiting, Wait: 30 * time.Second, Done: 1, Total: 10})
	if v := view(); !strings.Contains(v, "1 of 10 done · waiting 30s (rate limit)") {
		t.Errorf("waiting:\n%s", v)
	}
	m, cmd := m.Update(Event{Action: ActionFailed, Name: "Bookstore 02", Err: errors.New("boom"), Done: 1, Failed: 1, Total: 10})
	if cmd == nil {
		t.Error("a failure prints no line")
	}
	if v := view(); !strings.Contains(v, "1 of 10 done, 1 failed (a re-run finishes them)") || strings.Contains(v, "waiting") {
		t.Errorf("failed:\n%s", v)
	}
	if got := m.(ProgressModel).percent(); got != 0.2 {
		t.Errorf("percent %v", got)
	}
	m, cmd = m.Update(doneMsg{})
	if cmd == nil || view() != "" {
		t.Errorf("done: cmd %v, view %q", cmd, view())
	}
}

func TestPlainLines(t *testing.T) {
	tests := []struct {
		ev   Event
		want string
	}{
		{Event{Action: ActionCreated, Name: "Bookstore 01", AppID: "id1", Card: "cards/bookstore-01.yaml", Done: 1, Total: 3}, "✓ [1/3] Bookstore 01  created (id1)  card: cards/bookstore-01.yaml"},
		{Event{Action: ActionFailed, Name: "Bookstore 02", Err: errors.New("Logto answered 500"), Done: 1, Failed: 1, Total: 3}, "✗ [2/3] Bookstore 02: Logto answered 500"},
		{Event{Action: ActionWaiting, Wait: 1500 * time.Millisecond}, "… Logto asked to slow down: waiting 2s before sending again"},
		{Event{Action: ActionDeleted, Name: "Bookstore 01", AppID: "id1", Done: 1, Total: 1}, "✓ [1/1] Bookstore 01  deleted (id1)"},
	}
	for _, tc := range tests {
		if got := PlainLine(tc.ev); got != tc.want {
			t.Errorf("PlainLine = %q, want %q", got, tc.want)
		}
	}
}

func TestRunPrepareInteractive(t *testing.T) {
	r := newRoom(t)
	var out bytes.Buffer
	res, err := RunPrepare(t.Context(), r.cfg(3), &out, true)
	if err != nil || res.Created != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	s := ansi.Strip(out.String())
	if !strings.Contains(s, "3 created, 0 reused, 0 found again, 0 failed.") || !strings.Contains(s, "cards.html") {
		t.Errorf("output:\n%s", s)
	}
	checkHints(t, "output", s)
	if sec := containsAny(out.String(), r.m2mSecret, twilioToken); sec != "" {
		t.Error("the terminal output holds a facilitator secret")
	}
	for _, a := range res.Apps {
		c, _ := ReadCard(a.Card)
		if c.AppSecret == "" || strings.Contains(out.String(), c.AppSecret) {
			t.Errorf("the terminal output holds %s's secret (or the card has none)", a.Name)
		}
	}
}
