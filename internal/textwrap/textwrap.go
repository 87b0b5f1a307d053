// Package textwrap wraps the program's text for a terminal the one way it
// should be: at spaces only. A word is never broken inside, nor after a
// hyphen (a flag such as --non-interactive, a path such as
// ~/.config/logto-twilio, a URL or a command stays whole, so it can be read,
// copied and pasted); a word wider than the line overflows it on a line of its
// own. (lipgloss's and ansi's Wrap break at hyphens; a terminal breaks
// anywhere.)
package textwrap

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Wrap wraps each line of s wider than width cells at spaces (ANSI styles do
// not count), continuation lines keeping that line's own leading spaces; a
// line that fits stays as it is (spaces that align columns too); no line ends
// in a space. width < 1 leaves s as it is.
func Wrap(s string, width int) string {
	if width < 1 {
		return s
	}
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimRight(l, " "); ansi.StringWidth(l) <= width {
			out = append(out, l)
			continue
		}
		body := strings.TrimLeft(l, " ")
		out = append(out, Lines(body, width, l[:len(l)-len(body)], l[:len(l)-len(body)])...)
	}
	return strings.Join(out, "\n")
}

// Lines breaks s (one paragraph) at spaces into lines of at most width
// cells, the first starting with first, the rest with rest (a hanging
// indent: "✓ " then "  "). A word wider than its line stays whole and
// overflows. width < 1: one line.
func Lines(s string, width int, first, rest string) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{strings.TrimRight(first, " ")}
	}
	var lines []string
	cur, n, empty := first, ansi.StringWidth(first), true
	for _, w := range words {
		ww := ansi.StringWidth(w)
		if !empty && width > 0 && n+1+ww > width {
			lines = append(lines, cur)
			cur, n, empty = rest, ansi.StringWidth(rest), true
		}
		if !empty {
			cur += " "
			n++
		}
		cur += w
		n += ww
		empty = false
	}
	return append(lines, cur)
}
