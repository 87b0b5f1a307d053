package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

// credsStep takes the credentials of the chosen method and checks them.
// Automatic: M2M App ID + secret, checked for the Management API scope.
// Manual: the Traditional web app's ID + secret, checked with Logto; the
// step shows the URIs to register, each with a key to copy it.
type credsStep struct {
	base
	method string // the method the drafts were filled for
	appID  string
	secret string
}

func newCreds(st *State, d *Deps) *credsStep {
	return &credsStep{base: base{id: "credentials", title: "App credentials", st: st, d: d}}
}

// Skip on resume unless the prefilled M2M App ID differs from the saved one
// (or, for the manual method, the demo port changed).
func (s *credsStep) Skip() bool {
	if s.st.Setup.Method == config.MethodManual {
		// The user registered the URIs of the saved port by hand.
		return s.base.Skip() && s.st.Port() == s.st.Setup.DemoPort
	}
	p := strings.TrimSpace(s.st.Prefill.M2MAppID)
	return s.base.Skip() && (p == "" || p == s.st.Setup.M2MAppID)
}

func (s *credsStep) Title() string {
	if s.st.Setup.Method == config.MethodManual {
		return "App credentials"
	}
	return "M2M credentials"
}

func (s *credsStep) redirectURI() string { return demo.RedirectURI(s.st.BaseURL()) }
func (s *credsStep) postLogoutURI() string {
	return demo.PostLogoutRedirectURI(s.st.BaseURL())
}

func (s *credsStep) page() string {
	if s.st.Setup.Method == config.MethodManual {
		return s.console().CreateApplication()
	}
	return s.console().CreateM2MApplication()
}

func (s *credsStep) Guide() string {
	if pr := s.st.Prefill.Preset; pr != nil {
		return presetCredsGuide(pr)
	}
	return GuideText(s.ID()) + "\n\n" + s.instructions()
}

// instructions say where to create the app; in the interactive runner they
// name the keys that open the page and copy the URIs.
func (s *credsStep) instructions() string {
	key := "" // the page's key, where a browser can open it
	if s.canOpen() {
		key = "{tui:, {action:open}}"
	}
	guess := "" // a self-hosted Console's address is a guess
	if n := s.console().GuessNote(); n != "" {
		guess = " " + n
	}
	if s.st.Setup.Method == config.MethodManual {
		return fmt.Sprintf("In the Console (%s%s), create a \"Traditional web\" app named as you like, "+
			"add these URIs in its settings and save, then paste its App ID and App secret.%s\n\n"+
			"  %-19s%s{tui: ({action:copy-redirect} copies)}\n"+
			"  %-19s%s{tui: ({action:copy-logout} copies)}",
			s.page(), key, guess, "Redirect URI", s.redirectURI(), "Post sign-out URI", s.postLogoutURI())
	}
	return fmt.Sprintf("The machine-to-machine app needs the \"Logto Management API access\" role; the "+
		"wizard uses it to create and configure everything else. To make one: in the Console (%s%s) "+
		"create a \"Machine-to-machine\" app, then assign it that role.%s", s.page(), key, guess)
}

func (s *credsStep) Actions() []tui.Action {
	acts := []tui.Action{s.openAction("open Console", s.page())}
	if s.st.Setup.Method == config.MethodManual {
		acts = append(acts,
			s.copyAction(actCopyRedirect, "alt+y", "copy redirect URI", s.redirectURI(), s.redirectURI),
			s.copyAction(actCopyLogout, "alt+u", "copy sign-out URI", s.postLogoutURI(), s.postLogoutURI))
	}
	return acts
}

func (s *credsStep) Form(env tui.FormEnv) *huh.Form {
	s.init()
	if s.st.Prefill.Preset != nil && s.method == config.MethodManual {
		return nil // the card's app: checked, not asked
	}
	idTitle, secretTitle := "M2M App ID", "M2M App secret" //nolint:gosec // field titles, not credentials
	if s.method == config.MethodManual {
		idTitle, secretTitle = "App ID", "App secret"
	}
	return huh.NewForm(huh.NewGroup(
		huh.NewInput().Key("id").Title(tui.LineTitle(env, idTitle, s.appID, false)).Value(&s.appID).
			Validate(orDefault(&s.appID, validateAppID)),
		tui.SecretInput(env, &s.secret).Key("secret").Title(tui.LineTitle(env, secretTitle, s.secret, true)).
			Validate(orDefault(&s.secret, required("App secret"))),
	))
}

