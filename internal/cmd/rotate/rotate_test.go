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
