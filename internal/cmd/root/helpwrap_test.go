package root

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"
)

// hyphenBreak is a line that ends inside a hyphenated word ("--non-").
var hyphenBreak = regexp.MustCompile(`[A-Za-z0-9]-$`)

// TestFitHelpMatchesFang: for every command, the column fitHelp wraps flag
// descriptions under is the one fang draws them at (so a fang that lays out
// help otherwise fails here), and the help fits fang's 120 columns (the
// width without a terminal) without a line broken after a hyphen.
func TestFitHelpMatchesFang(t *testing.T) {
	t.Parallel()
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if c.Hidden {
			return
		}
		paths = append(paths, path)
		for _, sc := range c.Commands() {
			walk(sc, append(append([]string(nil), path...), sc.Name()))
		}
	}
	walk(NewCmdRoot(NewFactory(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, func(string) string { return "" }, "logto-twilio"), nil), nil)
	if len(paths) < 10 {
		t.Fatalf("only %d commands", len(paths))
	}
	for _, path := range paths {
		t.Run(strings.Join(append([]string{"root"}, path...), "_"), func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			f := NewFactory(strings.NewReader(""), &out, &bytes.Buffer{}, func(string) string { return "" }, "logto-twilio")
			root := NewCmdRoot(f, nil)
			c, _, err := root.Find(path)
			if err != nil {
				t.Fatal(err)
			}
			if code := Execute(t.Context(), f, root, append(path, "--help")); code != 0 {
				t.Fatalf("exit %d", code)
			}
			col := -1
			for l := range strings.SplitSeq(out.String(), "\n") {
				if w := ansi.StringWidth(l); w > helpMaxWidth {
					t.Errorf("a line of %d columns (> %d): %q", w, helpMaxWidth, l)
				}
				if hyphenBreak.MatchString(strings.TrimRight(l, " ")) {
					t.Errorf("a line broken after a hyphen: %q", l)
				}
				if i := strings.Index(l, "Help for "); i >= 0 && strings.Contains(l, "--help") {
					col = ansi.StringWidth(l[:i])
				}
			}
			if !c.Runnable() && !c.HasSubCommands() {
				return // a help topic (environment): no flags
			}
			if want := helpColumn(c); col != want {
				t.Errorf("fang draws the flags' descriptions at column %d, fitHelp wraps them for %d:\n%s", col, want, out.String())
			}
		})
	}
}

func TestIsHelpRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"help"}, true},
		{[]string{"help", "environment"}, true},
		{[]string{"rotate", "--help"}, true},
		{[]string{"workshop", "prepare", "-h"}, true},
		{[]string{"doctor"}, false},
		{[]string{"setup", "--", "--help"}, false},
		{nil, false},
	} {
		if got := isHelpRequest(tc.args); got != tc.want {
			t.Errorf("isHelpRequest(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
