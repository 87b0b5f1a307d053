package steps

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/cmdline/cmdlinetest"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

// hintCommand stands for the command layer's cmdline.Func: it marks what it renders.
var hintCommand = cmdlinetest.Mark

// hintProblems lists what is wrong with the command lines in text (cmdlinetest.Problems).
func hintProblems(text string) []string { return cmdlinetest.Problems(text, cmdlinetest.Spaced) }

// TestHintsAskPrefillAgain: every command line a step suggests (the
// summary's Next, the welcome's notes, the problems' hints) is rendered by
// Prefill.Again, with its arguments, and none is spelled out; an attendee's
// hints about the facilitator's commands name them in words.
func TestHintsAskPrefillAgain(t *testing.T) {
	t.Parallel()
	card := testPreset()
	// text runs a step in st and returns what it shows, rendered as the line
	// runner does.
	type texter func(t *testing.T, st *State, w *world) string
	problemText := func(t *testing.T, err error) string {
		t.Helper()
		var p *Problem
		if !errors.As(err, &p) {
			t.Fatalf("err %v (%T), want *Problem", err, err)
		}
		return err.Error() + "\n" + p.Hint()
	}
	summary := func(t *testing.T, st *State, _ *world) string {
		s := newSummary(st, &Deps{Store: &config.Store{Dir: "/tmp/cfg"}})
		res, err := s.Execute(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return s.Guide() + "\n" + res.Summary + "\n" + res.Details
	}
	welcome := func(_ *testing.T, st *State, _ *world) string { return newWelcome(st, &Deps{}).Guide() }
	verifyBusy := func(t *testing.T, st *State, w *world) string {
		w.demo.startErr = fmt.Errorf("demo: start: %w", &demo.PortInUseError{Port: st.Port(), Err: syscall.EADDRINUSE})
		_, err := run(t, newVerify(st, &w.deps))
		return problemText(t, err)
	}
	tests := []struct {
		name    string
		mod     func(st *State, w *world)
		text    texter
		want    []string
		wantNot []string
	}{
		{
			name: "summary", text: summary,
			want: []string{"\n  ⟦⟧\n", "\n  ⟦doctor⟧\n", "\n  ⟦rotate⟧\n", "\n  ⟦teardown⟧\n"},
		},
		{
			name: "summary, sign-in not seen", mod: func(st *State, _ *world) { st.Setup.SignedInPhone = "" }, text: summary,
			want: []string{"run ⟦⟧ again to check it"},
		},
		{name: "summary in the sandbox", mod: func(st *State, _ *world) {
			st.Prefill.Sandbox, st.Setup.ExpressDir = true, "logto-express-sample"
		}, text: summary, want: []string{"start ⟦sandbox serve⟧ first"}},
		{
			name: "summary of an attendee", mod: func(st *State, _ *world) { st.Prefill.UsePreset(card) }, text: summary,
			want: []string{"\n  ⟦⟧\n      (again, any time"}, wantNot: []string{"⟦doctor⟧", "⟦rotate⟧", "⟦teardown⟧"},
		},
		{name: "starter in the sandbox", mod: func(st *State, _ *world) { st.Prefill.Sandbox = true }, text: func(t *testing.T, st *State, w *world) string {
			s := newStarter(st, &w.deps)
			s.write, s.dir = true, "logto-express-sample"
			res, err := s.Execute(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return res.Summary
		}, want: []string{"(start ⟦sandbox serve⟧ first:"}},
		{
			name: "Twilio base URL missing", mod: func(st *State, _ *world) { st.Setup.TwilioBaseURL = "http://127.0.0.1:4010" },
			text: func(t *testing.T, st *State, w *world) string {
				s := newTwilio(st, &w.deps)
				s.sid, s.token = accountSID, twilioToken
				_, err := s.Execute(t.Context())
				return problemText(t, err)
			}, want: []string{"run ⟦--twilio-base-url http://127.0.0.1:4010⟧ with it; to use twilio.com"},
		},
		{name: "welcome: rotation under way", mod: func(st *State, _ *world) {
			st.Found, st.Setup.Rotation = true, &config.Rotation{What: "twilio", Phase: "promote"}
		}, text: welcome, want: []string{"first run ⟦rotate⟧ to finish (or revert) it"}},
		{name: "welcome: created before", mod: func(st *State, _ *world) {
			st.Found, st.Setup.Created = true, config.Created{AppID: "a1"}
		}, text: welcome, want: []string{"quit and run ⟦teardown⟧ first."}},
		{name: "welcome: Twilio base URL missing", mod: func(st *State, _ *world) {
			st.Found, st.Setup.TwilioBaseURL = true, "http://127.0.0.1:4010"
		}, text: welcome, want: []string{"quit and run ⟦--twilio-base-url http://127.0.0.1:4010⟧ instead."}},
		{
			name: "port busy, a free port", text: verifyBusy,
			want: []string{"run ⟦--port 3004⟧ to use port 3004, free now"},
		},
		{
			name: "port busy, none free", mod: func(_ *State, w *world) { w.freePort = 0 }, text: verifyBusy,
			want: []string{"run ⟦⟧ again with --port and a port nothing listens on"},
		},
		{
			name: "port busy, workshop card", mod: func(st *State, _ *world) { st.Prefill.UsePreset(card) }, text: verifyBusy,
			want: []string{"stop that program", "run ⟦⟧ once it is stopped"}, wantNot: []string{"--port", "free now"},
		},
	}
	for _, api := range []string{"connector.not_found", "oidc.invalid_redirect_uri", "auth.forbidden"} {
		tests = append(tests, struct {
			name    string
			mod     func(st *State, w *world)
			text    texter
			want    []string
			wantNot []string
		}{name: "attendee's code not sent: " + api, text: func(t *testing.T, _ *State, _ *world) string {
			return problemText(t, workshopSMSProblem(&logtoapi.APIError{Status: 400, Code: api}, card.Port))
		}, want: []string{"the facilitator"}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			st := readyState()
			st.Setup.SignedInPhone = "+15005550006"
			st.Prefill.Again = hintCommand
			if tt.mod != nil {
				tt.mod(st, w)
			}
			text := tui.RendererFor(true, nil).Render(tt.text(t, st, w))
			for _, want := range tt.want {
				if !strings.Contains(text, want) {
					t.Errorf("lacks %q:\n%s", want, text)
				}
			}
			for _, not := range tt.wantNot {
				if strings.Contains(text, not) {
					t.Errorf("has %q:\n%s", not, text)
				}
			}
			for _, p := range hintProblems(text) {
				t.Errorf("%s:\n%s", p, text)
			}
		})
	}
}

// TestBusyPortWithACardNeverSuggestsPort: an attendee's card fixes the demo's
// port and --preset refuses --port, so the busy-port box tells the attendee to
// free the port and run the card's command again, as it is.
func TestBusyPortWithACardNeverSuggestsPort(t *testing.T) {
	t.Parallel()
	for _, free := range []int{3004, 0} {
		w := newWorld()
		w.freePort = free
		st := readyState()
		st.Prefill.UsePreset(testPreset())
		w.demo.startErr = fmt.Errorf("demo: start: %w", &demo.PortInUseError{Port: st.Port(), Err: syscall.EADDRINUSE})
		_, err := run(t, newVerify(st, &w.deps))
		var p *Problem
		if !errors.As(err, &p) {
			t.Fatalf("err %v, want *Problem", err)
		}
		hint := tui.RendererFor(true, nil).Render(p.Hint())
		if strings.Contains(hint, "--port") || strings.Contains(hint, "-p ") {
			t.Errorf("free port %d: the hint suggests --port, which the card refuses: %q", free, hint)
		}
		if !strings.Contains(hint, "port 3007") || !strings.Contains(hint, "run logto-twilio --preset bookstore-07.yaml once it is stopped") {
			t.Errorf("free port %d: hint %q", free, hint)
		}
	}
}

// TestFreePortIn: the port suggested is one 127.0.0.1 can listen on, never
// the busy one; with none, 0.
func TestFreePortIn(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().(*net.TCPAddr).Port
	tests := []struct {
		name     string
		from, to int
		taken    int
		want     func(p int) bool
	}{
		{"only a listened port", busy, busy, 0, func(p int) bool { return p == 0 }},
		{"only the taken port", busy, busy, busy, func(p int) bool { return p == 0 }},
		{"a range from the busy one", busy, busy + 20, 0, func(p int) bool { return p == 0 || p > busy && p <= busy+20 }},
	}
	for _, tt := range tests {
		if got := freePortIn(tt.from, tt.to, tt.taken); !tt.want(got) {
			t.Errorf("%s: freePortIn(%d, %d, %d) = %d", tt.name, tt.from, tt.to, tt.taken, got)
		}
	}
}
