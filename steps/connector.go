package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"charm.land/huh/v2"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/tui"
)

// Connector choices.
const (
	connCreate  = "create"  // no SMS connector yet
	connReplace = "replace" // another provider, or Twilio to be replaced
	connUpdate  = "update"  // PATCH the existing Twilio connector
	connKeep    = "keep"    // leave the tenant's SMS connector as it is
	connDone    = "done"    // manual: the user saved it in the Console
)

// connectorStep creates or updates Logto's Twilio connector. An existing SMS
// connector (another provider, or Twilio with other credentials) is named,
// and the user chooses to keep it or to replace/update it: nothing is
// overwritten without consent. Manual method: the connector JSON, copyable,
// and the Console page.
type connectorStep struct {
	base
	current *logtoapi.Connector
	curSID  string // the current connector's Account SID, when Twilio
	loaded  bool
	choice  string
}

func newConnector(st *State, d *Deps) *connectorStep {
	return &connectorStep{base: base{id: "connector", title: "Logto SMS connector", st: st, d: d}}
}

// config is the connector config built from the state (it holds the token:
// never print it).
func (s *connectorStep) config() logtoapi.TwilioConfig { return s.st.TwilioConfig() }

// configJSON is the config as JSON; masked hides the Auth Token.
func (s *connectorStep) configJSON(masked bool) string {
	cfg := s.config()
	if masked {
		cfg.AuthToken = config.Secret(cfg.AuthToken).String()
	}
	b, err := json.MarshalIndent(cfg, "", "  ") //nolint:gosec // the token is the point of the copy; masked when shown
	if err != nil {
		return ""
	}
	return string(b)
}

// LoadingText says what Load fetches (tui.LoadWaiter).
func (s *connectorStep) LoadingText() string { return "Reading the tenant's SMS connector…" }

func (s *connectorStep) Load(ctx context.Context) (func(), error) {
	if s.st.Setup.Method == config.MethodManual {
		return func() { s.loaded = true }, nil
	}
	c, err := s.logto()
	if err != nil {
		return nil, err
	}
	cur, err := c.SMSConnector(ctx)
	if err != nil {
		return nil, explain("Cannot read the tenant's SMS connector", err)
	}
	sid := ""
	if cur != nil && cur.IsTwilio() {
		if tc, err := cur.TwilioConfig(); err == nil {
			sid = tc.AccountSID
		}
	}
	return func() {
		s.current, s.curSID, s.loaded = cur, sid, true
		s.choice = ""
	}, nil
}

func (s *connectorStep) Guide() string {
	g := GuideText(s.ID())
	if s.st.Setup.Method != config.MethodManual {
		return g
	}
	cfg := s.config()
	// The interactive runner copies the whole config (alt+y); the line
	// runner shows it, the Auth Token masked ({action:copy-config}).
	g += fmt.Sprintf("\n\nIn the Console ({action:open}), add the Twilio SMS connector with:\n"+
		"  Account SID                 %s\n"+
		"  Auth Token                  %s\n"+
		"  From Messaging Service SID  %s\n"+
		"  Templates                   %d "+
		"{tui:({action:copy-config} copies the whole config as JSON,\n"+
		"                              Auth Token included)}"+
		"{line:(the whole config as JSON is below,\n"+
		"                              Auth Token masked)\n\n{action:copy-config}}",
		cfg.AccountSID, config.Secret(cfg.AuthToken), cfg.FromMessagingServiceSID, len(cfg.Templates))
	return g
}

// page is the Console page of the SMS connectors ("" without an endpoint).
func (s *connectorStep) page() string {
	e, err := logtoapi.ParseEndpoint(s.st.Setup.Endpoint)
	if err != nil {
		return ""
	}
	return e.Console().SMSConnector()
}

func (s *connectorStep) Actions() []tui.Action {
	acts := []tui.Action{s.openAction("open Console", s.page())}
	if s.st.Setup.Method == config.MethodManual {
		acts = append(acts, s.copyAction(actCopyConfig, "alt+y", "copy JSON", s.configJSON(true),
			func() string { return s.configJSON(false) }))
	}
	return acts
}

func (s *connectorStep) describe() string {
	c := s.current
	switch {
	case c == nil:
		return ""
	case !c.IsTwilio():
		return fmt.Sprintf("another SMS provider, %s (id %s)", providerName(c.ConnectorID), c.ID)
	case s.curSID == s.st.Setup.TwilioAccountSID:
		return fmt.Sprintf("Twilio with this account (id %s)", c.ID)
	}
	return fmt.Sprintf("Twilio with another account, %s (id %s)", s.curSID, c.ID)
}

