package steps

import (
	"net"
	"net/url"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// Each step is a tui.Readier: it runs without its form when every input it
// needs was given (a flag, the environment, an answers file, the saved
// setup, the sandbox) and is valid, or when there is one obvious choice;
// the note says which ("from env", "the only Messaging Service with a
// sender"). Ready never changes a draft the user edited: the drafts are
// filled once (init), and Ready compares them with what was given.
// MissingInput (tui.MissingInputer) names what a non-interactive run lacks.

// defaultsNote is the note of a default taken without asking.
func (p *Prefill) defaultsNote() string {
	if p.Yes {
		return "default, --yes"
	}
	return "default, --non-interactive"
}

// given reports whether v is the trimmed, non-empty value w.
func given(v, w string) bool {
	return strings.TrimSpace(w) != "" && strings.TrimSpace(v) == strings.TrimSpace(w)
}

// --- welcome

// Ready starts without asking with --yes or --non-interactive (resume a
// saved setup), or with the answer mode.
func (s *welcomeStep) Ready() (bool, string) {
	p := &s.st.Prefill
	if a := p.answer(AnswerMode); a != "" {
		s.choice = a
		if !s.st.Found {
			s.choice = ModeFresh
		}
		return true, "from answers"
	}
	if !p.acceptDefaults() {
		return false, ""
	}
	s.choice = ModeFresh
	if s.st.Found {
		s.choice = ModeResume
	}
	return true, p.defaultsNote()
}

// MissingInput names the welcome's question.
func (s *welcomeStep) MissingInput() error {
	return missing("whether to resume, check again or start over", AnswerMode, "--yes (resume)", "")
}

// --- endpoint

func (s *endpointStep) init() {
	if s.value == "" {
		s.value = firstNonEmpty(s.st.Prefill.Endpoint, s.st.Setup.Endpoint, DefaultEndpoint)
	}
}

// Ready when the endpoint was given or saved (and parses).
func (s *endpointStep) Ready() (bool, string) {
	s.init()
	p := &s.st.Prefill
	s.mu.Lock()
	value, fixed := s.value, s.fixed
	s.mu.Unlock()
	if validateEndpoint(value) != nil {
		return false, ""
	}
	switch {
	case value == fixed:
		return true, "the address Logto reports"
	case given(value, p.Endpoint):
		return true, p.from(AnswerEndpoint, true)
	case given(value, s.st.Setup.Endpoint):
		return true, p.from(AnswerEndpoint, false)
	case p.Yes:
		// Only --yes: a non-interactive run never guesses where Logto is.
		return true, p.defaultsNote()
	}
	return false, ""
}

// MissingInput names the endpoint.
func (s *endpointStep) MissingInput() error {
	return missing("the Logto endpoint", AnswerEndpoint, "--logto-endpoint", "LOGTO_ENDPOINT")
}

// aliasAddress returns the endpoint Logto's issuer names when it differs
// from e only by a loopback host alias (localhost, 127.0.0.1, ::1), else "".
func aliasAddress(e logtoapi.Endpoint, issuer string) string {
	want, err1 := url.Parse(e.Issuer())
	got, err2 := url.Parse(issuer)
	if err1 != nil || err2 != nil || want.Scheme != got.Scheme || want.Port() != got.Port() ||
		strings.TrimSuffix(want.Path, "/") != strings.TrimSuffix(got.Path, "/") {
		return ""
	}
	loop := func(h string) bool { ip := net.ParseIP(h); return h == "localhost" || (ip != nil && ip.IsLoopback()) }
	if want.Hostname() == got.Hostname() || !loop(want.Hostname()) || !loop(got.Hostname()) {
		return ""
	}
	return strings.TrimSuffix(strings.TrimSuffix(issuer, "/"), "/oidc")
}

// --- method

func (s *methodStep) init() {
	if s.choice != "" {
		return
	}
	p, su := s.st.Prefill, s.st.Setup
	switch {
	case p.answer(AnswerMethod) != "":
		s.choice = p.answer(AnswerMethod)
	case su.Method == config.MethodManual:
		s.choice = choiceManual
	case su.Method == config.MethodAuto || p.M2MAppID != "":
		s.choice = choiceAutoHave
	case p.AppID != "":
		s.choice = choiceManual
	default:
		s.choice = choiceAutoCreate
	}
}

// Ready when the credentials given (or saved) say which method it is.
func (s *methodStep) Ready() (bool, string) {
	s.init()
	p, su := &s.st.Prefill, s.st.Setup
	switch {
	case p.answer(AnswerMethod) == s.choice:
		return true, "from answers"
	case s.choice == choiceAutoHave && p.M2MAppID != "" && p.M2MAppSecret.IsSet():
		return true, "M2M app " + p.from(AnswerM2MAppID, true)
	case s.choice == choiceAutoHave && su.Method == config.MethodAuto, s.choice == choiceManual && su.Method == config.MethodManual:
		return true, p.from(AnswerMethod, false)
	case s.choice == choiceManual && p.AppID != "" && p.AppSecret.IsSet():
		return true, "app " + p.from(AnswerAppID, true)
	case p.Yes:
		// Only --yes: without credentials a non-interactive run cannot go on.
		return true, p.defaultsNote()
	}
	return false, ""
}

// MissingInput names the method.
func (s *methodStep) MissingInput() error {
	return missing("how to create the app (auto, auto-create or manual)", AnswerMethod, "", "LOGTO_M2M_APP_ID and LOGTO_M2M_APP_SECRET (auto)")
}

// --- credentials

func (s *credsStep) init() {
	p, su := s.st.Prefill, s.st.Setup
	if s.method == su.Method {
		return
	}
	s.method = su.Method
	if s.method == config.MethodManual {
		s.appID = firstNonEmpty(p.AppID, su.AppID)
		s.secret = firstNonEmpty(p.AppSecret.Reveal(), s.st.Secrets.AppSecret.Reveal())
	} else {
		s.appID = firstNonEmpty(p.M2MAppID, su.M2MAppID)
		s.secret = firstNonEmpty(p.M2MAppSecret.Reveal(), s.st.Secrets.M2MAppSecret.Reveal())
	}
}

// Ready when the ID and secret were given or saved.
func (s *credsStep) Ready() (bool, string) {
	s.init()
	p := &s.st.Prefill
	idKey, id, secret := AnswerM2MAppID, p.M2MAppID, p.M2MAppSecret.Reveal()
	savedID, savedSecret := s.st.Setup.M2MAppID, s.st.Secrets.M2MAppSecret.Reveal()
	if s.method == config.MethodManual {
		idKey, id, secret = AnswerAppID, p.AppID, p.AppSecret.Reveal()
		savedID, savedSecret = s.st.Setup.AppID, s.st.Secrets.AppSecret.Reveal()
	}
	switch {
	case given(s.appID, id) && given(s.secret, secret):
		return true, p.from(idKey, true)
	case given(s.appID, savedID) && given(s.secret, savedSecret):
		return true, p.from(idKey, false)
	}
	return false, ""
}

// MissingInput names the credentials of the method.
func (s *credsStep) MissingInput() error {
	if s.st.Setup.Method == config.MethodManual {
		return missing("the app's ID and secret", AnswerAppID+" and "+AnswerAppSecret, "", "LOGTO_APP_ID and LOGTO_APP_SECRET")
	}
	return missing("the M2M app's ID and secret", AnswerM2MAppID+" and "+AnswerM2MAppSecret, "", "LOGTO_M2M_APP_ID and LOGTO_M2M_APP_SECRET")
}

// --- app

// Ready: a new app with the name when none has it (the obvious choice),
// or the app the saved setup, --app-id or the answers name; with --yes
// the only app of that name.
func (s *appStep) Ready() (bool, string) {
	p := &s.st.Prefill
	if s.loadedAs == "" {
		return false, ""
	}
	switch n := len(s.existing); {
	case n == 0:
		if given(s.name, p.answer(AnswerAppName)) {
			return true, "from answers"
		}
		return true, "no app of that name yet"
	case s.wantsNew():
		name := strings.TrimSpace(s.name)
		return p.answer(AnswerAppChoice) == appNew && name != "" && name != s.loadedAs, "from answers"
	}
	app, _, err := s.target()
	switch {
	case err != nil || app.ID == "":
		return false, ""
	case given(app.ID, p.PickAppID):
		return true, p.from(AnswerAppID, true)
	case given(app.ID, s.st.Setup.AppID):
		return true, p.from(AnswerAppID, false)
	case p.answer(AnswerAppChoice) == appReuse:
		return true, "from answers"
	case len(s.existing) == 1 && p.acceptDefaults():
		return true, p.defaultsNote()
	}
	return false, ""
}

// MissingInput names the app to use.
func (s *appStep) MissingInput() error {
	if len(s.existing) > 1 {
		if _, err := s.decide(s.loadedAs, s.existing); err != nil {
			return err
		}
	}
	return missing("whether to reuse the app named "+s.loadedAs+" (reuse or new)", AnswerAppChoice, "--app-id", "")
}

// --- twilio

func (s *twilioStep) init() {
	if s.sid == "" {
		s.sid = firstNonEmpty(s.st.Prefill.TwilioAccountSID, s.st.Setup.TwilioAccountSID)
	}
	if s.token == "" {
		s.token = firstNonEmpty(s.st.Prefill.TwilioAuthToken.Reveal(), s.st.Secrets.TwilioAuthToken.Reveal())
	}
}

// Ready when the Account SID and Auth Token were given or saved and look
// right.
func (s *twilioStep) Ready() (bool, string) {
	s.init()
	p := &s.st.Prefill
	if validateSID(s.sid) != nil || validateToken(s.token) != nil {
		return false, ""
	}
	switch {
	case given(s.sid, p.TwilioAccountSID) && given(s.token, p.TwilioAuthToken.Reveal()):
		return true, p.from(AnswerTwilioSID, true)
	case given(s.sid, s.st.Setup.TwilioAccountSID) && given(s.token, s.st.Secrets.TwilioAuthToken.Reveal()):
		return true, p.from(AnswerTwilioSID, false)
	}
	return false, ""
}

// MissingInput names the Twilio credentials.
func (s *twilioStep) MissingInput() error {
	return missing("the Twilio Account SID and Auth Token", AnswerTwilioSID+" and "+AnswerTwilioToken, "", "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
}

// --- service

// withSender lists the services that have a sender.
func (s *serviceStep) withSender() []twiliosetup.Service {
	var out []twiliosetup.Service
	for _, sv := range s.services {
		if sv.Senders > 0 {
			out = append(out, sv)
		}
	}
	return out
}

func (s *serviceStep) init() {
	p := &s.st.Prefill
	if s.choice == "" {
		s.choice = firstNonEmpty(p.answer(AnswerService), s.st.Setup.ServiceSID)
		if ws := s.withSender(); s.choice == "" && len(ws) == 1 {
			s.choice = ws[0].SID
		}
		if s.choice == "" && len(s.services) > 0 {
			s.choice = s.services[0].SID
		}
		if s.choice == "" {
			s.choice = createService
		}
	}
	if s.name == "" {
		s.name = firstNonEmpty(p.answer(AnswerServiceName), DefaultServiceName)
	}
	if s.number == "" {
		want := p.answer(AnswerServiceNumber)
		for _, n := range s.numbers {
			if want != "" && (n.SID == want || n.PhoneNumber == want) {
				s.number = n.SID
			}
		}
		if s.number == "" && len(s.numbers) > 0 {
			s.number = s.numbers[0].SID
		}
	}
}

// Ready: the answered or saved service, the only service with a sender,
// or, with no service and one number, a new service sending from it.
func (s *serviceStep) Ready() (bool, string) {
	if s.services == nil && s.numbers == nil {
		return false, "" // not loaded
	}
	s.init()
	p := &s.st.Prefill
	has := func(sid string) bool {
		for _, sv := range s.services {
			if sv.SID == sid {
				return true
			}
		}
		return false
	}
	ws := s.withSender()
	switch {
	case s.choice == p.answer(AnswerService) && (s.choice == createService || has(s.choice)):
		return true, "from answers"
	case s.choice == s.st.Setup.ServiceSID && has(s.choice):
		return true, p.from(AnswerService, false)
	case len(ws) == 1 && s.choice == ws[0].SID:
		return true, "the only Messaging Service with a sender"
	case len(s.services) == 0 && len(s.numbers) == 1 && s.choice == createService:
		return true, "no Messaging Service yet: a new one with the only SMS number"
	case p.acceptDefaults():
		return true, p.defaultsNote()
	}
	return false, ""
}

// MissingInput names the service to use.
func (s *serviceStep) MissingInput() error {
	return missing("which Messaging Service sends the SMS (its MG… SID, or new)", AnswerService, "", "")
}

// --- templates

// answered puts the answers file's template texts into the drafts and
// reports whether there were any.
func (s *templatesStep) answered() bool {
	s.init()
	found := false
	for i, t := range s.types {
		if v := s.st.Prefill.answer(AnswerTemplatesPrefix + t); v != "" {
			if !s.edit {
				s.texts[i] = v
			}
			found = true
		}
	}
	if found {
		s.edit = true
	}
	return found
}

// Ready with template answers, with the saved templates, or with --yes
// (the defaults).
func (s *templatesStep) Ready() (bool, string) {
	p := &s.st.Prefill
	switch {
	case s.answered():
		return true, "from answers"
	case len(s.st.Setup.Templates) > 0 && !s.edit:
		return true, p.from("templates", false)
	case p.acceptDefaults() && !s.edit:
		return true, p.defaultsNote()
	}
	return false, ""
}

// --- connector

// Ready with the answer connector-choice; with --yes, updating this
// account's Twilio connector. Replacing another SMS connector (another
// provider, another account) always needs the explicit answer.
func (s *connectorStep) Ready() (bool, string) {
	p := &s.st.Prefill
	a := p.answer(AnswerConnector)
	if s.st.Setup.Method == config.MethodManual {
		switch {
		case a == connDone:
			return true, "from answers"
		case p.Yes:
			return true, "--yes"
		}
		return false, ""
	}
	if !s.loaded {
		return false, ""
	}
	c := s.current
	if c == nil {
		return true, "" // nothing to ask: it is created
	}
	change := connReplace
	if c.IsTwilio() {
		change = connUpdate
	}
	if a == connKeep || a == change {
		s.choice = a
		return true, "from answers"
	}
	sameAccount := c.IsTwilio() && s.curSID == s.st.Setup.TwilioAccountSID
	switch {
	case sameAccount && c.ID == s.st.Setup.ConnectorID:
		s.choice = connUpdate
		return true, "the connector this setup made"
	case sameAccount && p.acceptDefaults():
		s.choice = connUpdate
		return true, p.defaultsNote()
	}
	return false, ""
}

// MissingInput names the connector choice; replacing never happens on
// --yes alone.
func (s *connectorStep) MissingInput() error {
	if s.st.Setup.Method == config.MethodManual {
		return missing("whether the connector is saved in the Console (done)", AnswerConnector, "", "")
	}
	e := missing("what to do with the tenant's SMS connector (keep, or replace/update)", AnswerConnector, "", "")
	e.Detail = "it has " + s.describe() + "; changing it needs an explicit answer, even with --yes"
	return e
}

// --- test SMS

func (s *testSMSStep) init() {
	if s.phone == "" {
		s.phone = firstNonEmpty(s.st.Prefill.TestPhone, s.st.Setup.TestPhone)
	}
}

// Ready when the phone number was given or saved and parses.
func (s *testSMSStep) Ready() (bool, string) {
	s.init()
	p := &s.st.Prefill
	if _, err := s.parsePhone(s.phone); err != nil {
		return false, ""
	}
	switch {
	case given(s.phone, p.TestPhone):
		return true, p.from(AnswerTestPhone, true)
	case given(s.phone, s.st.Setup.TestPhone):
		return true, p.from(AnswerTestPhone, false)
	}
	return false, ""
}

// MissingInput names the test phone.
func (s *testSMSStep) MissingInput() error {
	return missing("the phone number for the test SMS", AnswerTestPhone, "--test-phone", "")
}

// --- sign-in experience

// Ready with the answer signin-apply, or --yes (apply), or when nothing
// changes.
func (s *signInStep) Ready() (bool, string) {
	p := &s.st.Prefill
	a := p.answer(AnswerSignInApply)
	if s.st.Setup.Method == config.MethodManual {
		switch {
		case a == "yes":
			return true, "from answers"
		case p.Yes:
			return true, "--yes"
		}
		return false, ""
	}
	switch {
	case s.plan == nil:
		return false, ""
	case s.plan.NoChange():
		return true, ""
	case a != "":
		s.apply = a == "yes"
		return true, "from answers"
	case p.acceptDefaults():
		return true, p.defaultsNote()
	}
	return false, ""
}

// MissingInput names the sign-in question.
func (s *signInStep) MissingInput() error {
	return missing("whether to apply the sign-in changes (yes or no)", AnswerSignInApply, "--yes", "")
}

// --- starter

// Ready with the answers starter (and starter-dir), or --yes (not written).
func (s *starterStep) Ready() (bool, string) {
	p := &s.st.Prefill
	if s.dir == "" {
		s.dir = firstNonEmpty(p.answer(AnswerStarterDir), s.st.Setup.ExpressDir, DefaultStarterDir)
	}
	switch a := p.answer(AnswerStarter); {
	case a != "":
		s.write = a == "yes"
		return true, "from answers"
	case p.acceptDefaults():
		s.write = false
		return true, p.defaultsNote()
	}
	return false, ""
}

// MissingInput names the starter question.
func (s *starterStep) MissingInput() error {
	return missing("whether to write the Express starter (yes or no)", AnswerStarter, "--yes (no)", "")
}

// --- summary

// Ready: the summary asks nothing; its report stays under the ✓ line.
func (s *summaryStep) Ready() (bool, string) { return true, "" }
