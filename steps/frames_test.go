package steps

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/logto-twilio/logto-twilio/internal/config"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

// skipped stands for an earlier step, so the runner starts at the step
// under test with the right "Step n/N" header.
type skipped struct{ tui.Step }

func (skipped) Skip() bool { return true }

// shown is the step under test with its Load already done (the frame is of
// its form, or of its running phase when it asks nothing).
type shown struct{ tui.Step }

func (s shown) WaitingText() string {
	if w, ok := s.Step.(tui.Waiter); ok {
		return w.WaitingText()
	}
	return ""
}

func (s shown) Actions() []tui.Action {
	if a, ok := s.Step.(tui.Actioner); ok {
		return a.Actions()
	}
	return nil
}

// TestStepFrames keeps a golden of every step's first frame at 80×24
// (ANSI stripped), with the fakes' data. `go test ./steps -update` rewrites
// them after an intended change.
func TestStepFrames(t *testing.T) {
	t.Parallel()
	type frame struct {
		name, id string
		prepare  func(st *State, w *world)
	}
	var frames []frame
	for _, id := range []string{
		"welcome", "endpoint", "method", "credentials", "app", "twilio", "service", "templates",
		"connector", "testsms", "signin", "verify", "starter", "summary",
	} {
		frames = append(frames, frame{name: id, id: id})
	}
	manual := func(st *State, _ *world) { st.Setup.Method = config.MethodManual }
	frames = append(frames,
		frame{"credentials_manual", "credentials", manual},
		frame{"connector_manual", "connector", manual},
		frame{"signin_manual", "signin", manual},
		frame{"app_exists", "app", func(_ *State, w *world) {
			w.logto.apps = []logtoapi.Application{{ID: "old", Name: "Bookstore"}}
		}},
		frame{"app_same_names", "app", func(st *State, w *world) {
			w.logto.apps = sameNamed(3)
			for i, id := range []string{"schcd6fv8p7jad4k1udy3", "me5tq0xk1f9c2b7d3a8e1", "i1i9rw4chqzb4sdc3ukjz"} {
				w.logto.apps[i].ID = id // real IDs are 21 characters
			}
			w.logto.apps[1].RedirectURIs = []string{"http://localhost:3000/logto/sign-in-callback"}
			st.Setup.AppID = w.logto.apps[1].ID
		}},
		frame{"summary_signed_in", "summary", func(st *State, _ *world) { st.Setup.SignedInPhone = "+15005550006" }},
		frame{"summary_full", "summary", func(st *State, w *world) {
			// Everything the report can hold: at 80×24 the frame is not cut.
			st.Setup.SignedInPhone = "+15005550006"
			st.Setup.ExpressDir = "logto-express-sample"
			st.Setup.ConnectorID, st.Setup.ConnectorAction = "twilio1", config.ConnectorCreated
			st.Prefill.Sandbox, st.Prefill.Again = true, againFlags
			w.deps.Store = &config.Store{Dir: "/home/someone/.config/logto-twilio/sandbox"}
		}},
		frame{"welcome_saved", "welcome", func(st *State, _ *world) {
			st.Found = true
			st.Setup.Done = []string{"endpoint", "method"}
		}},
	)
	ids := map[string]int{}
	for i, s := range All(readyState(), newWorld().deps) {
		ids[s.ID()] = i
	}
	for _, fr := range frames {
		i, id := ids[fr.id], fr.id
		t.Run(fr.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.logto.connector = &logtoapi.Connector{ID: "aliyun1", ConnectorID: "aliyun-short-message-service", Type: "Sms"}
			st := readyState()
			st.Setup.TestPhone = "+15005550006"
			if fr.prepare != nil {
				fr.prepare(st, w)
			}
			all := All(st, w.deps)
			step := all[i]
			if step.ID() != id {
				t.Fatalf("step %d is %s", i, step.ID())
			}
			if ld, ok := step.(tui.Loader); ok && id != "welcome" {
				apply, err := ld.Load(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if apply != nil {
					apply()
				}
			}
			list := make([]tui.Step, len(all))
			for j := range all {
				switch {
				case j < i:
					list[j] = skipped{all[j]}
				case j == i:
					list[j] = shown{step}
				default:
					list[j] = all[j]
				}
			}
			m := tui.NewModel(t.Context(), list, tui.Options{Width: 80, Height: 24})
			m.Init()
			m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
			frame := ansi.Strip(m.View().Content)
			lines := strings.Split(frame, "\n")
			if len(lines) > 24 {
				t.Errorf("%d lines, more than 24:\n%s", len(lines), frame)
			}
			for n, l := range lines {
				if utf8.RuneCountInString(l) > 80 {
					t.Errorf("line %d is %d wide: %q", n, utf8.RuneCountInString(l), l)
				}
			}
			// Every key the step offers is on the help line (issue 14, item 5).
			help := lines[len(lines)-1]
			for _, act := range shown.Actions(shown{step}) {
				if act.Key.Enabled() && !strings.Contains(help, act.Key.Help().Key+" "+act.Key.Help().Desc) {
					t.Errorf("the help line lacks %q: %q", act.Key.Help().Key+" "+act.Key.Help().Desc, help)
				}
			}
			if strings.HasPrefix(id, "summary") && strings.Contains(frame, "…") {
				t.Errorf("the summary is cut:\n%s", frame)
			}
			assertNoSecrets(t, "frame", frame)
			golden.RequireEqual(t, frame)
		})
	}
}

// TestNoIOBeforeFirstFrame: building the steps, starting the runner and
// drawing the first frame read no file and call no service; the saved
// setup is read by the welcome step's Load, in a command.
func TestNoIOBeforeFirstFrame(t *testing.T) {
	t.Parallel()
	w := newWorld()
	dir := t.TempDir()
	w.deps.Store = &config.Store{Dir: dir}
	if err := w.deps.Store.WriteFiles([]byte("{corrupt"), []byte("{}")); err != nil {
		t.Fatal(err)
	}
	st := NewState(fullPrefill())
	m := tui.NewModel(t.Context(), All(st, w.deps), tui.Options{Width: 80, Height: 24})
	cmd := m.Init()
	frame := ansi.Strip(m.View().Content)
	if !strings.Contains(frame, "Step 1/14 · Welcome") || !strings.Contains(frame, "Reading the saved setup…") {
		t.Fatalf("first frame:\n%s", frame)
	}
	if _, err := os.Stat(filepath.Join(dir, config.SetupFile+".bak")); err == nil {
		t.Fatal("the saved setup was read before the first frame")
	}
	if len(w.logto.list())+len(w.twilio.list())+len(w.demo.list())+len(w.opener.list()) != 0 {
		t.Fatal("a service was called before the first frame")
	}
	if cmd == nil {
		t.Fatal("no command to load the saved setup")
	}
}
