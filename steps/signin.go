package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/internal/textwrap"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

// signInStep enables phone sign-in: automatic, a PATCH after showing the
// change list; manual, instructions and the Console page.
type signInStep struct {
	base
	plan     *logtoapi.SignInPlan
	before   json.RawMessage // signUp and signIn as loaded (Setup.Created.SignIn)
	apply    bool
	manualOK bool
}

func newSignIn(st *State, d *Deps) *signInStep {
	return &signInStep{base: base{id: "signin", title: "Sign-in experience", st: st, d: d}}
}

// LoadingText says what Load fetches (tui.LoadWaiter).
func (s *signInStep) LoadingText() string { return "Reading the sign-in experience…" }

func (s *signInStep) Load(ctx context.Context) (func(), error) {
	if s.st.Setup.Method == config.MethodManual {
		return nil, nil
	}
	c, err := s.logto()
	if err != nil {
		return nil, err
	}
	cur, err := c.SignInExperience(ctx)
	if err != nil {
		return nil, explain("Cannot read the sign-in experience", err)
	}
	plan := logtoapi.PlanPhoneSignIn(cur)
	before := signInObjects(cur)
	return func() { s.plan = &plan; s.before = before; s.apply = true }, nil
}

func (s *signInStep) Guide() string {
	g := GuideText(s.ID())
	if s.st.Setup.Method == config.MethodManual {
		return g + "\n\nIn the Console ({action:open}), Sign-in experience → Sign-up and sign-in: set the sign-up " +
			"identifier to Phone number (verify at sign-up) and add Phone number with " +
			"Verification code as a sign-in method. Then save."
	}
	if s.plan == nil {
		return g
	}
	if s.plan.NoChange() {
		return g + "\n\nPhone sign-in is already enabled: nothing to change."
	}
	lines := []string{g, "", "What will change:"}
	for _, c := range s.plan.Changes {
		lines = append(lines, bullet("•", c))
	}
	for _, w := range s.plan.Warnings {
		lines = append(lines, bullet("!", w))
	}
	return strings.Join(lines, "\n")
}

// page is the Console page of the sign-in experience ("" without an endpoint).
func (s *signInStep) page() string {
	if e, err := logtoapi.ParseEndpoint(s.st.Setup.Endpoint); err == nil {
		return e.Console().SignInExperience()
	}
	return ""
}

func (s *signInStep) Actions() []tui.Action {
	return []tui.Action{s.openAction("open Console", s.page())}
}

func (s *signInStep) Form(env tui.FormEnv) *huh.Form {
	if s.st.Setup.Method == config.MethodManual {
		notYet := env.Render(s.notSavedYet())
		return huh.NewForm(huh.NewGroup(huh.NewConfirm().Key("done").
			Title("Saved phone sign-in in the Console?").Affirmative("Yes").Negative("Not yet").
			Value(&s.manualOK).Validate(func(ok bool) error {
			if !ok {
				return errors.New(notYet)
			}
			return nil
		})))
	}
	if s.plan == nil || s.plan.NoChange() {
		return nil
	}
	return huh.NewForm(huh.NewGroup(huh.NewConfirm().Key("apply").
		Title("Apply these changes to the sign-in experience?").
		Affirmative("Apply").Negative("Leave it as it is").Value(&s.apply)))
}

func (s *signInStep) WaitingText() string { return "Saving the sign-in experience…" }

func (s *signInStep) Execute(ctx context.Context) (tui.Result, error) {
	if s.st.Setup.Method == config.MethodManual {
		return s.result("set by hand in the Console", func() { s.st.Setup.SignInConfigured = true }), nil
	}
	if s.plan == nil {
		return tui.Result{}, problem("The sign-in experience was not read", "{key:retry} to try again.", nil)
	}
	if s.plan.NoChange() {
		return s.result("phone sign-in was already enabled", func() { s.st.Setup.SignInConfigured = true }), nil
	}
	if !s.apply {
		return s.result("left unchanged: phone sign-in is not enabled, so the demo sign-in will not offer it", nil), nil
	}
	c, err := s.logto()
	if err != nil {
		return tui.Result{}, err
	}
	after, err := c.ApplySignInPlan(ctx, *s.plan)
	if err != nil {
		return tui.Result{}, explain("Logto refused the sign-in change", err)
	}
	before, afterJSON := s.before, signInObjects(after)
	return s.result(fmt.Sprintf("phone sign-in enabled (%s)", plural(len(s.plan.Changes), "change")), func() {
		s.st.Setup.SignInConfigured = true
		recordSignIn(&s.st.Setup, before, afterJSON)
	}), nil
}

// bullet formats one list item for an 80-column screen, with a hanging
// indent.
func bullet(mark, text string) string {
	const width = 78
	return strings.Join(textwrap.Lines(text, width, "  "+mark+" ", "    "), "\n")
}
