package steps

import (
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/demo"
)

// TestStarterRerun: the starter's app.js names the command line that writes its .env again: the
// wizard, with this run's flags.
func TestStarterRerun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		again func(string, ...string) string
		want  string
	}{
		{"plain", nil, "logto-twilio"},
		{"this run's flags", againFlags, "logto-twilio --sandbox --config-dir /tmp/cfg --port 3005"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			var got demo.ExpressValues
			w.deps.WriteExpress = func(_ string, v demo.ExpressValues, _ func(string) bool) ([]string, error) {
				got = v
				return nil, nil
			}
			st := readyState()
			st.Prefill.Again = tc.again
			s := newStarter(st, &w.deps)
			s.write, s.dir = true, t.TempDir()
			if _, err := s.Execute(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got.Rerun != tc.want {
				t.Errorf("Rerun = %q, want %q", got.Rerun, tc.want)
			}
		})
	}
}
