package steps

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/internal/doctor"
	"github.com/logto-twilio/logto-twilio/tui"
)

// tornDownState is a finished setup as `teardown` leaves it when everything went
// (internal/teardown/execute.go, update): what it removed is forgotten and its steps
// undone, a History event, and TornDown set.
func tornDownState() *State {
	st := readyState()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	st.Setup.TestPhone, st.Setup.TestResult, st.Setup.SignedInPhone = "+15005550006", "delivered", "+15005550006"
	st.Setup.AppID, st.Setup.ServiceSID, st.Setup.ServiceName, st.Setup.ServiceSender = "", "", "", ""
	st.Setup.ConnectorID, st.Setup.ConnectorAction, st.Setup.SignInConfigured = "", "", false
	st.Secrets.AppSecret = ""
	st.Setup.Done = []string{"endpoint", "method", "credentials", "twilio", "templates"}
	st.Setup.History = []config.Event{{At: at, What: "teardown: deleted the app app1, deleted the SMS connector conn1, restored the sign-in experience"}}
	st.Setup.TornDown = &at
	return st
}

// TestNewSetupClearsTornDown: after a teardown, the wizard (resumed or started over)
// sets the setup up again: setup.json no longer says it was torn down, and doctor's
// setup row does not warn about it.
func TestNewSetupClearsTornDown(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"1", "3"} { // resume, start over
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			w.deps.Store = &config.Store{Dir: t.TempDir()}
			torn := tornDownState()
			if err := Checkpoint(torn, w.deps.Store)("summary")(); err != nil {
				t.Fatal(err)
			}
			w.demo.signIns <- demo.SignIn{Subject: "u1", PhoneNumber: "15005550006"}
			st := NewState(fullPrefill())
			var out bytes.Buffer
			err := tui.RunLines(t.Context(), All(st, w.deps), tui.Options{
				In: strings.NewReader(mode + "\n" + strings.Repeat("\n", 30)), Out: &out, Env: []string{},
				Checkpoint: Checkpoint(st, w.deps.Store),
			})
			if err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			raw, err := os.ReadFile(filepath.Join(w.deps.Store.Dir, config.SetupFile))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw), "tornDown") {
				t.Errorf("setup.json still says the setup was torn down:\n%s", raw)
			}
			saved, err := w.deps.Store.Load()
			if err != nil {
				t.Fatal(err)
			}
			if saved.Setup.SignedInPhone != "+15005550006" || saved.Setup.AppID == "" {
				t.Fatalf("the wizard did not set it up again: %+v\n%s", saved.Setup, out.String())
			}
			if mode == "1" && len(saved.Setup.History) != 1 {
				t.Errorf("the resume lost the teardown's history: %+v", saved.Setup.History)
			}
			rows := doctor.Recheck(t.Context(), doctor.Config{Setup: saved.Setup, Secrets: saved.Secrets, Found: true}, doctor.IDSetup)
			if r, _ := rows.Find(doctor.IDSetup); r.Status != doctor.Pass || strings.Contains(r.Detail, "torn down") {
				t.Errorf("doctor's setup row: %s %s", r.Status, r.Detail)
			}
		})
	}
}

// TestTornDownKeptUntilTheWizardRuns: the welcome step clears TornDown only when the
// wizard goes on (its Commit); reading the saved setup (Load) changes nothing.
func TestTornDownKeptUntilTheWizardRuns(t *testing.T) {
	t.Parallel()
	w := newWorld()
	w.deps.Store = &config.Store{Dir: t.TempDir()}
	if err := Checkpoint(tornDownState(), w.deps.Store)("summary")(); err != nil {
		t.Fatal(err)
	}
	st := NewState(Prefill{})
	s := newWelcome(st, &w.deps)
	load(t, s)
	if st.Setup.TornDown == nil {
		t.Fatal("Load lost TornDown")
	}
	s.Form(tui.FormEnv{})
	s.choice = ModeResume
	commit(t, s)
	if st.Setup.TornDown != nil {
		t.Errorf("a resume kept TornDown %v", st.Setup.TornDown)
	}
}
