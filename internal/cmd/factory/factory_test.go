package factory

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func testCmd() *cobra.Command { return &cobra.Command{Use: "teardown"} }

// TestConfirmNonInteractive: a question with --non-interactive and no --yes
// is a missing input (exit 2); the answer yes: no says no, yes: yes says yes.
func TestConfirmNonInteractive(t *testing.T) {
	t.Parallel()
	f := New(TestIOStreams(strings.NewReader(""), io.Discard, io.Discard), func(string) string { return "" }, "logto-twilio")
	c := testCmd()
	f.Opts.NonInteractive = true
	if _, err := f.Confirm(c, "Remove these now?", false); ExitCodeOf(err) != ExitUsage || !strings.Contains(err.Error(), "--yes or the answer yes") {
		t.Fatalf("err %v (exit %d), want a missing input naming --yes", err, ExitCodeOf(err))
	}
	f.Opts.Answers = map[string]string{"yes": "no"}
	if ok, err := f.Confirm(c, "Remove these now?", false); ok || err != nil {
		t.Fatalf("answer no: %v %v", ok, err)
	}
	f.Opts.Answers = map[string]string{"yes": "yes"}
	if ok, err := f.Confirm(c, "Remove these now?", false); !ok || err != nil {
		t.Fatalf("answer yes: %v %v", ok, err)
	}
}

// TestPipedAnswersReachEachQuestion (issue 18, item 2): one reader of
// standard input for the whole process, so piped answers are not swallowed
// by the first question: two confirms on "y\ny\n" both get yes, a secret
// after a confirm gets its own line, and a third confirm finds no answer.
func TestPipedAnswersReachEachQuestion(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	f := New(TestIOStreams(strings.NewReader("y\ny\ns3cr3t\n"), &out, io.Discard), func(string) string { return "" }, "logto-twilio")
	c := testCmd()
	for i := range 2 {
		if ok, err := f.Confirm(c, "Go ahead?", false); !ok || err != nil {
			t.Fatalf("confirm %d: %v %v", i+1, ok, err)
		}
	}
	if s, err := f.Prompter().Secret(c.Context(), "Token"); s != "s3cr3t" || err != nil {
		t.Fatalf("secret: %q %v", s, err)
	}
	_, err := f.Confirm(c, "Once more?", false)
	if ExitCodeOf(err) != ExitUsage || !strings.Contains(err.Error(), "pass --yes") {
		t.Fatalf("third confirm: %v (exit %d), want no answer naming --yes", err, ExitCodeOf(err))
	}
	if strings.Contains(out.String(), "s3cr3t") {
		t.Error("the secret was echoed")
	}
}

func TestMultiSelectLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"1,3\n", "a c", false},
		{"2\n", "b", false},
		{"\n", "", false},
		{"4\n", "", true},
		{"x\n", "", true},
	}
	opts := []Option{{"A", "a"}, {"B", "b"}, {"C", "c"}}
	for _, tt := range tests {
		f := New(TestIOStreams(strings.NewReader(tt.in), io.Discard, io.Discard), func(string) string { return "" }, "logto-twilio")
		got, err := f.Prompter().MultiSelect(t.Context(), "What?", "numbers", opts)
		if (err != nil) != tt.wantErr || strings.Join(got, " ") != tt.want {
			t.Errorf("%q: %q %v, want %q (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestPortValue(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in string
		ok bool
	}{{"3000", true}, {"1", true}, {"65535", true}, {"0", false}, {"65536", false}, {"abc", false}, {"-1", false}, {"", false}} {
		var p PortValue
		err := p.Set(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("Set(%q) = %v, want ok %v", tt.in, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "between 1 and 65535") {
			t.Errorf("Set(%q): %v does not say the range", tt.in, err)
		}
	}
}

// TestColorDecidedOnce (issue 18): whether output is coloured is decided
// once, by colorprofile, for every command (doctor included): NO_COLOR and
// TERM=dumb turn it off, CLICOLOR_FORCE turns it on even into a pipe.
func TestColorDecidedOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  []string
		want bool
	}{
		{nil, false}, // a pipe, nothing asked
		{[]string{"CLICOLOR_FORCE=1", "TERM=xterm-256color"}, true},
		{[]string{"CLICOLOR_FORCE=1", "NO_COLOR=1", "TERM=xterm-256color"}, true}, // colorprofile: forcing wins
		{[]string{"NO_COLOR=1", "TERM=xterm-256color"}, false},
		{[]string{"TERM=dumb"}, false},
	}
	for _, tt := range tests {
		s := NewIOStreams(strings.NewReader(""), &bytes.Buffer{}, io.Discard, tt.env)
		if got := s.ColorEnabled(); got != tt.want {
			t.Errorf("%q: colour %v, want %v (profile %v)", tt.env, got, tt.want, s.Profile)
		}
	}
}
