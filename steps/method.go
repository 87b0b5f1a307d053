package steps

import (
	"context"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/tui"
)

// Choices on the method step. The "create" variants open the Console page
// where the app is made.
const (
	choiceAutoHave   = "auto"        // I have an M2M app
	choiceAutoCreate = "auto-create" // open the Console to create the M2M app
	choiceManual     = "manual"      // open the Console to create the web app
)

// methodStep chooses how the app is made: automatically (M2M credentials;
// the wizard can open the Console page to create that M2M app) or manually
// (the wizard opens the Console's create-app page). The page is opened by
// Execute, never from Update.
type methodStep struct {
	base
	choice string
}

func newMethod(st *State, d *Deps) *methodStep {
	return &methodStep{base: base{id: "method", title: "How to create the app", st: st, d: d}}
}

func (s *methodStep) Form(tui.FormEnv) *huh.Form {
	s.init()
	return huh.NewForm(huh.NewGroup(huh.NewSelect[string]().Key("method").Title("How should the app be created?").
		Options(
			huh.NewOption("Automatically: I have a machine-to-machine app", choiceAutoHave),
			huh.NewOption("Automatically: help me create the machine-to-machine app", choiceAutoCreate),
			huh.NewOption("Manually: I create the app in the Logto Console", choiceManual),
		).Value(&s.choice)))
}

func (s *methodStep) Execute(context.Context) (tui.Result, error) {
	method, page, summary := config.MethodAuto, "", "automatic, with an M2M app"
	switch s.choice {
	case choiceAutoCreate:
		page = s.console().CreateM2MApplication()
	case choiceManual:
		method, page, summary = config.MethodManual, s.console().CreateApplication(), "manual, in the Console"
	}
	if page != "" {
		if s.d.Open == nil || s.st.Prefill.NoBrowser {
			summary += " · Console page: " + page
		} else {
			_ = s.d.Open.Open(page) // a missing browser is fine: the page is named on the next step
			summary += " · Console page opened"
		}
	}
	return s.result(summary, func() {
		if s.st.Setup.Method != method {
			s.st.Setup.Undo("credentials")
		}
		s.st.Setup.Method = method
	}), nil
}

// Guide adds, in the sandbox, that its stand-in has no Console: only the
// prefilled machine-to-machine app works there.
func (s *methodStep) Guide() string {
	g := GuideText(s.ID())
	if s.st.Prefill.Sandbox {
		g += "\n\nThe sandbox has no Console to click in: its machine-to-machine app is ready, so choose the first option."
	}
	return g
}
