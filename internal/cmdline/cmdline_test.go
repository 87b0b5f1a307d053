package cmdline

import (
	"errors"
	"slices"
	"testing"
)

func TestQuoteSplitRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"plain", "with space", "it's", "~/cfg", "", "a\"b", `back\slash`, "$HOME", "+14155550123", "http://localhost:3001"} {
		got, err := Split("x " + Quote(s) + " y")
		if err != nil || !slices.Equal(got, []string{"x", s, "y"}) {
			t.Errorf("Quote(%q) = %s: split back %q, %v", s, Quote(s), got, err)
		}
	}
}

func TestJoinAndLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"wizard", Plain(""), "logto-twilio"},
		{"path and args", Plain("workshop prepare", "--attendees", "30"), "logto-twilio workshop prepare --attendees 30"},
		{"quoted arg", Plain("", "--config-dir", "my setup"), "logto-twilio --config-dir 'my setup'"},
		{"go run", Join("go run ./cmd/logto-twilio", "doctor", "--sandbox"), "go run ./cmd/logto-twilio doctor --sandbox"},
		{"nil Func", Func(nil).Line("doctor"), "logto-twilio doctor"},
		{"a Func", Func(func(c string, _ ...string) string { return "x " + c }).Line("doctor"), "x doctor"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestSplitErrors(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"a 'b", `a "b`, `a\`} {
		if _, err := Split(s); !errors.Is(err, ErrUnterminated) {
			t.Errorf("Split(%q): %v, want ErrUnterminated", s, err)
		}
	}
}
