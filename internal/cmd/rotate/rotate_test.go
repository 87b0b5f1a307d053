package rotate

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestLongKeepsItsIndentation: every line of rotate's long help fits an
// 80-column terminal after fang's margin, so fang never wraps one and the
// flag list keeps its hanging indents.
func TestLongKeepsItsIndentation(t *testing.T) {
	t.Parallel()
	for i, l := range strings.Split(rotateLong, "\n") {
		if w := ansi.StringWidth(l); w > longWidth {
			t.Errorf("line %d is %d columns (> %d): fang would wrap it to the margin: %q", i+1, w, longWidth, l)
		}
	}
	if !strings.Contains(rotateLong, "\n                Logto connector") {
		t.Error("the --twilio item's second line is not indented under its text")
	}
}

// TestReportWraps: a step's line longer than the terminal is wrapped at spaces under
// its "✓ ", never inside a word.
func TestReportWraps(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, line string
		width      int
		want       string
	}{
		{"short", "saved", 80, "✓ saved\n"},
		{
			"long", "rotated the Twilio Auth Token (secondary token created, tested through Logto's connector, promoted)", 80,
			"✓ rotated the Twilio Auth Token (secondary token created, tested through Logto's\n  connector, promoted)\n",
		},
		{"a word wider than the line stays whole", "see https://example.com/a-very-long-path", 20, "✓ see\n  https://example.com/a-very-long-path\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			reportTo(&b, tc.width)(tc.line)
			if b.String() != tc.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tc.want)
			}
		})
	}
}
