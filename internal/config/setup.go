package config

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
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

	// TwilioBaseURL is --twilio-base-url of the run that saved the setup
	// ("" = api.twilio.com), so later commands reach the same Twilio.
	TwilioBaseURL string `json:"twilioBaseUrl,omitempty"`

	// Created records what the wizard created (teardown removes only that)
	// and what it changed (teardown restores it when still as it was set).
	Created Created `json:"created,omitzero"`

	// Rotation is the write-ahead record of a credential rotation under
	// way (nil when none): a re-run of rotate finishes or reverts it.
	Rotation *Rotation `json:"rotation,omitempty"`

	// History lists what happened to the setup after it was made
	// (rotations, teardown), oldest first; never a secret value.
	History []Event `json:"history,omitempty"`

	// TornDown is when teardown removed what the wizard created (nil: not
	// torn down).
	TornDown *time.Time `json:"tornDown,omitempty"`

	// SecretsStore is where the secrets are: SecretsStoreKeyring or
	// SecretsStoreFile ("" in setups saved before it was recorded: the
	// file). The Store keeps it: Load sets it, WriteFiles writes the store
	// it saved the secrets to, whatever the caller's value.
	SecretsStore string `json:"secretsStore,omitempty"`
}

// Created is what the wizard created, as opposed to found and reused: the
// IDs are set only for things it made itself.
type Created struct {
	AppID       string `json:"appId,omitempty"`       // the Traditional app it created
	ConnectorID string `json:"connectorId,omitempty"` // the SMS connector it created (POST)
	ServiceSID  string `json:"serviceSid,omitempty"`  // the Messaging Service it created
	// ReplacedConnector describes another SMS connector that Logto deleted
	// when the wizard created its own ("Aliyun (id aliyun1)"): teardown
	// cannot bring it back and says so ("" when none).
	ReplacedConnector string `json:"replacedConnector,omitempty"`
	// SignIn is the sign-in experience's state before and after the
	// wizard changed it (nil when it changed nothing).
	SignIn *SignInChange `json:"signIn,omitempty"`
}

// SignInChange holds the sign-in experience's signUp and signIn objects
// before and after the wizard's PATCH, as Logto returned them.
type SignInChange struct {
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// Rotation is the write-ahead record of a rotation: what rotates and the
// last phase reached. It is saved before each external change.
type Rotation struct {
	What    string    `json:"what"`  // "twilio", "app-secret", "m2m-secret"
	Phase   string    `json:"phase"` // owned by the rotate package
	Started time.Time `json:"started"`
	// Detail holds the rotation's own non-secret bookkeeping (secret
	// names, the connector ID), owned by the rotate package.
	Detail map[string]string `json:"detail,omitempty"`
}

// Event is one line of the setup's history: when, and what (never a value).
type Event struct {
	At   time.Time `json:"at"`
	What string    `json:"what"`
}

// Secrets are the secret values, saved only to secrets.json (mode 0600).
type Secrets struct {
	Version         int    `json:"version"`
	M2MAppSecret    Secret `json:"m2mAppSecret,omitempty"`
	AppSecret       Secret `json:"appSecret,omitempty"`
	TwilioAuthToken Secret `json:"twilioAuthToken,omitempty"`
	// Pending is the new value of a rotation under way (see
	// Setup.Rotation), kept until the rotation ends.
	Pending Secret `json:"pending,omitempty"`
}

// MarshalJSON writes the real values: only the store calls it, for the
// secrets file.
func (s Secrets) MarshalJSON() ([]byte, error) {
	type plain struct {
		Version         int    `json:"version"`
		M2MAppSecret    string `json:"m2mAppSecret,omitempty"`
		AppSecret       string `json:"appSecret,omitempty"`
		TwilioAuthToken string `json:"twilioAuthToken,omitempty"`
		Pending         string `json:"pending,omitempty"`
	}
	b, err := json.Marshal(plain{s.Version, s.M2MAppSecret.Reveal(), s.AppSecret.Reveal(), s.TwilioAuthToken.Reveal(), s.Pending.Reveal()})
	if err != nil {
		return nil, fmt.Errorf("config: secrets: %w", err)
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

// DefaultPort is the demo server's port when none is given.
const DefaultPort = 3000