// providerName names an SMS connector's provider for people:
// "aliyun-short-message-service" reads "Aliyun".
func providerName(connectorID string) string {
	name := strings.TrimSuffix(connectorID, "-short-message-service")
	if name == connectorID || name == "" {
		return connectorID
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// consentNote says what is at stake in keeping or changing the connector.
func (s *connectorStep) consentNote() string {
	if c := s.current; c != nil && c.IsTwilio() && s.curSID == s.st.Setup.TwilioAccountSID {
		return "Updating it sets the Auth Token, the Messaging Service and the templates chosen here; its other settings (the risk check, templates of other usage types) stay as they are."
	}
	return "A shared Logto (a workshop's) may need it as it is."
}

func (s *connectorStep) Form(env tui.FormEnv) *huh.Form {
	if s.st.Setup.Method == config.MethodManual {
		s.choice = connDone
		notYet := env.Render(s.notSavedYet())
		return huh.NewForm(huh.NewGroup(huh.NewConfirm().Key("done").
			Title("Saved the connector in the Console?").Affirmative("Yes, it is saved").Negative("Not yet").
			Validate(func(ok bool) error {
				if !ok {
					return errors.New(notYet)
				}
				return nil
			})))
	}
	if s.current == nil {
		s.choice = connCreate
		return nil
	}
	change := connReplace
	label := "Replace it with Twilio (Logto removes the other SMS connector)"
	if s.current.IsTwilio() {
		change, label = connUpdate, "Update it with these Twilio settings"
	}
	if s.choice == "" {
		s.choice = connKeep
		if s.current.IsTwilio() && s.curSID == s.st.Setup.TwilioAccountSID {
			s.choice = connUpdate
		}
	}
	return huh.NewForm(huh.NewGroup(huh.NewSelect[string]().Key("choice").
		Title("This tenant already has an SMS connector: "+s.describe()).
		Description(s.consentNote()).
		Options(
			huh.NewOption("Keep it as it is (skip the Twilio connector setup)", connKeep),
			huh.NewOption(label, change),
		).Value(&s.choice)))
}

func (s *connectorStep) WaitingText() string { return "Saving the Twilio connector in Logto…" }

func (s *connectorStep) Execute(ctx context.Context) (tui.Result, error) {
	switch s.choice {
	case connDone:
		return s.result("saved by hand in the Console", func() {
			s.st.Setup.ConnectorAction = config.ConnectorManual
		}), nil
	case connKeep:
		desc := s.describe()
		return s.result("kept the existing connector: "+desc, func() {
			s.st.Setup.ConnectorAction = config.ConnectorKept
			if s.current != nil {
				s.st.Setup.ConnectorID = s.current.ID
				recordConnector(&s.st.Setup, s.current.ID, false, nil)
			}
		}), nil
	}
	cfg := s.config()
	if cfg.AccountSID == "" || cfg.AuthToken == "" || cfg.FromMessagingServiceSID == "" || len(cfg.Templates) == 0 {
		return tui.Result{}, problem("The Twilio settings are incomplete", "Go back ({key:back}) to the Twilio, service and template steps.", nil)
	}
	c, err := s.logto()
	if err != nil {
		return tui.Result{}, err
	}
	var conn logtoapi.Connector
	action := config.ConnectorCreated
	switch s.choice {
	case connUpdate:
		conn, err = c.UpdateTwilioConnector(ctx, s.current.ID, cfg)
		action = config.ConnectorUpdated
	case connReplace:
		conn, err = c.CreateTwilioConnector(ctx, cfg, s.current.ID)
	default:
		conn, err = c.CreateTwilioConnector(ctx, cfg, "")
	}
	if err != nil {
		return tui.Result{}, explain("Cannot save the Twilio connector", err)
	}
	var replaced *logtoapi.Connector
	if s.choice == connReplace {
		replaced = s.current
	}
	return s.result(fmt.Sprintf("%s the Twilio connector (id %s)", action, conn.ID), func() {
		s.st.Setup.ConnectorID, s.st.Setup.ConnectorAction = conn.ID, action
		recordConnector(&s.st.Setup, conn.ID, action == config.ConnectorCreated, replaced)
	}), nil
}
