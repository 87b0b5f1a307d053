package tui

import (
	"reflect"

	tea "charm.land/bubbletea/v2"
)

// runAll runs cmd and, for batches and sequences, the commands inside them,
// returning every message except the wait indicator's ticks (which would
// repeat).
func runAll(cmd tea.Cmd) []any {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if _, ok := msg.(clockMsg); ok {
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
