package steps

import (
	"errors"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/tui"
)

// TestPresetBusyPortAtStart: an attendee whose card's demo port is taken learns it on the
// welcome step, before the test SMS, not on the last step after "Waiting for the sign-in";
// the fix frees the port and runs the card's command again (the card refuses --port).
func TestPresetBusyPortAtStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		busy    int
		preset  bool
		wantErr bool
	}{
		{"card, port busy", 3007, true, true},
		{"card, port free", 3000, true, false},
		{"no card, port busy", 3000, false, false}, // the verify step reports it, with a free port to use
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.busyPort = tc.busy
			p := Prefill{}
			if tc.preset {
				p.UsePreset(testPreset())
			}
			st := NewState(p)
			_, err := run(t, newWelcome(st, &w.deps))
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("welcome: %v", err)
				}
				return
			}
			var pr *Problem
			if !errors.As(err, &pr) || !strings.Contains(pr.What, "Port 3007") {
				t.Fatalf("welcome = %v, want a problem naming port 3007", err)
			}
			hint := tui.RendererFor(true, nil).Render(pr.Hint())
			for _, want := range []string{"stop that program", "run logto-twilio --preset bookstore-07.yaml once it is stopped"} {
				if !strings.Contains(hint, want) {
					t.Errorf("hint %q lacks %q", hint, want)
				}
			}
			if strings.Contains(hint, "--port") {
				t.Errorf("the hint suggests --port, which the card refuses: %q", hint)
			}
			if st.Setup.Method != "" {
				t.Errorf("a refused start applied the card: %+v", st.Setup)
			}
		})
	}
}
