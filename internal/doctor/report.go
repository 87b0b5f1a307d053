package doctor

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// jsonCheck is a check in the JSON report (docs/doctor.md).
type jsonCheck struct {
	ID         string `json:"id"`
	Status     Status `json:"status"`
	Detail     string `json:"detail"`
	Hint       string `json:"hint"`
	DurationMS int64  `json:"durationMs"`
}

// jsonReport is the JSON report (docs/doctor.md).
type jsonReport struct {
	Version int         `json:"version"`
	OK      bool        `json:"ok"`
	Totals  Totals      `json:"totals"`
	Checks  []jsonCheck `json:"checks"`
}

// JSON returns the report as one indented JSON document ending in a newline: version,
// ok (no check FAILed), totals, and the checks with id, status, detail, hint and
// durationMs (whole milliseconds).
func (r Report) JSON() ([]byte, error) {
	out := jsonReport{Version: r.Version, OK: !r.Failed(), Totals: r.Totals(), Checks: make([]jsonCheck, 0, len(r.Checks))}
	for _, c := range r.Checks {
		out.Checks = append(out.Checks, jsonCheck{ID: c.ID, Status: c.Status, Detail: c.Detail, Hint: c.Hint, DurationMS: c.Duration.Milliseconds()})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("doctor: encode report: %w", err)
	}
	return append(b, '\n'), nil
}

// SGR colours of the statuses.
var colours = map[Status]string{Pass: "\x1b[32m", Warn: "\x1b[33m", Fail: "\x1b[31m", Skip: "\x1b[2m"}

const reset = "\x1b[0m"

// minWidth is the narrowest layout: below it, lines still wrap at minWidth.
const minWidth = 40

// Text renders the report as rows "STATUS  id  detail" with the hint on the next line
// ("→ what to do"), wrapped at width columns (0 = 80) under the detail's column, then a
// one-line total. color adds ANSI colours to the status words only.
func (r Report) Text(width int, color bool) string {
	if width <= 0 {
		width = 80
	}
	width = max(width, minWidth)
	idw := 0
	for _, c := range r.Checks {
		idw = max(idw, len(c.ID))
	}
	indent := 4 + 2 + idw + 2
	textw := width - indent
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	for _, c := range r.Checks {
		st := string(c.Status)
		if color {
			st = colours[c.Status] + st + reset
		}
		lines := wrap(c.Detail, textw)
		fmt.Fprintf(&b, "%s  %-*s  %s\n", st, idw, c.ID, lines[0])
		for _, l := range lines[1:] {
			b.WriteString(pad + l + "\n")
		}
		if c.Hint != "" {
			for i, l := range wrap("→ "+c.Hint, textw-2) {
				if i == 0 {
					b.WriteString(pad + l + "\n")
				} else {
					b.WriteString(pad + "  " + l + "\n")
				}
			}
		}
	}
	t := r.Totals()
	verdict := "doctor: all good"
	switch {
	case t.Fail > 0:
		verdict = "doctor: " + plural(t.Fail, "check failed", "checks failed")
	case t.Warn > 0:
		verdict = "doctor: no failure, " + plural(t.Warn, "warning", "warnings")
	}
	total := fmt.Sprintf("%s (%d passed, %d warned, %d failed, %d skipped)", verdict, t.Pass, t.Warn, t.Fail, t.Skip)
	for _, l := range wrap(total, width) {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// wrap word-wraps s at width columns on spaces only, never inside a command in backquotes
// such as `logto-twilio setup --config-dir DIR` (cut across lines, it would not paste as one
// command); a word or command wider than the line (a URL) stays whole on a line of its own.
func wrap(s string, width int) []string {
	width = max(width, 10)
	var lines []string
	line, lw := "", 0
	flush := func() {
		lines = append(lines, line)
		line, lw = "", 0
	}
	for _, word := range words(s) {
		ww := ansi.StringWidth(word)
		switch {
		case lw > 0 && lw+1+ww <= width:
			line, lw = line+" "+word, lw+1+ww
			continue
		case lw > 0:
			flush()
		}
		// A word wider than the line (a URL) stays whole on a line of its
		// own: cut, it could not be copied or clicked.
		line, lw = word, ww
	}
	if lw > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// words splits s at white space, except inside backquotes: a command in backquotes is one
// word, with what is glued to it ("`logto-twilio doctor`."). With an unpaired backquote it
// splits at every space.
func words(s string) []string {
	if strings.Count(s, "`")%2 != 0 {
		return strings.Fields(s)
	}
	var (
		out  []string
		cur  strings.Builder
		tick bool
	)
	for _, r := range s {
		switch {
		case r == '`':
			tick = !tick
			cur.WriteRune(r)
		case !tick && unicode.IsSpace(r):
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
