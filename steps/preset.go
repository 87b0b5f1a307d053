package steps

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/internal/docs"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// Preset is a workshop attendee's card (`logto-twilio --preset card.yaml`, see
// docs/workshop.md): the facilitator made the app and runs the shared Twilio connector
// and phone sign-in. The attendee has no M2M app and no Twilio credentials, only
// this app's ID and secret.
type Preset struct {
	File      string        // the card's path, for messages
	Name      string        // the workshop app's name, e.g. "Bookstore 07"
	Endpoint  string        // the workshop's Logto
	AppID     string        // the workshop app
	AppSecret config.Secret // its secret
	Port      int           // the demo's port: the app's URIs are registered for it
}

// UsePreset makes p an attendee's run of the card pr: the card's endpoint, app and
// port are the answers, and any M2M or Twilio credentials from the environment are
// dropped (an attendee uses the workshop's, through Logto).
func (p *Prefill) UsePreset(pr Preset) {
	p.Endpoint, p.AppID, p.AppSecret, p.Port = pr.Endpoint, pr.AppID, pr.AppSecret, pr.Port
	p.M2MAppID, p.M2MAppSecret = "", ""
	p.TwilioAccountSID, p.TwilioAuthToken = "", ""
	p.PickAppID = ""
	cp := pr
	p.Preset = &cp
	for _, id := range []string{AnswerEndpoint, AnswerAppID, AnswerAppSecret, AnswerPort} {
		p.SetSource(id, SourcePreset)
	}
}

// presetNote is the note of a step the card answers ("" when the step runs): the
// runner prints "– Title — note" and passes over it. The endpoint and app
// credentials are not passed over: they are checked, without a question.
func presetNote(st *State, id string) string {
	pr := st.Prefill.Preset
	if pr == nil {
		return ""
	}
	switch id {
	case "method":
		return "the workshop made your app, " + pr.Name
	case "app":
		return "the workshop registered its URIs for port " + strconv.Itoa(pr.Port)
	case "twilio":
		return "the workshop's connector sends the codes"
	case "service":
		return "the workshop's Twilio connector has one"
	case "templates":
		return "the workshop's Twilio connector has them"
	case "connector":
		return "the workshop's shared Twilio connector, kept (the test SMS checks it)"
	case "signin":
		return "the workshop's Logto has phone sign-in on"
	}
	return ""
}

// applyPreset points the setup at the card's app (the welcome step calls it when the
// run starts): the manual method (no Management API), the card's app name; another
// app than the saved one is checked and proved again.
func applyPreset(st *State) {
	pr := st.Prefill.Preset
	if pr == nil {
		return
	}
	su := &st.Setup
	if su.AppID != "" && su.AppID != pr.AppID {
		su.Undo("credentials", "testsms", "verify")
	}
	su.Method = config.MethodManual
	su.AppName = pr.Name
	su.M2MAppID = ""
}

// presetPortCheck checks, when an attendee's run starts (the welcome step), that the
// card's demo port is free: the demo app starts only on the last step, after the test
// SMS, and the card's app is registered for that port only. nil when free, or without a
// card.
func presetPortCheck(st *State, d *Deps) error {
	pr := st.Prefill.Preset
	if pr == nil {
		return nil
	}
	free := d.PortFree
	if free == nil {
		free = demo.PortFree
	}
	if free(pr.Port) {
		return nil
	}
	return problem(fmt.Sprintf("Port %d, where your demo app must run, is busy", pr.Port), presetPortHint(st), nil)
}

// presetPortHint says what to do when another program uses an attendee's demo port.
// The card fixes the port (--preset refuses --port), so they free it.
func presetPortHint(st *State) string {
	return fmt.Sprintf("Another program uses port %d, the port your workshop card's app is registered for: "+
		"stop that program, then {key:retry} to try again, or quit ({key:quit}) and run %s once it is stopped.",
		st.Port(), tui.Quote(st.Again("")))
}

// presetWelcome replaces the welcome's "You need" paragraph for an attendee.
func presetWelcome(pr *Preset) string {
	return fmt.Sprintf("Workshop card: %s, on %s. The workshop made your app and sends the SMS "+
		"codes with its own Twilio: you need only your phone. The wizard checks the card, sends "+
		"you a test SMS through Logto, then you sign in in your browser.", pr.Name, pr.Endpoint)
}

// presetCredsGuide is the credentials step's text for an attendee: nothing to paste.
func presetCredsGuide(pr *Preset) string {
	return fmt.Sprintf("The card gives the app %s (App ID %s) and its secret. The wizard checks them "+
		"with Logto's token endpoint; it needs no Management API access.", pr.Name, pr.AppID)
}

