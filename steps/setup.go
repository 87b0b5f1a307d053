package steps

import (
	"encoding/json"
	"fmt"
	"slices"
)

// SchemaVersion is the version of setup.json and secrets.json.
const SchemaVersion = 1

// App methods: how the Traditional web app is made.
const (
	MethodAuto   = "auto"   // through the Management API with M2M credentials
	MethodManual = "manual" // the user creates it in the Console and pastes ID + secret
)

// Connector outcomes stored in Setup.ConnectorAction.
const (
	ConnectorCreated = "created"
	ConnectorUpdated = "updated"
	ConnectorKept    = "kept"   // the user kept another SMS connector
	ConnectorManual  = "manual" // configured by hand in the Console
)

// Template is one SMS template (Logto's usageType + content).
type Template struct {
	UsageType string `json:"usageType"`
	Content   string `json:"content"`
}

// Setup is everything the wizard learned that is not secret. It is saved to
// setup.json after each successful step.
type Setup struct {
	Version int `json:"version"`

	Endpoint string `json:"endpoint,omitempty"` // normalised Logto endpoint
	Issuer   string `json:"issuer,omitempty"`   // the discovered issuer
	IsCloud  bool   `json:"isCloud,omitempty"`

	Method   string `json:"method,omitempty"` // MethodAuto or MethodManual
	M2MAppID string `json:"m2mAppId,omitempty"`

	AppName  string `json:"appName,omitempty"`
	AppID    string `json:"appId,omitempty"`
	DemoPort int    `json:"demoPort,omitempty"`

	TwilioAccountSID  string `json:"twilioAccountSid,omitempty"`
	TwilioAccountName string `json:"twilioAccountName,omitempty"`
	TwilioTrial       bool   `json:"twilioTrial,omitempty"`

	ServiceSID    string `json:"serviceSid,omitempty"`
	ServiceName   string `json:"serviceName,omitempty"`
	ServiceSender string `json:"serviceSender,omitempty"` // E.164 of a sender, when known

	Templates []Template `json:"templates,omitempty"`

	ConnectorID     string `json:"connectorId,omitempty"`
	ConnectorAction string `json:"connectorAction,omitempty"`

	TestPhone  string `json:"testPhone,omitempty"`  // E.164
	TestResult string `json:"testResult,omitempty"` // "delivered", "sent", "skipped"

	SignInConfigured bool   `json:"signInConfigured,omitempty"`
	SignedInPhone    string `json:"signedInPhone,omitempty"`
	ExpressDir       string `json:"expressDir,omitempty"`

	// Done lists the IDs of the steps that succeeded, in order.
	Done []string `json:"done,omitempty"`
}

// Secrets are the secret values, saved only to secrets.json (mode 0600).
type Secrets struct {
	Version         int    `json:"version"`
	M2MAppSecret    Secret `json:"m2mAppSecret,omitempty"`
	AppSecret       Secret `json:"appSecret,omitempty"`
	TwilioAuthToken Secret `json:"twilioAuthToken,omitempty"`
}

// MarshalJSON writes the real values: only the store calls it, for the
// secrets file.
func (s Secrets) MarshalJSON() ([]byte, error) {
	type plain struct {
		Version         int    `json:"version"`
		M2MAppSecret    string `json:"m2mAppSecret,omitempty"`
		AppSecret       string `json:"appSecret,omitempty"`
		TwilioAuthToken string `json:"twilioAuthToken,omitempty"`
	}
	b, err := json.Marshal(plain{s.Version, s.M2MAppSecret.Reveal(), s.AppSecret.Reveal(), s.TwilioAuthToken.Reveal()})
	if err != nil {
		return nil, fmt.Errorf("steps: secrets: %w", err)
	}
	return b, nil
}

// IsDone reports whether step id succeeded before.
func (s *Setup) IsDone(id string) bool {
	for _, d := range s.Done {
		if d == id {
			return true
		}
	}
	return false
}

// MarkDone records that step id succeeded.
func (s *Setup) MarkDone(id string) {
	if !s.IsDone(id) {
		s.Done = append(s.Done, id)
	}
}

// Undo forgets that the steps ids succeeded, so a resumed run does them
// again (their inputs changed).
func (s *Setup) Undo(ids ...string) {
	s.Done = slices.DeleteFunc(s.Done, func(d string) bool { return slices.Contains(ids, d) })
}

// Prefill holds answers given before the wizard starts: flags and the
// conventional environment variables. The caller (cmd) fills it; steps use a
// non-empty value as the form's default and let flags win over saved state.
type Prefill struct {
	Endpoint      string // --logto-endpoint or LOGTO_ENDPOINT
	TwilioBaseURL string // --twilio-base-url (informational: the caller builds the client)
	Port          int    // --port: the demo server's port (0 = 3000)

	TwilioAccountSID string // TWILIO_ACCOUNT_SID
	TwilioAuthToken  Secret // TWILIO_AUTH_TOKEN
	AppID            string // LOGTO_APP_ID
	AppSecret        Secret // LOGTO_APP_SECRET
	M2MAppID         string // LOGTO_M2M_APP_ID
	M2MAppSecret     Secret // LOGTO_M2M_APP_SECRET

	TestPhone string // a phone number for the test SMS (sandbox)
	// NoBrowser prints URLs instead of opening them (--no-browser, SSH).
	NoBrowser bool
	// Sandbox is set by --sandbox: the welcome step then says that nothing
	// real is needed and every answer is prefilled.
	Sandbox bool
}

// PrefillFromEnv reads the conventional environment variables through getenv.
// Flags set afterwards by the caller win.
func PrefillFromEnv(getenv func(string) string) Prefill {
	return Prefill{
		Endpoint:         getenv("LOGTO_ENDPOINT"),
		TwilioAccountSID: getenv("TWILIO_ACCOUNT_SID"),
		TwilioAuthToken:  Secret(getenv("TWILIO_AUTH_TOKEN")),
		AppID:            getenv("LOGTO_APP_ID"),
		AppSecret:        Secret(getenv("LOGTO_APP_SECRET")),
		M2MAppID:         getenv("LOGTO_M2M_APP_ID"),
		M2MAppSecret:     Secret(getenv("LOGTO_M2M_APP_SECRET")),
	}
}

// DefaultPort is the demo server's port when none is given.
const DefaultPort = 3000
