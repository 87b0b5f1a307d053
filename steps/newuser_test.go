package steps

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/logto-twilio/logto-twilio/demo"
	"github.com/logto-twilio/logto-twilio/tui"
)

// againFlags stands for cmd's againCommand: a run started with --sandbox
// and --config-dir (and --port 3005).
func againFlags(sub string) string {
	return strings.Join(strings.Fields("logto-twilio "+sub+" --sandbox --config-dir /tmp/cfg --port 3005"), " ")
}

// TestFollowUpCommandsRepeatTheRunsFlags (issue 14, items 1–2): every
// command a step suggests repeats the flags the run was started with.
func TestFollowUpCommandsRepeatTheRunsFlags(t *testing.T) {
	t.Parallel()
	t.Run("port busy", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		st.Prefill.Again = againFlags
		w.demo.startErr = fmt.Errorf("demo: start: %w", &demo.PortInUseError{Port: 3000, Err: syscall.EADDRINUSE})
		_, err := run(t, newVerify(st, &w.deps))
		wantProblem(t, err, "port 3000 is already in use",
			"run logto-twilio --sandbox --config-dir /tmp/cfg --port <a free port>;")
	})
	t.Run("summary", func(t *testing.T) {
		t.Parallel()
		st := readyState()
		st.Prefill.Again = againFlags
		st.Prefill.Sandbox = true
		st.Setup.ExpressDir = "logto-express-sample"
		s := newSummary(st, &Deps{Store: &Store{Dir: "/tmp/cfg"}})
		res, err := s.Execute(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"  logto-twilio --sandbox --config-dir /tmp/cfg --port 3005\n",
			"  logto-twilio doctor --sandbox --config-dir /tmp/cfg --port 3005\n",
			"  logto-twilio rotate --sandbox --config-dir /tmp/cfg --port 3005\n",
			"  logto-twilio teardown --sandbox --config-dir /tmp/cfg --port 3005\n",
			"start logto-twilio sandbox serve --sandbox --config-dir /tmp/cfg --port 3005 first",
		} {
			if !strings.Contains(res.Details, want) {
				t.Errorf("details lack %q:\n%s", want, res.Details)
			}
		}
		if g := (tui.FormEnv{Line: true}).Render(s.Guide()); !strings.Contains(g, "run logto-twilio --sandbox --config-dir /tmp/cfg --port 3005 again to check it") {
			t.Errorf("not signed in: guide %q", g)
		}
	})
	t.Run("starter in the sandbox", func(t *testing.T) {
		t.Parallel()
		w := newWorld()
		st := readyState()
		st.Prefill.Again = againFlags
		st.Prefill.Sandbox = true
		s := newStarter(st, &w.deps)
		s.write, s.dir = true, "logto-express-sample"
		res, err := s.Execute(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Summary, "start logto-twilio sandbox serve --sandbox --config-dir /tmp/cfg --port 3005 first") {
			t.Errorf("summary %q", res.Summary)
		}
	})
}
