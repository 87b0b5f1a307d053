package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// twilioStep asks for the Account SID and Auth Token and checks them.
type twilioStep struct {
	base
	sid, token string
}

// Skip on resume unless --/env gave another Account SID.
func (s *twilioStep) Skip() bool {
	p := twiliosetup.Clean(s.st.Prefill.TwilioAccountSID)
	return s.base.Skip() && (p == "" || p == s.st.Setup.TwilioAccountSID)
}

func newTwilio(st *State, d *Deps) *twilioStep {
	return &twilioStep{base: base{id: "twilio", title: "Twilio credentials", st: st, d: d}}
}

func validateSID(v string) error   { return twiliosetup.ValidateAccountSID(clean(v)) }
func validateToken(v string) error { return twiliosetup.ValidateAuthToken(clean(v)) }

func (s *twilioStep) Form(env tui.FormEnv) *huh.Form {
	s.init()
	return huh.NewForm(huh.NewGroup(
		huh.NewInput().Key("sid").Title(tui.LineTitle(env, "Account SID", s.sid, false)).Placeholder("AC…").
			Value(&s.sid).Validate(orDefault(&s.sid, validateSID)),
		tui.SecretInput(env, &s.token).Key("token").Title(tui.LineTitle(env, "Auth Token", s.token, true)).
			Validate(orDefault(&s.token, validateToken)),
	))
}

func (s *twilioStep) WaitingText() string { return "Checking the credentials with Twilio…" }

func (s *twilioStep) Execute(ctx context.Context) (tui.Result, error) {
	sid, token := clean(s.sid), clean(s.token)
	if err := validateSID(sid); err != nil {
		return tui.Result{}, problem("That Account SID does not look right", "{key:edit}; it starts with AC and has 34 characters.", err)
	}
	if err := validateToken(token); err != nil {
		return tui.Result{}, problem("That Auth Token does not look right", "{key:edit} and copy it again (32 characters).", nil)
	}
	if err := s.twilioElsewhere(); err != nil {
		return tui.Result{}, err
	}
	c, err := s.d.NewTwilio(twiliosetup.Credentials{AccountSID: sid, AuthToken: token})
	if err != nil {
		return tui.Result{}, explain("Cannot use those credentials", err)
	}
	acct, err := c.Account(ctx)
	if err != nil {
		var ex explainer
		if n, ok := classifyNet(err); ok && n.kind != netCanceled && !errors.As(err, &ex) {
			// Nothing answered: the credentials were not checked at all.
			return tui.Result{}, problem("Twilio did not answer at "+s.twilioHost(), "Check your network (and "+
				"--twilio-base-url, if you gave one), then {key:retry} to try again.", err)
		}
		return tui.Result{}, explain("Twilio refused the credentials", err)
	}
	kind := "full account"
	if acct.IsTrial() {
		kind = "trial: texts only verified numbers"
	}
	name := acct.FriendlyName
	if name == "" {
		name = acct.SID
	}
	return s.result(fmt.Sprintf("%s · %s", name, kind), func() {
		if old := s.st.Setup.TwilioAccountSID; old != "" && old != sid {
			// Another account: its services and the connector must be set again.
			s.st.Setup.ServiceSID, s.st.Setup.ServiceName, s.st.Setup.ServiceSender = "", "", ""
			s.st.Setup.Undo("service", "connector", "testsms")
		}
		s.st.Setup.TwilioAccountSID = sid
		s.st.Setup.TwilioAccountName = acct.FriendlyName
		s.st.Setup.TwilioTrial = acct.IsTrial()
		s.st.Secrets.TwilioAuthToken = config.Secret(token)
		// Later runs and commands must reach the same Twilio.
		s.st.Setup.TwilioBaseURL = s.st.Prefill.TwilioBaseURL
		a := acct
		s.st.Account = &a
	}), nil
}

// twilioHost names the Twilio this run talks to.
func (b *base) twilioHost() string {
	if u := b.st.Prefill.TwilioBaseURL; u != "" {
		return u
	}
	return "api.twilio.com"
}

// twilioElsewhere says what is missing when the saved setup was made with
// --twilio-base-url and this run was not given it: its calls would go to
// api.twilio.com, which refuses the saved credentials.
func (b *base) twilioElsewhere() error {
	saved := b.st.Setup.TwilioBaseURL
	if saved == "" || b.st.Prefill.TwilioBaseURL != "" {
		return nil
	}
	return problem("This setup was made with --twilio-base-url "+saved+", and this run was not given it",
		"Quit ({key:quit}) and run "+tui.Quote(b.st.Again("", "--twilio-base-url", saved))+
			" with it; to use twilio.com instead, choose to start over on the first step.", nil)
}
