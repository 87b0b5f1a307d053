package steps

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// TestConnectorUpdateKeepsWhatItDoesNotOwn: "Update it with these Twilio settings" on a
// Twilio connector set up in the Console keeps what the wizard does not own: disableRiskCheck
// (a real field of the connector, fixtures 061 and 082: dropping it turns Twilio's risk check
// back on), a template of a usage type outside the nine the wizard writes (the deprecated
// "Test", api-contracts §A.3) and keys it does not know. Through the Logto stand-in, which
// stores a PATCHed config whole, as Logto does.
func TestConnectorUpdateKeepsWhatItDoesNotOwn(t *testing.T) {
	t.Parallel()
	lg := logtotest.NewServer()
	t.Cleanup(lg.Close)
	m2mID, m2mSecret := lg.AddM2MApp("logto-twilio", true)
	ep, err := logtoapi.ParseEndpoint(lg.URL)
	if err != nil {
		t.Fatal(err)
	}
	st := readyState()
	st.Setup.Endpoint, st.Setup.M2MAppID = ep.String(), m2mID
	st.Secrets.M2MAppSecret = config.Secret(m2mSecret)
	st.Setup.Templates = nil
	for _, tpl := range twiliosetup.DefaultTemplates() {
		st.Setup.Templates = append(st.Setup.Templates, config.Template{UsageType: tpl.UsageType, Content: tpl.Content})
	}
	current := map[string]any{
		"accountSID": accountSID, "authToken": "consoleToken", "fromMessagingServiceSID": "MG00000000000000000000000000000000",
		"disableRiskCheck": true, "futureKey": "kept",
		"templates": []any{
			map[string]any{"usageType": "SignIn", "content": "Console sign-in {{code}}"},
			map[string]any{"usageType": "Register", "content": "Console sign-up {{code}}"},
			map[string]any{"usageType": "ForgotPassword", "content": "Console reset {{code}}"},
			map[string]any{"usageType": "Generic", "content": "Console code {{code}}"},
			map[string]any{"usageType": "Test", "content": "Console test {{code}}"},
		},
	}
	raw, err := json.Marshal(current)
	if err != nil {
		t.Fatal(err)
	}
	id := lg.SetSMSConnector(logtoapi.TwilioFactoryID, raw)

	d := Deps{NewLogto: func(e logtoapi.Endpoint, m logtoapi.M2MCredentials) (Logto, error) {
		return logtoapi.New(e, m, http.DefaultClient)
	}}
	s := newConnector(st, &d)
	apply, err := s.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	apply()
	if s.Form(tui.FormEnv{}) == nil || s.choice != connUpdate {
		t.Fatalf("choice %q, want the update offered by default", s.choice)
	}
	res, err := s.Execute(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	res.Commit()
	if st.Setup.ConnectorAction != config.ConnectorUpdated || st.Setup.ConnectorID != id {
		t.Fatalf("action %q on %q, want updated %q", st.Setup.ConnectorAction, st.Setup.ConnectorID, id)
	}

	stored, _ := lg.SMSConnector()
	var row struct {
		Config struct {
			AuthToken        string            `json:"authToken"`
			DisableRiskCheck *bool             `json:"disableRiskCheck"`
			FutureKey        string            `json:"futureKey"`
			Templates        []config.Template `json:"templates"`
		} `json:"config"`
	}
	if err := json.Unmarshal(stored, &row); err != nil {
		t.Fatal(err)
	}
	c := row.Config
	if c.AuthToken != twilioToken {
		t.Error("the connector does not hold the wizard's Auth Token")
	}
	if c.DisableRiskCheck == nil || !*c.DisableRiskCheck {
		t.Error("the update turned Twilio's risk check back on (disableRiskCheck is gone)")
	}
	if c.FutureKey != "kept" {
		t.Errorf("futureKey = %q, want it kept", c.FutureKey)
	}
	byType := map[string]string{}
	for _, tpl := range c.Templates {
		byType[tpl.UsageType] = tpl.Content
	}
	if byType["Test"] != "Console test {{code}}" {
		t.Errorf("the Test template = %q, want it kept", byType["Test"])
	}
	for _, tpl := range st.Setup.Templates {
		if byType[tpl.UsageType] != tpl.Content {
			t.Errorf("the %s template = %q, want the wizard's", tpl.UsageType, byType[tpl.UsageType])
		}
	}
	if want := len(twiliosetup.UsageTypes) + 1; len(c.Templates) != want || !slices.ContainsFunc(c.Templates, func(t config.Template) bool { return t.UsageType == "Test" }) {
		t.Errorf("%d templates, want %d", len(c.Templates), want)
	}
}
