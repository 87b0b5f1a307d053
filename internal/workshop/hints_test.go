package workshop

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/cmdline/cmdlinetest"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// hintCommand stands for the command layer's cmdline.Func: it marks what it renders.
var hintCommand = cmdlinetest.Mark

// checkHints fails the test for each problem of the command lines in text (cmdlinetest.Check).
func checkHints(t *testing.T, what, text string) {
	t.Helper()
	cmdlinetest.Check(t, what, text, cmdlinetest.Backquoted)
}

func TestPrepareArgs(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"defaults", Config{Attendees: 3}, []string{"--attendees", "3"}},
		{
			"every flag",
			Config{Attendees: 30, NamePrefix: "Room B", OutDir: "room-b", Port: 3100, Concurrency: 4},
			[]string{"--attendees", "30", "--name-prefix", "Room B", "--out", "room-b", "--port", "3100", "--concurrency", "4"},
		},
	}
	for _, tt := range tests {
		if got := tt.cfg.withDefaults().prepareArgs(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestHintsAskConfigCommand: every command the workshop's errors and summaries suggest is
// rendered by Config.Command, with the flags that repeat the run and without placeholders;
// with no Command, plainly.
func TestHintsAskConfigCommand(t *testing.T) {
	const other = "https://other.example.com"
	moveRecord := func(t *testing.T, r *room) {
		t.Helper()
		b, err := os.ReadFile(RecordPath(r.dir))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(RecordPath(r.dir), []byte(strings.Replace(string(b), r.srv.URL, other, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	prepared := func(n int) func(t *testing.T, r *room) {
		return func(t *testing.T, r *room) {
			t.Helper()
			if _, err := Prepare(t.Context(), r.cfg(n), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	// An action runs a command and returns what it printed and its error, as one text.
	type action func(t *testing.T, cfg Config) string
	status := func(t *testing.T, cfg Config) string {
		_, err := Status(t.Context(), cfg)
		return errText(err)
	}
	prepare := func(t *testing.T, cfg Config) string {
		var b strings.Builder
		_, err := RunPrepare(t.Context(), cfg, &b, nil)
		return b.String() + errText(err)
	}
	teardown := func(t *testing.T, cfg Config) string {
		var b strings.Builder
		_, err := RunTeardown(t.Context(), cfg, &b)
		return b.String() + errText(err)
	}
	tests := []struct {
		name   string
		before func(t *testing.T, r *room)
		mod    func(c *Config)
		do     action
		want   []string
	}{
		{
			name: "status before prepare", do: status,
			want: []string{"run `⟦workshop prepare⟧` with --attendees and the number of attendees first"},
		},
		{
			name: "status on another endpoint", before: func(t *testing.T, r *room) { prepared(1)(t, r); moveRecord(t, r) }, do: status,
			want: []string{"run `⟦setup --logto-endpoint " + other + "⟧` first"},
		},
		{
			name: "teardown on another endpoint", before: func(t *testing.T, r *room) { prepared(1)(t, r); moveRecord(t, r) }, do: teardown,
			want: []string{"nothing was deleted; run `⟦setup --logto-endpoint " + other + "⟧` first"},
		},
		{
			name: "prepare on another endpoint", before: func(t *testing.T, r *room) { prepared(1)(t, r); moveRecord(t, r) },
			mod: func(c *Config) { c.Attendees = 1 }, do: prepare,
			want: []string{"run `⟦setup --logto-endpoint " + other + "⟧` and then `⟦workshop teardown⟧`"},
		},
		{
			name: "prepare, some apps fail", mod: func(c *Config) { c.NamePrefix, c.Port, c.Attendees = "Room B", 3100, 3 },
			before: func(_ *testing.T, r *room) {
				r.srv.Inject("POST", "/api/applications", logtotest.Fault{Status: 500, Body: `{"message":"Internal server error."}`, Times: 1})
			}, do: prepare,
			want: []string{
				"Run `⟦workshop prepare --attendees 3 --name-prefix Room B --out ", " --port 3100⟧` again to finish:",
				"apps failed; run `⟦workshop prepare --attendees 3 --name-prefix Room B --out ",
			},
		},
		{
			name: "prepare on a local Logto", mod: func(c *Config) { c.Attendees = 1 }, do: prepare,
			want: []string{"run `⟦setup⟧` with --logto-endpoint set to it"},
		},
		{
			name: "prepare fewer than recorded", before: prepared(2), mod: func(c *Config) { c.Attendees = 1 }, do: prepare,
			want: []string{"1 more apps of this workshop are kept (beyond --attendees); `⟦workshop teardown⟧` removes them all."},
		},
		{
			name: "teardown, an app fails", before: func(t *testing.T, r *room) {
				prepared(2)(t, r)
				r.srv.Inject("DELETE", "/api/applications/{id}", logtotest.Fault{Status: 500, Body: `{"message":"Internal server error."}`, Times: 1})
			}, do: teardown,
			want: []string{"Run `⟦workshop teardown⟧` again to delete the rest", "were not deleted; run `⟦workshop teardown⟧` again"},
		},
		{
			name: "no Command: plain", mod: func(c *Config) { c.Command = nil }, do: status,
			want: []string{"run `logto-twilio workshop prepare` with --attendees"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRoom(t)
			if tt.before != nil {
				tt.before(t, r)
			}
			cfg := r.cfg(0)
			if tt.mod != nil {
				tt.mod(&cfg)
			}
			text := tt.do(t, cfg)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("lacks %q:\n%s", w, text)
				}
			}
			if cfg.Command != nil {
				checkHints(t, "output", text)
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return "\nerror: " + err.Error()
}

// TestCardCommandParses: the command on a card, its text sheet and the printed page is the
// attendee's, spelled out on purpose (it runs on another machine), and reads back, word for
// word, as `logto-twilio --preset <the card file>`.
func TestCardCommandParses(t *testing.T) {
	tests := []struct{ file, want string }{
		{"bookstore-07.yaml", "logto-twilio --preset bookstore-07.yaml"},
		{"room b 02.yaml", "logto-twilio --preset 'room b 02.yaml'"},
	}
	for _, tt := range tests {
		line := cardCommand(tt.file)
		if line != tt.want {
			t.Errorf("cardCommand(%q) = %q, want %q", tt.file, line, tt.want)
		}
		words, err := cmdline.Split(line)
		if err != nil || !slices.Equal(words, []string{cmdline.Program, "--preset", tt.file}) {
			t.Errorf("%q reads back as %q (%v)", line, words, err)
		}
		if !strings.Contains(SheetText(Card{Name: "x"}, tt.file), "\n    "+line+"\n") {
			t.Errorf("the text sheet lacks %q", line)
		}
	}
}
