package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// lineWidth is where the line runner wraps guide text.
const lineWidth = 80

// wrapLines wraps text at width, with no trailing spaces on any line.
func wrapLines(text string, width int) string {
	lines := strings.Split(wrapText(text, width), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// wrapText wraps each line of text at spaces only (a URL or a word like
// "Machine-to-machine" is never split at a hyphen), continuation lines
// keeping the line's own indentation.
func wrapText(text string, width int) string {
	if width <= 0 {
		return text
	}
	var out []string
	for l := range strings.SplitSeq(text, "\n") {
		lead := l[:len(l)-len(strings.TrimLeft(l, " "))]
		out = append(out, wrapAtSpaces(l, width, lead)...)
	}
	return strings.Join(out, "\n")
}

// hangingIndent indents the continuation lines of a wrapped "✓ …" line and
// of wrapped lines of a Result's Details.
const hangingIndent = "  "

// hangingWrap wraps a "✓ …" line at spaces only (never inside a URL at a
// hyphen) to width, indenting the continuation lines under the text, so the
// terminal never breaks a word at its edge. Lines after an explicit newline
// are wrapped as wrapDetails does. width <= 0 leaves the text as it is.
func hangingWrap(text string, width int) string {
	if width <= len(hangingIndent)+10 {
		return text
	}
	head, more, multi := strings.Cut(text, "\n")
	out := strings.Join(wrapAtSpaces(head, width, hangingIndent), "\n")
	if multi {
		out += "\n" + wrapDetails(more, width)
	}
	return out
}

// wrapDetails wraps each line of a Result's Details on its own, keeping its
// indentation and indenting its continuation lines two more.
func wrapDetails(text string, width int) string {
	if width <= len(hangingIndent)+10 {
		return text
	}
	var out []string
	for l := range strings.SplitSeq(text, "\n") {
		lead := l[:len(l)-len(strings.TrimLeft(l, " "))]
		out = append(out, wrapAtSpaces(l, width, lead+hangingIndent)...)
	}
	return strings.Join(out, "\n")
}

// wrapAtSpaces breaks line at spaces into lines of at most width cells,
// continuation lines starting with indent. A word wider than a line is cut.
func wrapAtSpaces(line string, width int, indent string) []string {
	if ansi.StringWidth(line) <= width {
		return []string{line}
	}
	var lines []string
	body := strings.TrimLeft(line, " ")
	cur, limit := line[:len(line)-len(body)], width // keep the line's own indentation
	flush := func() {
		lines = append(lines, cur)
		cur, limit = indent, width
	}
	for i, w := range strings.Split(body, " ") {
		switch {
		case i == 0 || strings.TrimSpace(cur) == "":
			cur += w
		case ansi.StringWidth(cur)+1+ansi.StringWidth(w) <= limit:
			cur += " " + w
		default:
			flush()
			cur += w
		}
		for ansi.StringWidth(cur) > limit {
			head := ansi.Truncate(cur, limit, "")
			rest := ansi.TruncateLeft(cur, ansi.StringWidth(head), "")
			cur = head
			flush()
			cur += rest
		}
	}
	return append(lines, cur)
}

// reflow joins the hard-wrapped lines of each paragraph so a narrow
// terminal wraps the text once, not line by line. A line stays on its own
// when it is blank, indented, a list item ("•", "-", "!"), or follows a
// line ending in ":" (a heading or a table follows).
func reflow(text string) string {
	lines := strings.Split(text, "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if n := len(out); n > 0 && joinable(out[n-1], l) {
			out[n-1] += " " + l
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func joinable(prev, next string) bool {
	if strings.TrimSpace(prev) == "" || strings.TrimSpace(next) == "" ||
		strings.HasSuffix(prev, ":") || strings.HasPrefix(prev, " ") {
		return false
	}
	switch next[0] {
	case ' ', '\t', '-', '!', '*':
		return false
	}
	return !strings.HasPrefix(next, "•")
}
