package tui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
)

// clockEvery is how often the wait indicator changes.
//
// While a step loads or runs, the line saying what it does starts with the
// time it has taken so far ("0:12"), in place of a spinner. Bubble Tea (since
// v2.2.0) stops its 60 Hz frame ticker after half a second without a change
// and starts it again on the next one; so a view that changes more often than
// twice a second keeps it waking 60 times a second, and each change keeps it
// awake for half a second. Measured with make bench at the sign-in wait (which
// lasts minutes): a 5 fps spinner 1–1.5 % of a core, a change every second
// about 0.5 %, every two seconds about 0.25 % (the goal is ≤ 0.5 %).
const clockEvery = 2 * time.Second

// clock is the wait indicator of one load or run: the time since start,
// shown in steps of clockEvery.
type clock struct {
	id    int // which load or run it belongs to: ticks of an earlier one are dropped
	start time.Time
	shown time.Duration
}

// clockMsg makes the clock with the same id show the time at.
type clockMsg struct {
	id int
	at time.Time
}

// newClock starts clock id at now; its command makes the first clockMsg
// at once (so tests that run commands see it and do not follow it).
func newClock(id int) (clock, tea.Cmd) {
	return clock{id: id, start: time.Now()}, func() tea.Msg { return clockMsg{id: id, at: time.Now()} }
}

// update shows msg's time and returns the command of the next tick, on the
// next multiple of clockEvery since start (a late tick does not shift the
// ones after it).
func (c *clock) update(msg clockMsg) tea.Cmd {
	since := max(msg.at.Sub(c.start), 0)
	c.shown = since.Truncate(time.Second)
	id := c.id
	return tea.Tick(clockEvery-since%clockEvery, func(at time.Time) tea.Msg { return clockMsg{id: id, at: at} })
}

// view is the time shown, as m:ss.
func (c clock) view() string { return elapsed(c.shown) }

// elapsed formats d as m:ss (whole seconds, rounded down).
func elapsed(d time.Duration) string {
	s := int(d / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
