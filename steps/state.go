package steps

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// Modes chosen on the welcome step.
const (
	ModeFresh    = "fresh"    // every step runs (no saved setup, or start over)
	ModeResume   = "resume"   // steps that succeeded before are skipped
	ModeReverify = "reverify" // every step runs again, prefilled from the saved setup
)

// State is what the steps share: the saved setup and secrets, the prefilled
// answers and what this run learned. Steps write it only in Commit or a
// Loader's apply func, on the UI goroutine.
type State struct {
	Setup   config.Setup
	Secrets config.Secrets
	Prefill Prefill
	Mode    string

	// Problems found while loading the saved files (shown on the welcome step).
	Problems []string
	// Found is true when a saved setup was loaded.
	Found bool

	// Account is the Twilio account checked in this run.
	Account *twiliosetup.Account
	// SignIn is who signed in on the verify step.
	SignIn *demo.SignIn
	// StarterDeclined: the starter step was answered "No thanks" in this
	// run. Setup.ExpressDir may still name a starter an earlier run wrote
	// (rotate and teardown look after it), but the summary lists only what
	// this run made.
	StarterDeclined bool
}

// NewState returns an empty state with the given prefilled answers.
func NewState(p Prefill) *State {
	return &State{Prefill: p, Mode: ModeFresh}
}

// Port is the demo server's port: --port, else the saved one, else 3000.
func (st *State) Port() int {
	switch {
	case st.Prefill.Port > 0:
		return st.Prefill.Port
	case st.Setup.DemoPort > 0:
		return st.Setup.DemoPort
	}
	return config.DefaultPort
}

// Again is the command line to suggest for command ("" for the wizard,
// "doctor", "rotate", "teardown", "sandbox serve") and args, rendered by
// Prefill.Again with the flags of this run. Without one it is plain, and the
// wizard's keeps an attendee's card (--preset).
func (st *State) Again(command string, args ...string) string {
	if pr := st.Prefill.Preset; st.Prefill.Again == nil && command == "" && pr != nil {
		return cmdline.Plain("", append([]string{"--preset", pr.File}, args...)...)
	}
	return st.Prefill.Again.Line(command, args...)
}

// BaseURL is where the browser reaches the demo: http://localhost:<port>.
func (st *State) BaseURL() string { return "http://localhost:" + strconv.Itoa(st.Port()) }

// TwilioConfig is Logto's Twilio connector config built from the state: the
// account, the Messaging Service and the templates. It holds the Auth Token
// (TwilioConfig's String masks it); never print its fields.
func (st *State) TwilioConfig() logtoapi.TwilioConfig {
	cfg := logtoapi.TwilioConfig{
		AccountSID:              st.Setup.TwilioAccountSID,
		AuthToken:               st.Secrets.TwilioAuthToken.Reveal(),
		FromMessagingServiceSID: st.Setup.ServiceSID,
	}
	for _, t := range st.Setup.Templates {
		cfg.Templates = append(cfg.Templates, logtoapi.SMSTemplate{UsageType: t.UsageType, Content: t.Content})
	}
	return cfg
}

// Checkpoint returns the tui.Options.Checkpoint func that saves st into
// store after each step: it encodes on the UI goroutine (a snapshot) and
// writes in a command.
func Checkpoint(st *State, store *config.Store) func(stepID string) func() error {
	return func(string) func() error {
		if store == nil {
			return nil
		}
		setup, sec := st.Setup, st.Secrets
		setup.Version, sec.Version = config.SchemaVersion, config.SchemaVersion
		sb, err1 := json.MarshalIndent(setup, "", "  ")
		kb, err2 := json.Marshal(sec)
		return func() error {
			if err1 != nil {
				return fmt.Errorf("steps: encode setup: %w", err1)
			}
			if err2 != nil {
				return fmt.Errorf("steps: encode secrets: %w", err2)
			}
			if err := store.WriteFiles(sb, kb); err != nil {
				// The runner shows it: plain words, the cause kept for errors.Is.
				return explain("", err)
			}
			return nil
		}
	}
}
