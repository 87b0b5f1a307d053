package steps

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/tui"
)

// summaryStep shows what was configured, where it is saved and what to run
// next. It has no secrets to show and shows none.
type summaryStep struct {
	base
}

func newSummary(st *State, d *Deps) *summaryStep {
	return &summaryStep{base: base{id: "summary", title: "Summary", st: st, d: d}}
}

// Skip: the summary always shows.
func (s *summaryStep) Skip() bool { return false }

// Report is what was configured and where it is saved, one "  Key  value"
// row per line. It holds no secret.
func Report(st *State, store *config.Store) string {
	su := st.Setup
	var b strings.Builder
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "  %-18s %s\n", k, v)
		}
	}
	row("Logto", su.Endpoint)
	row("App", nameAndID(su.AppName, su.AppID))
	row("Twilio account", su.TwilioAccountSID)
	row("Messaging Service", nameAndID(su.ServiceName, su.ServiceSID))
	if len(su.Templates) > 0 {
		row("SMS templates", templatesWhat(su.Templates))
	}
	row("SMS connector", nameAndID(su.ConnectorAction, su.ConnectorID))
	row("Test SMS", strings.Trim(su.TestPhone+" · "+su.TestResult, " ·"))
	row("Signed in as", su.SignedInPhone)
	row("Express starter", starterDir(st))
	if store != nil {
		row("Saved in", filepath.Join(store.Dir, config.SetupFile)+"; secrets: "+store.SecretsWhere())
	}
	return strings.TrimRight(b.String(), "\n")
}

// starterDir is the Express starter's folder to list: "" when this run was
// told not to write it ("No thanks"), even if an earlier run wrote one.
func starterDir(st *State) string {
	if st.StarterDeclined {
		return ""
	}
	return st.Setup.ExpressDir
}

// nameAndID reads "Bookstore (abc123)", or the one that is set.
func nameAndID(name, id string) string {
	if name == "" || id == "" {
		return name + id
	}
	return name + " (" + id + ")"
}

// Guide shows the report in the interactive runner's frame, to read before
// finishing; the line runner prints it once, as the Result's Details.
//
// The interactive frame does not show the report: at 80×24 it would be cut.
// It says the report follows; the ✓ line's Details print it whole into
// the scrollback when the user finishes.
func (s *summaryStep) Guide() string {
	g := GuideText(s.ID())
	if s.st.Setup.SignedInPhone == "" {
		// The sign-in was not seen: do not claim it works.
		g = "Setup saved. The sign-in in your browser was not checked; run " + tui.Quote(s.st.Again("")) + " again to check it."
	}
	return g + "{tui:\n\nWhen you finish, what was set up, where it is saved and what to run next are printed " +
		"below, and stay in your terminal.}"
}

// report is what was configured, where it is saved and what to run next,
// each command with the flags of this run.
func (s *summaryStep) report() string {
	g := Report(s.st, s.d.Store)
	g += "\n\nNext:"
	if dir := starterDir(s.st); dir != "" {
		g += "\n  cd " + cmdline.Quote(dir) + " && npm install && npm start"
		if s.st.Prefill.Sandbox {
			g += "\n      (the Express app; start " + s.st.Again("sandbox serve") + " first, in another terminal:" +
				" it keeps the sandbox's Logto up)"
		} else {
			g += "\n      (the Express app)"
		}
	}
	if s.st.Prefill.Preset != nil {
		// An attendee has nothing to rotate or tear down: the workshop owns it.
		return g + "\n  " + s.st.Again("") + "\n      (again, any time: check the sign-in again)"
	}
	next := []struct{ sub, why string }{
		{"", "again, any time: resume, check everything or change answers"},
		{"doctor", "check that everything still works"},
		{"rotate", "replace the Twilio Auth Token or the app secret"},
		{"teardown", "remove what the wizard created"},
	}
	for _, n := range next {
		g += "\n  " + s.st.Again(n.sub) + "\n      (" + n.why + ")"
	}
	return g
}

func (s *summaryStep) Form(tui.FormEnv) *huh.Form {
	return huh.NewForm(huh.NewGroup(huh.NewNote().Title("Press enter to finish.").Next(true).NextLabel("Finish")))
}

// Execute ends the wizard. Its Details carry the report (what was set up,
// where it is saved, what next): the interactive runner clears its frame at
// the end, so they are what stays under the ✓ line.
func (s *summaryStep) Execute(context.Context) (tui.Result, error) {
	line := "setup saved"
	if who := s.st.Setup.SignedInPhone; who != "" {
		line = "SMS sign-in works (signed in as " + who + ")"
	}
	res := s.result(line, nil)
	res.Details = s.report()
	return res, nil
}
