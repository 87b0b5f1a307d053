package steps

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/tui"
)

// TestWelcomeNotes: a saved setup with a rotation under way points at
// rotate; one with things the wizard created warns that starting over
// forgets them and names teardown; a torn-down setup does not; secrets
// moved between stores are said.
func TestWelcomeNotes(t *testing.T) {
	t.Parallel()
	torn := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		setup   config.Setup
		want    []string
		notWant []string
	}{
		{
			name: "rotation under way", setup: config.Setup{Rotation: &config.Rotation{What: "twilio", Phase: "promote"}},
			want: []string{"A rotation of the twilio credentials is under way", "logto-twilio rotate --sandbox"},
		},
		{
			name: "created", setup: config.Setup{Created: config.Created{AppID: "a1"}},
			want: []string{"Starting over forgets what earlier runs created", "logto-twilio teardown --sandbox"},
		},
		{
			name: "torn down", setup: config.Setup{Created: config.Created{AppID: "a1"}, TornDown: &torn},
			notWant: []string{"Starting over forgets", "rotation"},
		},
		{
			name: "nothing created", setup: config.Setup{Endpoint: "http://localhost:3001"},
			notWant: []string{"Starting over forgets", "rotation"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := NewState(Prefill{Again: func(sub string, args ...string) string {
				return cmdline.Plain(sub, append([]string{"--sandbox"}, args...)...)
			}})
			st.Found, st.Setup = true, tc.setup
			g := tui.RendererFor(true, nil).Render(newWelcome(st, &Deps{}).Guide())
			for _, w := range tc.want {
				if !strings.Contains(g, w) {
					t.Errorf("the welcome lacks %q:\n%s", w, g)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(g, w) {
					t.Errorf("the welcome has %q:\n%s", w, g)
				}
			}
		})
	}
}

// TestWelcomeKeepsTheDamageOnScreen (issue 20): a damaged setup.json is
// moved to a .bak name by the welcome's load, and the sentence naming the
// file, the copy and what happens next stays in the step's result (shown
// after the step, in the plain mode too), not only in the guide.
func TestWelcomeKeepsTheDamageOnScreen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, config.SetupFile), []byte(`{"version":1,"endpoint":"http://lo`), 0o600); err != nil {
		t.Fatal(err)
	}
	st := NewState(Prefill{})
	w := newWelcome(st, &Deps{Store: &config.Store{Dir: dir}})
	apply, err := w.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	apply()
	res, err := w.Execute(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{filepath.Join(dir, config.SetupFile) + " was damaged", filepath.Join(dir, config.SetupFile+".bak"), "starts a new setup"} {
		if !strings.Contains(res.Details, want) {
			t.Errorf("the welcome's result %q lacks %q", res.Details, want)
		}
	}
}
