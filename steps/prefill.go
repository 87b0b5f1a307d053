package steps

import (
	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/config"
)

// Prefill holds answers given before the wizard starts: flags and the
// conventional environment variables. The caller (cmd) fills it; steps use a
// non-empty value as the form's default and let flags win over saved state.
type Prefill struct {
	Endpoint      string // --logto-endpoint or LOGTO_ENDPOINT
	TwilioBaseURL string // --twilio-base-url (informational: the caller builds the client)
	Port          int    // --port: the demo server's port (0 = 3000)

	TwilioAccountSID string        // TWILIO_ACCOUNT_SID
	TwilioAuthToken  config.Secret // TWILIO_AUTH_TOKEN
	AppID            string        // LOGTO_APP_ID
	AppSecret        config.Secret // LOGTO_APP_SECRET
	M2MAppID         string        // LOGTO_M2M_APP_ID
	M2MAppSecret     config.Secret // LOGTO_M2M_APP_SECRET

	TestPhone string // a phone number for the test SMS (sandbox)
	// NoBrowser prints URLs instead of opening them (--no-browser, SSH).
	NoBrowser bool
	// SSHConnection and User are $SSH_CONNECTION ("client-ip client-port
	// server-ip server-port", set by sshd) and $USER: over SSH the demo's
	// http://localhost URL works in the user's own browser only through a
	// tunnel, and the verify step says which (see sshTunnel).
	SSHConnection, User string
	// Sandbox is set by --sandbox: the welcome step then says that nothing
	// real is needed and every answer is prefilled.
	Sandbox bool

	// NonInteractive is set by --non-interactive: a step that would have to
	// ask, and has no saved or given answer, returns *MissingInputError
	// instead of guessing.
	NonInteractive bool
	// Again renders the command lines the steps suggest (the command layer's
	// cmdline.Func): for a command ("" for the wizard, "doctor", "rotate",
	// "teardown", "sandbox serve") and its arguments, it adds the flags that
	// reach this run's setup (--sandbox, --config-dir, --preset, …); an
	// argument it is given (--port 3004) replaces the run's own. nil gives
	// plain "logto-twilio <command> <args>" (with the card's --preset for the
	// wizard, see State.Again).
	Again cmdline.Func `json:"-"`

	// PickAppID is --app-id: which existing Traditional app the automatic
	// method reuses when several have the app's name. It is a flag only,
	// distinct from AppID (LOGTO_APP_ID, the manual method's pasted app,
	// which comes with its secret): an Express project's .env often exports
	// LOGTO_APP_ID for another app, and that must not steer this choice.
	PickAppID string

	// Yes is set by --yes: a step whose questions all have a default takes
	// the defaults without asking, except a destructive choice (replacing
	// another SMS connector), which needs an explicit answer.
	Yes bool
	// Answers are an answers file's values by answer ID (see ApplyAnswers);
	// the steps read the choices from it.
	Answers map[string]string
	// Sources says where each prefilled value came from, by answer ID.
	Sources map[string]Source
	// Preset is the workshop card of --preset (nil: none); UsePreset sets it
	// with the card's answers. The steps it answers are passed over.
	Preset *Preset
}

// PrefillFromEnv reads the conventional environment variables through getenv.
// Flags set afterwards by the caller win.
func PrefillFromEnv(getenv func(string) string) Prefill {
	p := Prefill{
		Endpoint:         getenv("LOGTO_ENDPOINT"),
		TwilioAccountSID: getenv("TWILIO_ACCOUNT_SID"),
		TwilioAuthToken:  config.Secret(getenv("TWILIO_AUTH_TOKEN")),
		AppID:            getenv("LOGTO_APP_ID"),
		AppSecret:        config.Secret(getenv("LOGTO_APP_SECRET")),
		M2MAppID:         getenv("LOGTO_M2M_APP_ID"),
		M2MAppSecret:     config.Secret(getenv("LOGTO_M2M_APP_SECRET")),
		SSHConnection:    getenv("SSH_CONNECTION"),
		User:             getenv("USER"),
	}
	p.MarkSources(SourceEnv)
	return p
}
