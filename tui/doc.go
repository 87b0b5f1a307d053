// Package tui is a generic step runner for terminal wizards.
//
// A wizard is a list of [Step] values. [Run] walks them either in an inline
// Bubble Tea program (the interactive runner) or line by line with huh's
// accessible prompts (the line runner, for --accessible, ACCESSIBLE=1,
// TERM=dumb and non-terminal stdin/stdout). Both runners share the same rules:
// a step's optional [Loader] fetches what its form needs, the form collects
// input (validated by the form's fields), Execute does the I/O, and the
// returned [Result.Commit] is applied on the UI goroutine before the step's
// "✓ Title — summary" line is printed.
//
// Steps never write a key name into their texts: they name what the user
// should do by intent ({key:edit}, {action:open}) and the runner renders it
// from its [KeyMap] and the step's actions, or in the line runner as the
// matching choice or URL (see [Renderer]). A running step reports its live
// status with [Report]; a Result's Details carry text longer than its line.
//
// This package imports only Charm libraries and the standard library. It does
// no disk or network work of its own: every side effect belongs to a step and
// runs inside a tea.Cmd (or, in the line runner, in sequence).
package tui
