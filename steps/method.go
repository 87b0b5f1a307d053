package steps

import (
	"context"
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

// methodStep chooses how the app is made. Automatic: M2M App ID + secret,
// checked for the Management API scope. Manual: the user creates the app in
// the Console (the wizard opens the page and shows the URIs to register) and
// pastes its App ID + secret, which are checked.
type methodStep struct {
	base
	method    string
	appID     string
	secret    string
	consoleOK bool
}

func newMethod(st *State, d *Deps) *methodStep {
	return &methodStep{base: base{id: "method", title: "How to create the app", st: st, d: d}}
}

// Skip on resume unless the prefilled M2M App ID differs from the saved one
// (or, for the manual method, the demo port changed).
func (s *methodStep) Skip() bool {
	if s.st.Setup.Method == MethodManual {
		// The user registered the URIs of the saved port by hand.
		return s.base.Skip() && s.st.Port() == s.st.Setup.DemoPort
	}
	p := strings.TrimSpace(s.st.Prefill.M2MAppID)
	return s.base.Skip() && (p == "" || p == s.st.Setup.M2MAppID)
}

func (s *methodStep) console() logtoapi.Console {
	e, err := logtoapi.ParseEndpoint(s.st.Setup.Endpoint)
	if err != nil {
		return logtoapi.Console{}
	}
	return e.Console()
}

func (s *methodStep) redirectURI() string { return demo.RedirectURI(s.st.BaseURL()) }
func (s *methodStep) postLogoutURI() string {
	return demo.PostLogoutRedirectURI(s.st.BaseURL())
}

func (s *methodStep) Guide() string {
	g := GuideText(s.ID())
	if s.method == MethodManual {
		g += fmt.Sprintf("\n\nManual: in the Console (alt+o), create a \"Traditional web\" app, add these "+
			"URIs, then paste its App ID and App secret below.\n"+
			"  Redirect URI (alt+y copies)       %s\n"+
			"  Post sign-out URI (alt+u copies)  %s", s.redirectURI(), s.postLogoutURI())
	} else if s.method == MethodAuto {
		g += "\n\nAutomatic: in the Console (alt+o), create a Machine-to-machine app, assign it " +
			"the \"Logto Management API access\" role, then paste its App ID and secret."
	}
	return g
}

func (s *methodStep) Actions() []tui.Action {
	c := s.console()
	page := c.CreateM2MApplication()
	if s.method == MethodManual {
		page = c.CreateApplication()
	}
	return []tui.Action{
		s.openAction("alt+o", "open Console", page),
		s.copyAction("alt+y", "copy redirect URI", s.redirectURI),
		s.copyAction("alt+u", "copy sign-out URI", s.postLogoutURI),
	}
}

func (s *methodStep) Form(env tui.FormEnv) *huh.Form {
	return tui.FormOf(s.Pages(env))
}

// Pages asks the method, then the credentials of that method.
func (s *methodStep) Pages(env tui.FormEnv) []tui.Page {
	p, su := s.st.Prefill, s.st.Setup
	if s.method == "" {
		s.method = su.Method
		switch {
		case s.method != "":
		case p.M2MAppID != "" || p.AppID == "":
			s.method = MethodAuto
		default:
			s.method = MethodManual
		}
	}
	if s.appID == "" {
		if s.method == MethodAuto {
			s.appID = firstNonEmpty(p.M2MAppID, su.M2MAppID)
			s.secret = firstNonEmpty(p.M2MAppSecret.Reveal(), s.st.Secrets.M2MAppSecret.Reveal())
		} else {
			s.appID = firstNonEmpty(p.AppID, su.AppID)
			s.secret = firstNonEmpty(p.AppSecret.Reveal(), s.st.Secrets.AppSecret.Reveal())
		}
	}
	creds := func(idTitle, secretTitle string) func() *huh.Group {
		return func() *huh.Group {
			return huh.NewGroup(
				huh.NewInput().Key("id").Title(tui.LineTitle(env, idTitle, s.appID, false)).Value(&s.appID).
					Validate(orDefault(&s.appID, required("App ID"))),
				tui.SecretInput(env, &s.secret).Key("secret").Title(tui.LineTitle(env, secretTitle, s.secret, true)).
					Validate(orDefault(&s.secret, required("App secret"))),
			)
		}
	}
	return []tui.Page{
		{Group: func() *huh.Group {
			return huh.NewGroup(huh.NewSelect[string]().Key("method").Title("How should the app be created?").
				Options(
					huh.NewOption("Automatically (I have a machine-to-machine app)", MethodAuto),
					huh.NewOption("Manually in the Logto Console", MethodManual),
				).Value(&s.method))
		}},
		{Group: creds("M2M App ID", "M2M App secret"), Hide: func() bool { return s.method != MethodAuto }},
		{Group: creds("App ID (your Traditional web app)", "App secret"), Hide: func() bool { return s.method != MethodManual }},
	}
}

func (s *methodStep) WaitingText() string {
	if s.method == MethodManual {
		return "Checking the App ID and secret with Logto…"
	}
	return "Checking that the M2M app can use the Management API…"
}

func (s *methodStep) Execute(ctx context.Context) (tui.Result, error) {
	e, err := s.endpoint()
	if err != nil {
		return tui.Result{}, err
	}
	id, secret := strings.TrimSpace(s.appID), strings.TrimSpace(s.secret)
	if id == "" || secret == "" {
		return tui.Result{}, problem("The App ID and secret are both needed", "Press e and paste them.", nil)
	}
	if s.method == MethodManual {
		return s.manual(ctx, e, id, secret)
	}
	c, err := s.d.NewLogto(e, logtoapi.M2MCredentials{AppID: id, AppSecret: secret})
	if err != nil {
		return tui.Result{}, explain("Those M2M credentials cannot be used", err)
	}
	if err := c.CheckAccess(ctx); err != nil {
		return tui.Result{}, explain("The M2M app cannot use the Management API", err)
	}
	return s.result("automatic, with M2M app "+id, func() {
		s.st.Setup.Method = MethodAuto
		s.st.Setup.M2MAppID = id
		s.st.Secrets.M2MAppSecret = Secret(secret)
	}), nil
}

func (s *methodStep) manual(ctx context.Context, e logtoapi.Endpoint, id, secret string) (tui.Result, error) {
	check, err := s.d.VerifyApp(ctx, e, id, secret)
	if err != nil {
		return tui.Result{}, explain("Cannot check the app with Logto", err)
	}
	switch check {
	case logtoapi.AppCredentialsOK:
	case logtoapi.AppSecretWrong:
		return tui.Result{}, problem("Logto refused the App secret", "Press e and copy the secret again from the app's page in the Console.", nil)
	case logtoapi.AppUnknown:
		return tui.Result{}, problem("Logto does not know that App ID (or the secret is wrong)",
			"Press e and copy the App ID and secret again from the app's page in the Console.", nil)
	case logtoapi.AppNotTraditional:
		return tui.Result{}, problem("That app is not a \"Traditional web\" app",
			"Create a Traditional web app in the Console (alt+o) and paste its ID and secret.", nil)
	default:
		return tui.Result{}, problem("Logto gave an unexpected answer about the app: "+check.String(), "", nil)
	}
	return s.result("manual, app "+id+" checked", func() {
		s.st.Setup.Method = MethodManual
		s.st.Setup.AppID = id
		s.st.Setup.DemoPort = s.st.Port()
		s.st.Secrets.AppSecret = Secret(secret)
	}), nil
}