// viaWorkshop is the test SMS of an attendee: without Management API access the
// wizard cannot run Logto's connector test, so it asks Logto for a sign-in code
// the way the sign-in page does (logtoapi.SendSignInCode, through the card's app
// and its registered redirect URI). Logto sends it through the tenant's SMS
// connector, the workshop's shared Twilio connector, and answers only once the
// connector sent it: that recognises the connector and is the test SMS. Delivery
// is not followed (that needs the workshop's Twilio credentials).
func (s *testSMSStep) viaWorkshop(ctx context.Context, phone twiliosetup.Phone) (tui.Result, error) {
	e, err := s.endpoint()
	if err != nil {
		return tui.Result{}, err
	}
	if s.d.SendCode == nil {
		return tui.Result{}, problem("This build cannot send a code through Logto", "", nil)
	}
	if s.st.Setup.AppID == "" {
		return tui.Result{}, problem("The app is not checked yet", "Go back ({key:back}) to the app credentials.", nil)
	}
	// In sign-in-only mode Logto 1.41 answers 200 to a phone without an account and
	// sends nothing, so a 200 would not prove the code went out. Without Management
	// API access the wizard cannot tell whether this phone has an account: it says so
	// and does not send (nor spend one of the phone's codes, see MessageRateLimit).
	if s.d.PublicSignIn != nil {
		if p, err := s.d.PublicSignIn(ctx, e); err == nil && p.SignInOnly() {
			return tui.Result{}, workshopSignInOnlyProblem(phone)
		}
	}
	err = s.d.SendCode(ctx, e, s.st.Setup.AppID, demo.RedirectURI(s.st.BaseURL()), phone.Digits())
	if err != nil {
		return tui.Result{}, workshopSendProblem(err, s.st, phone)
	}
	e164 := phone.E164()
	return s.result(e164+" · a sign-in code, sent through the workshop's connector", func() {
		s.st.Setup.TestPhone, s.st.Setup.TestResult = e164, "sent"
		s.st.Setup.ConnectorAction = config.ConnectorKept
	}), nil
}

// workshopSignInOnlyProblem: the workshop's Logto lets only existing accounts sign in, so
// it sends no code to a phone without one, while answering as if it had.
func workshopSignInOnlyProblem(phone twiliosetup.Phone) error {
	return problem("The workshop's Logto sends codes only to phones that already have an account",
		"Its sign-in experience is set to sign in only: Logto sends no code to a phone without an account, "+
			"and answers as if it had, so the wizard did not ask for one. Tell the facilitator: they can register "+
			phone.E164()+" for you (Console → User management → Add user), or allow registration "+
			"(\"Sign in and create account\", Console → Sign-in experience). Then {key:retry}. If your phone "+
			"already has an account there, skip ({key:skip}) this test and sign in in the browser. "+docs.LogtoSignInOnly.More(), nil)
}

// workshopSendProblem explains why Logto did not send the attendee's code: a phone that
// got too many codes, Twilio refusing what the workshop's connector sent, else
// workshopSMSProblem. Twilio's answer is shown in plain words, never as Logto relayed it.
func workshopSendProblem(err error, st *State, phone twiliosetup.Phone) error {
	var rl *logtoapi.MessageRateLimitError
	if errors.As(err, &rl) {
		wait := minutes(logtoapi.MessageRateWindow)
		return problem("Logto will not send "+phone.E164()+" another code for now",
			fmt.Sprintf("It sends at most %d codes to one phone in %s, and each run of this wizard asks for two "+
				"(this test and the sign-in). Wait up to %s before asking again: a retry, or the browser sign-in "+
				"after this step, gets the same refusal until then. Quit ({key:quit}) and run %s in %s (your "+
				"progress is saved), or wait here and {key:retry} then. %s",
				logtoapi.MessageRateLimit, wait, wait, tui.Quote(st.Again("")), wait, docs.LogtoMessageRateLimited.More()), err)
	}
	var te *logtoapi.TwilioError
	if !errors.As(err, &te) {
		return workshopSMSProblem(err, st.Port())
	}
	fine := " Nothing is wrong on your side."
	switch te.Code {
	case 20003:
		return problem("The workshop's Twilio connector has Twilio credentials that Twilio refuses",
			"Tell the facilitator: Twilio refused the Account SID and Auth Token in their Logto's Twilio connector "+
				"(Twilio error 20003), so the connector needs the account's current Auth Token."+fine+" "+docs.TwilioMore(te.Code), err)
	case 21705:
		return problem("The workshop's Twilio connector names a Messaging Service its Twilio account does not have",
			"Tell the facilitator: Twilio refused the Messaging Service in their Logto's Twilio connector "+
				"(Twilio error 21705), so the connector needs a Messaging Service of that account."+fine+" "+docs.TwilioMore(te.Code), err)
	case 21608:
		return problem("The workshop's Twilio trial account texts only numbers it has verified",
			"Tell the facilitator: their Twilio trial account must verify "+phone.E164()+
				" (Twilio Console → Phone Numbers → Verified Caller IDs), or be upgraded. Then {key:retry}. "+docs.TwilioMore(te.Code), err)
	}
	return problem("The workshop's Twilio refused to send the code",
		"Tell the facilitator, with Twilio's error above: it concerns the workshop's Twilio setup. "+docs.TwilioMore(te.Code), err)
}

// workshopSMSProblem explains why Logto did not send the attendee's code.
func workshopSMSProblem(err error, port int) error {
	var ae *logtoapi.APIError
	if errors.As(err, &ae) {
		switch ae.Code {
		case "connector.not_found":
			return problem("The workshop's Logto has no SMS connector",
				"Tell the facilitator: their Logto needs the Twilio connector (their setup makes it).", err)
		case "oidc.invalid_redirect_uri":
			return problem(fmt.Sprintf("The workshop app has no redirect URI for port %d", port),
				"Ask the facilitator for a new card (their workshop prepare registers the card's port).", err)
		case "oidc.invalid_client":
			return problem("The workshop's Logto does not know the card's app",
				"Ask the facilitator for a new card: the app may have been deleted.", err)
		case "auth.forbidden":
			return problem("The workshop's Logto does not allow sign-in now",
				"Tell the facilitator: phone sign-in must be on (their setup turns it on).", err)
		}
	}
	return explain("Logto could not send the code through the workshop's connector", err)
}
