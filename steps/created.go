package steps

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// This file records, in Setup.Created, what the wizard created as opposed to
// found (teardown removes only what it created). A thing the wizard created
// in an earlier run stays "created" when a later run reuses it; when a run
// moves the setup to something else, the earlier one is named in History
// (teardown no longer tracks it).

// addEvent appends a line to the setup's history.
func addEvent(su *config.Setup, what string) {
	su.History = append(su.History, config.Event{At: time.Now().UTC(), What: what})
}

// recordApp records the app the setup now uses: created by this run, or
// reused (still the wizard's own if it created it earlier).
func recordApp(su *config.Setup, id string, created bool) {
	c := &su.Created
	if c.AppID == id {
		return
	}
	if c.AppID != "" {
		addEvent(su, fmt.Sprintf("the setup moved from app %s (created by the wizard) to app %s: teardown leaves %s; delete it in the Console if unused", c.AppID, id, c.AppID))
	}
	c.AppID = ""
	if created {
		c.AppID = id
	}
}

// recordService records the Messaging Service the setup now uses.
func recordService(su *config.Setup, sid string, created bool) {
	c := &su.Created
	if c.ServiceSID == sid {
		return
	}
	if c.ServiceSID != "" {
		addEvent(su, fmt.Sprintf("the setup moved from Messaging Service %s (created by the wizard) to %s: teardown leaves %s; delete it in the Twilio Console if unused", c.ServiceSID, sid, c.ServiceSID))
	}
	c.ServiceSID = ""
	if created {
		c.ServiceSID = sid
	}
}

// recordConnector records the SMS connector after the connector step:
// id is the connector the setup now uses ("" when none), created whether
// this run POSTed it, and replaced the connector Logto deleted for it (nil
// when none, or when it was the wizard's own).
func recordConnector(su *config.Setup, id string, created bool, replaced *logtoapi.Connector) {
	c := &su.Created
	if replaced != nil && replaced.ID != c.ConnectorID {
		what := providerName(replaced.ConnectorID) + " (id " + replaced.ID + ")"
		if replaced.IsTwilio() {
			what = "Twilio (id " + replaced.ID + ")"
		}
		c.ReplacedConnector = what
		addEvent(su, fmt.Sprintf("the SMS connector %s was replaced by the wizard's Twilio connector %s; Logto deleted it, so teardown cannot bring it back", what, id))
	}
	switch {
	case created:
		c.ConnectorID = id
	case c.ConnectorID != id:
		// Kept or updated a connector the wizard did not create (its own
		// earlier one is gone: a tenant has one SMS connector).
		c.ConnectorID = ""
	}
}

// signInObjects is the sign-in experience's signUp and signIn objects, as
// Logto sent them: {"signUp": …, "signIn": …}.
func signInObjects(s logtoapi.SignInExperience) json.RawMessage {
	b, err := json.Marshal(map[string]json.RawMessage{"signUp": s.Raw("signUp"), "signIn": s.Raw("signIn")})
	if err != nil {
		return nil
	}
	return b
}

// recordSignIn records the wizard's change of the sign-in experience. A
// later run's change keeps the first Before (the tenant's state before the
// wizard ever changed it) and takes the new After.
func recordSignIn(su *config.Setup, before, after json.RawMessage) {
	if su.Created.SignIn != nil && len(su.Created.SignIn.Before) > 0 {
		before = su.Created.SignIn.Before
	}
	su.Created.SignIn = &config.SignInChange{Before: before, After: after}
}
