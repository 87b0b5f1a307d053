package textwrap_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/textwrap"
)

func TestLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		s           string
		width       int
		first, rest string
		want        []string
	}{
		{"fits", "a short line", 20, "", "", []string{"a short line"}},
		{"at spaces", "one two three four", 9, "", "", []string{"one two", "three", "four"}},
		{"exactly the width", "one two three", 7, "", "", []string{"one two", "three"}},
		{"never after a hyphen of a flag", "given, --yes or --non-interactive runs", 20, "", "", []string{"given, --yes or", "--non-interactive", "runs"}},
		{"never inside a path", "in your config directory, ~/.config/logto-twilio on Linux", 30, "", "", []string{"in your config directory,", "~/.config/logto-twilio on", "Linux"}},
		{"never inside a word", "both tokens work until it is promoted", 33, "", "", []string{"both tokens work until it is", "promoted"}},
		{"a word wider than the line overflows whole", "open https://abc123.logto.app/console/applications now", 12, "", "", []string{"open", "https://abc123.logto.app/console/applications", "now"}},
		{"hanging indent", "Created a secondary Auth Token: both work", 16, "✓ ", "  ", []string{"✓ Created a", "  secondary Auth", "  Token: both", "  work"}},
		{"wide characters count as two", "日本語 日本語 x", 8, "", "", []string{"日本語", "日本語 x"}},
		{"ANSI styles do not count", "\x1b[1mbold\x1b[0m word", 9, "", "", []string{"\x1b[1mbold\x1b[0m word"}},
		{"spaces collapse", "  a   b  ", 10, "", "", []string{"a b"}},
		{"empty", "", 10, "  ", "", []string{""}},
		{"no width: one line", "one two three", 0, "", "", []string{"one two three"}},
	}
	for _, tt := range tests {
		if got := textwrap.Lines(tt.s, tt.width, tt.first, tt.rest); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Lines(%q, %d) = %q, want %q", tt.name, tt.s, tt.width, got, tt.want)
		}
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, s string
		width   int
		want    string
	}{
		{"each line on its own", "one two three\nfour five", 8, "one two\nthree\nfour\nfive"},
		{"keeps each line's indentation", "  one two three\n    four five six", 10, "  one two\n  three\n    four\n    five\n    six"},
		{"blank lines stay", "a b\n\nc d", 3, "a b\n\nc d"},
		{"no trailing spaces", "a b   \nc", 10, "a b\nc"},
		{"a line that fits keeps its spaces", "  --twilio    the token\n  --m2m       the M2M app's secret", 24, "  --twilio    the token\n  --m2m the M2M app's\n  secret"},
		{"no width: unchanged", "a b c", 0, "a b c"},
	}
	for _, tt := range tests {
		if got := textwrap.Wrap(tt.s, tt.width); got != tt.want {
			t.Errorf("%s: Wrap(%q, %d) =\n%s\nwant\n%s", tt.name, tt.s, tt.width, got, tt.want)
		}
		for l := range strings.SplitSeq(textwrap.Wrap(tt.s, tt.width), "\n") {
			if strings.HasSuffix(l, " ") {
				t.Errorf("%s: line %q ends in a space", tt.name, l)
			}
		}
	}
}
