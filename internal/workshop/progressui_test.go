package workshop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

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

// TestRunPrepareShown: with a Show, RunPrepare runs through it and still ends with the
// summary; nothing printed holds a secret.
func TestRunPrepareShown(t *testing.T) {
	r := newRoom(t)
	var out bytes.Buffer
	// A Show that draws each event as the bar would print it above itself.
	show := func(ctx context.Context, total int, run func(context.Context, func(Event))) error {
		fmt.Fprintf(&out, "bar over %d apps\n", total)
		run(ctx, func(ev Event) { fmt.Fprintln(&out, PlainLine(ev)) })
		return nil
	}
	res, err := RunPrepare(t.Context(), r.cfg(3), &out, show)
	if err != nil || res.Created != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	s := ansi.Strip(out.String())
	if !strings.Contains(s, "bar over 3 apps") || !strings.Contains(s, "3 created, 0 reused, 0 found again, 0 failed.") || !strings.Contains(s, "cards.html") {
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
