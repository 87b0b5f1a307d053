package tui

import "charm.land/bubbles/v2/key"

// KeyMap holds the runner's own keys. Step actions and the form's keys are
// added to the help line next to them.
type KeyMap struct {
	Quit   key.Binding
	Back   key.Binding
	Cancel key.Binding
	Retry  key.Binding
	Edit   key.Binding
	Skip   key.Binding
}

// DefaultKeyMap returns the runner's keys: ctrl+c quits (state is kept),
// ctrl+b goes back, esc cancels a running step, and on failure enter retries,
// e edits and s skips (only for an Optional step).
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Back:   key.NewBinding(key.WithKeys("ctrl+b"), key.WithHelp("ctrl+b", "back")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Retry:  key.NewBinding(key.WithKeys("enter", "r"), key.WithHelp("enter", "retry")),
		Edit:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Skip:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "skip")),
	}
}
