package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/tui"
)

// welcomeStep says what will happen and, with a saved setup, offers to
// resume, re-verify everything, or start over. It is where saved state is
// read (in Load, so no disk work happens before the first frame).
type welcomeStep struct {
	base
	loaded *config.Loaded
	choice string
	ready  bool
}

func newWelcome(st *State, d *Deps) *welcomeStep {
	return &welcomeStep{base: base{id: "welcome", title: "Welcome", st: st, d: d}}
}

// Skip: the welcome step always runs.
func (s *welcomeStep) Skip() bool { return false }

// LoadingText says what Load fetches (tui.LoadWaiter).
func (s *welcomeStep) LoadingText() string { return "Reading the saved setup…" }

func (s *welcomeStep) Load(context.Context) (func(), error) {
	if s.d.Store == nil {
		return func() { s.loaded = &config.Loaded{} }, nil
	}
	l, err := s.d.Store.Load()
	if err != nil {
		return nil, explain("Cannot read the saved setup", err)
	}
	return func() {
		s.loaded = &l
		s.st.Problems = l.Problems
		if l.Moved != "" {
			s.st.Problems = append(s.st.Problems, l.Moved)
		}
		s.st.Found = l.Found
		if l.Found {
			s.st.Setup, s.st.Secrets = l.Setup, l.Secrets
		}
	}, nil
}

// sandboxNote replaces the welcome's "You need" paragraph in --sandbox.
const sandboxNote = "Sandbox: Logto and Twilio are stand-ins inside this program, every answer is " +
	"prefilled (steps whose answers check out run on their own; press enter where one asks), and " +
	"the SMS codes show up in the inbox below; " +
	"ctrl+c stops safely."

func (s *welcomeStep) Guide() string {
	g := GuideText(s.ID())
	if s.st.Prefill.Sandbox {
		if i := strings.Index(g, "\n\nYou need:"); i >= 0 {
			g = g[:i]
		}
		g += "\n\n" + sandboxNote
	}
	if pr := s.st.Prefill.Preset; pr != nil {
		if i := strings.Index(g, "\n\nYou need:"); i >= 0 {
			g = g[:i]
		}
		g += "\n\n" + presetWelcome(pr)
	}
	for _, p := range s.st.Problems {
		g += "\n\n! " + p
	}
	if s.st.Found {
		g += "\n\nSaved setup: " + savedSummary(&s.st.Setup)
		if r := s.st.Setup.Rotation; r != nil {
			g += "\n\n! A rotation of the " + r.What + " credentials is under way: first run " +
				tui.Quote(s.st.Again("rotate")) + " to finish (or revert) it; until then the saved credentials may be about to change."
		}
		if c := s.st.Setup.Created; s.st.Setup.TornDown == nil && (c.AppID != "" || c.ConnectorID != "" || c.ServiceSID != "" || c.SignIn != nil) {
			g += "\n\nStarting over forgets what earlier runs created; to remove it, quit and run " +
				tui.Quote(s.st.Again("teardown")) + " first."
		}
		if u := s.st.Setup.TwilioBaseURL; u != "" && s.st.Prefill.TwilioBaseURL == "" {
			g += "\n\n! It was made with --twilio-base-url " + u + ", and this run was not given it: " +
				"to reach the same Twilio, quit and run " + tui.Quote(s.st.Again("", "--twilio-base-url", u)) + " instead."
		}
	}
	return g
}

func savedSummary(su *config.Setup) string {
	parts := []string{plural(len(su.Done), "step") + " done"}
	if su.Endpoint != "" {
		parts = append(parts, "Logto "+su.Endpoint)
	}
	if su.TwilioAccountSID != "" {
		parts = append(parts, "Twilio "+su.TwilioAccountSID)
	}
	return strings.Join(parts, " · ")
}

func (s *welcomeStep) Form(tui.FormEnv) *huh.Form {
	if !s.st.Found {
		s.choice, s.ready = ModeFresh, true
		if s.st.Prefill.Preset != nil {
			return nil // running with the card is the answer: straight on to the checks
		}
		return huh.NewForm(huh.NewGroup(huh.NewConfirm().Key("start").
			Title("Ready to start?").Affirmative("Start").Negative("").Value(&s.ready).
			Validate(func(ok bool) error {
				if !ok {
					return fmt.Errorf("press enter to start, or ctrl+c to quit")
				}
				return nil
			})))
	}
	if s.choice == "" {
		s.choice = ModeResume
	}
	return huh.NewForm(huh.NewGroup(huh.NewSelect[string]().Key("mode").
		Title("You ran this wizard before. What now?").
		Options(
			huh.NewOption("Resume where it stopped", ModeResume),
			huh.NewOption("Check everything again (answers prefilled)", ModeReverify),
			huh.NewOption("Start over (forget the saved setup)", ModeFresh),
		).Value(&s.choice)))
}

// WaitingText says what a resume checks while Execute runs (tui.Waiter).
func (s *welcomeStep) WaitingText() string {
	if s.st.Found && s.choice == ModeResume {
		return "Checking that what the last run made is still there…"
	}
	return ""
}

// Execute starts the chosen mode. A resume first re-checks the steps done before
// (recheck): the ones whose result no longer holds run again, and the lines under
// the ✓ line say why, or what could not be checked.
func (s *welcomeStep) Execute(ctx context.Context) (tui.Result, error) {
	choice := s.choice
	if choice == "" {
		choice = ModeFresh
	}
	if err := presetPortCheck(s.st, s.d); err != nil {
		return tui.Result{}, err
	}
	if choice == ModeFresh && s.st.Found && s.d.Store != nil {
		if err := s.d.Store.Reset(); err != nil {
			return tui.Result{}, explain("Cannot remove the saved setup", err)
		}
	}
	summary := map[string]string{
		ModeFresh:    "starting fresh",
		ModeResume:   "resuming where you stopped",
		ModeReverify: "checking the saved setup again",
	}[choice]
	var rc recheckOutcome
	if choice == ModeResume {
		rc = recheck(ctx, s.st, s.d)
		if r := rc.summary(); r != "" {
			summary += " · " + r
		}
	}
	if pr := s.st.Prefill.Preset; pr != nil {
		summary = "workshop card " + pr.Name + " · " + summary
	}
	// What happened to damaged saved files stays on screen after the step
	// (the guide, which said it first, goes), in the plain mode too.
	var details []string
	for _, p := range s.st.Problems {
		details = append(details, "! "+p)
	}
	details = append(details, rc.lines...)
	return tui.Result{Summary: summary, Details: strings.Join(details, "\n"), Commit: func() {
		s.st.Mode = choice
		switch choice {
		case ModeFresh:
			s.st.Setup, s.st.Secrets = config.Setup{}, config.Secrets{}
		case ModeReverify:
			s.st.Setup.Done = nil
		case ModeResume:
			s.st.Setup.Undo(rc.reopen...)
		}
		// This run sets the setup up again: it is no longer torn down (History
		// keeps the teardown), and nothing saved before this says otherwise.
		s.st.Setup.TornDown = nil
		applyPreset(s.st)
	}}, nil
}
