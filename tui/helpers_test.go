package tui

import (
	"reflect"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// runAll runs cmd and, for batches and sequences, the commands inside them,
// returning every message except the spinner's ticks (which would repeat).
func runAll(cmd tea.Cmd) []any {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if _, ok := msg.(spinner.TickMsg); ok {
		return nil
	}
	v := reflect.ValueOf(msg)
	if v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		var out []any
		for i := range v.Len() {
			out = append(out, runAll(v.Index(i).Interface().(tea.Cmd))...)
		}
		return out
	}
	return []any{msg}
}