func (s *credsStep) WaitingText() string {
	if s.st.Setup.Method == config.MethodManual {
		return "Checking the App ID and secret with Logto…"
	}
	return "Checking that the M2M app can use the Management API…"
}

func (s *credsStep) Execute(ctx context.Context) (tui.Result, error) {
	e, err := s.endpoint()
	if err != nil {
		return tui.Result{}, err
	}
	id, secret := clean(s.appID), clean(s.secret)
	if id == "" || secret == "" {
		return tui.Result{}, problem("The App ID and secret are both needed", "{key:edit} and paste them.", nil)
	}
	if err := validateAppID(id); err != nil {
		// Checked before any call: Logto would echo the value it does not know.
		return tui.Result{}, problem("That App ID does not look right", "{key:edit} and paste the App ID and "+
			"the App secret into their own fields.", err)
	}
	if s.st.Setup.Method == config.MethodManual {
		res, err := s.manual(ctx, e, id, secret)
		return res, hideIn(err, secret)
	}
	c, err := s.d.NewLogto(e, logtoapi.M2MCredentials{AppID: id, AppSecret: secret})
	if err != nil {
		return tui.Result{}, hideIn(explain("Those M2M credentials cannot be used", err), secret)
	}
	if err := c.CheckAccess(ctx); err != nil {
		var nm *logtoapi.NotM2MAppError
		if errors.As(err, &nm) {
			// Logto's answer proves it (fixture 122): the credentials are
			// right, but of another type of app, often the Traditional web app.
			return tui.Result{}, problem("That is not a machine-to-machine app: Logto gives it no Management API token "+
				"(a Traditional web app's App ID and App secret get this answer)", s.createM2M(), nil)
		}
		return tui.Result{}, hideIn(explain("The M2M app cannot use the Management API", err), secret)
	}
	return s.result("M2M app "+id+" can use the Management API", func() {
		s.st.Setup.M2MAppID = id
		s.st.Secrets.M2MAppSecret = config.Secret(secret)
	}), nil
}

// createM2M says how to create a machine-to-machine app, then paste it.
func (s *credsStep) createM2M() string {
	key := ""
	if s.canOpen() {
		key = "{tui:, {action:open}}"
	}
	return fmt.Sprintf("In the Console (%s%s), create a \"Machine-to-machine\" app (Applications → Create application), "+
		"assign it the role \"%s\", then {key:edit} and paste its App ID and App secret.", s.page(), key, logtoapi.ManagementRoleName)
}

func (s *credsStep) manual(ctx context.Context, e logtoapi.Endpoint, id, secret string) (tui.Result, error) {
	check, err := s.d.VerifyApp(ctx, e, id, secret)
	if err != nil {
		return tui.Result{}, explain("Cannot check the app with Logto", err)
	}
	switch check {
	case logtoapi.AppCredentialsOK:
	case logtoapi.AppSecretWrong:
		return tui.Result{}, problem("Logto refused the App secret", "{key:edit} and copy the secret again from the app's page in the Console.", nil)
	case logtoapi.AppUnknown:
		return tui.Result{}, problem("Logto does not know that App ID (or the secret is wrong)",
			"{key:edit} and copy the App ID and secret again from the app's page in the Console.", nil)
	case logtoapi.AppNotTraditional:
		return tui.Result{}, problem("That app is not a \"Traditional web\" app",
			"Create a Traditional web app in the Console ({action:open}) and paste its ID and secret.", nil)
	case logtoapi.AppNoRedirectURI:
		// Logto refuses an app without a redirect URI before it checks the secret.
		what := "The app has no redirect URI yet, so Logto refuses it before checking the secret"
		if s.st.Prefill.Preset != nil {
			return tui.Result{}, problem(what, "Tell the facilitator: their workshop prepare registers each card's redirect URI (this card's: "+
				s.redirectURI()+").", nil)
		}
		return tui.Result{}, problem(what, "In the Console ({action:open}), open the app's settings, add the Redirect URI "+s.redirectURI()+
			" and the Post sign-out URI "+s.postLogoutURI()+", save, then {key:retry}.", nil)
	default:
		return tui.Result{}, problem("Logto gave an unexpected answer about the app: "+check.String(), "", nil)
	}
	return s.result("app "+id+" checked with Logto", func() {
		s.st.Setup.AppID = id
		s.st.Setup.DemoPort = s.st.Port()
		s.st.Secrets.AppSecret = config.Secret(secret)
	}), nil
}
