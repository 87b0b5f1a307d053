package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// LateWatcher is implemented by steps whose work may still finish after
// Execute failed: the verify step's sign-in can arrive after its timeout
// box. In the failed phase the runner calls WatchLate in a command; a
// Result it returns with ok true is committed as if Execute had returned
// it. ctx ends when the user retries, goes back or quits; WatchLate must
// then return at once with ok false and take nothing it cannot give back.
type LateWatcher interface {
	WatchLate(ctx context.Context) (res Result, ok bool)
}

// lateMsg is a result a LateWatcher delivered in the failed phase.
type lateMsg struct {
	step, attempt int
	res           Result
}

// watchLate starts the failed step's LateWatcher, if it has one.
func (m *Model) watchLate() tea.Cmd {
	w, ok := m.steps[m.idx].(LateWatcher)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancel = cancel // retry, back and quit stop it (stopRunning)
	idx, attempt := m.idx, m.attempt
	return func() tea.Msg {
		res, ok := w.WatchLate(ctx)
		if !ok {
			return nil
		}
		return lateMsg{step: idx, attempt: attempt, res: res}
	}
}

// late commits a late result when its step is still the failed one.
func (m *Model) late(msg lateMsg) tea.Cmd {
	if msg.step != m.idx || msg.attempt != m.attempt || m.phase != PhaseFailed {
		return nil // stale
	}
	m.stopRunning()
	return m.commit(msg.res)
}
