package steps

import (
	"strings"
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

// TestSummaryListsOnlyTheStarterOfThisRun (issue 23): a re-verify of a setup
// whose earlier run wrote the Express starter, answered "No thanks" at the
// starter, ends with a summary that neither lists the starter nor tells the
// user to cd into it; the starter step's line says the old one is left as it
// is. Written in this run, it is listed; a resume that skips the step keeps
// listing the one the setup has.
func TestSummaryListsOnlyTheStarterOfThisRun(t *testing.T) {
	t.Parallel()
	const old = "/home/dev/logto-express-sample"
	for _, tc := range []struct {
		name     string
		run      bool // the starter step runs (re-verify); false: skipped (resume)
		write    bool
		wantLine string // in the starter's ✓ line ("" = not checked)
		want     bool   // the summary lists a starter
	}{
		{"re-verify, No thanks", true, false, "left as it is", false},
		{"re-verify, written again", true, true, "written to", true},
		{"resume, the step skipped", false, false, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.deps.WriteExpress = func(string, demo.ExpressValues, func(string) bool) ([]string, error) {
				return []string{"app.js"}, nil
			}
			st := readyState()
			st.Mode, st.Setup.ExpressDir, st.Setup.SignedInPhone = ModeReverify, old, "+15551234567"
			if tc.run {
				s := newStarter(st, &w.deps)
				s.write, s.dir = tc.write, t.TempDir()
				res, err := s.Execute(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(res.Summary, tc.wantLine) {
					t.Errorf("the starter's line %q lacks %q", res.Summary, tc.wantLine)
				}
				res.Commit()
			}
			res, err := newSummary(st, &w.deps).Execute(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			for _, item := range []string{"Express starter", "npm install"} {
				if got := strings.Contains(res.Details, item); got != tc.want {
					t.Errorf("the summary lists %q: %v, want %v\n%s", item, got, tc.want, res.Details)
				}
			}
		})
	}
}
