package doctor

import (
	"net/http"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/logto-twilio/logto-twilio/internal/cmdline/cmdlinetest"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// hintCommand stands for the command layer's cmdline.Func: it marks what it renders.
var hintCommand = cmdlinetest.Mark

// hintProblems lists what is wrong with the command lines in text (cmdlinetest.Problems).
func hintProblems(text string) []string { return cmdlinetest.Problems(text, cmdlinetest.Backquoted) }

// checkHints fails the test for each of hintProblems in the report's hints.
func checkHints(t *testing.T, rep Report) {
	t.Helper()
	for _, c := range rep.Checks {
		for _, p := range hintProblems(c.Hint) {
			t.Errorf("%s hint %s: %q", c.ID, p, c.Hint)
		}
	}
}

// TestHintsAskConfigCommand: the commands doctor's hints suggest are rendered by
// Config.Command, each in backquotes, and plainly without one.
func TestHintsAskConfigCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		noSetup bool
		plain   bool // no Config.Command
		mod     func(s *stand)
		id      string
		want    []string // in the row's hint
	}{
		{
			name: "no saved setup", noSetup: true, id: IDSetup,
			want: []string{"Run `⟦setup⟧` to make one", "or `⟦--sandbox⟧` to try it offline"},
		},
		{
			name: "no saved setup, no Command", noSetup: true, plain: true, id: IDSetup,
			want: []string{"Run `logto-twilio setup` to make one", "or `logto-twilio --sandbox` to try it offline"},
		},
		{name: "redirect URI removed", id: IDApp, mod: func(s *stand) {
			s.lg.SetRedirectURIs(s.appID, nil, []string{"http://localhost:3000"})
		}, want: []string{"Run `⟦setup⟧` again"}},
		{name: "the connector test fails", id: IDTestSMS, mod: func(s *stand) {
			s.lg.Inject(http.MethodPost, "/api/connectors/{factoryId}/test", logtotest.Fault{Status: http.StatusInternalServerError, Body: `{"code":"unexpected","message":"injected"}`})
		}, want: []string{"then run `⟦doctor --send-test-sms " + testPhone + "⟧` again"}},
		{name: "a rotation is under way", id: IDSetup, mod: func(s *stand) {
			s.cfg.Setup.Rotation = &config.Rotation{What: "twilio", Phase: "promote"}
		}, want: []string{"Run `⟦rotate⟧` again to finish it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var cfg Config
				var s *stand
				if !tt.noSetup {
					s = newStand(t, standOpt{mem: true})
					s.cfg.SendTestSMS = testPhone
					if tt.mod != nil {
						tt.mod(s)
					}
					cfg = s.cfg
				}
				if !tt.plain {
					cfg.Command = hintCommand
				}
				rep := Run(t.Context(), cfg)
				c, ok := rep.Find(tt.id)
				if !ok {
					t.Fatalf("no %s row", tt.id)
				}
				for _, w := range tt.want {
					if !strings.Contains(c.Hint, w) {
						t.Errorf("%s hint %q lacks %q", tt.id, c.Hint, w)
					}
				}
				if !tt.plain {
					checkHints(t, rep)
				}
			})
		})
	}
}

// TestWrapKeepsCommandsWhole: a command in backquotes is never cut across lines (pasted,
// its first line would run alone); the words around it wrap as before.
func TestWrapKeepsCommandsWhole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		s     string
		width int
		want  []string
	}{
		{"fits", "Run `a b c` again.", 40, []string{"Run `a b c` again."}},
		{
			"moves whole", "Run `logto-twilio setup --config-dir /tmp/x` again.", 30,
			[]string{"Run", "`logto-twilio setup --config-dir /tmp/x`", "again."},
		},
		{"glued punctuation stays", "then `logto-twilio doctor`.", 20, []string{"then", "`logto-twilio doctor`."}},
		{"quoted spaces kept", "Run `x --config-dir '/a  b'` now", 80, []string{"Run `x --config-dir '/a  b'` now"}},
		{"unpaired backquote", "aaaa ` bbbb cccc", 10, []string{"aaaa `", "bbbb cccc"}},
	}
	for _, tt := range tests {
		if got := wrap(tt.s, tt.width); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s: wrap = %q, want %q", tt.name, got, tt.want)
		}
	}
}
