package rotate

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/logto-twilio/logto-twilio/internal/config"
)

// SchemaVersion is the version of the JSON report (Report.JSON, docs/rotate.md).
const SchemaVersion = 1

// Report is what `rotate --json` prints: the outcomes of Run, its error, and what the command
// checked afterwards.
type Report struct {
	Outcomes []Outcome
	// Err is Run's error (nil: every rotation went through).
	Err error
	// Setup is the saved setup after the run (it names the accounts and apps).
	Setup config.Setup
	// Doctor is doctor's JSON report of the check afterwards (nil: it did not run).
	Doctor json.RawMessage
	// DoctorOK is set when doctor ran and no check FAILed.
	DoctorOK bool
	// FollowUps are what the user may do next, besides the outcomes' notes.
	FollowUps []string
}

type jsonTarget struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

type jsonRotation struct {
	What      string     `json:"what"`
	Target    jsonTarget `json:"target"`
	Resumed   bool       `json:"resumed"`
	Reverted  bool       `json:"reverted"`
	Connector string     `json:"connector"`
	OldSecret string     `json:"oldSecret"`
	NewSecret string     `json:"newSecret"`
	Steps     []string   `json:"steps"`
	Notes     []string   `json:"notes"`
	History   string     `json:"history"`
}

type jsonError struct {
	What  string `json:"what"`
	Next  string `json:"next"`
	State string `json:"state"`
}

type jsonReport struct {
	Version   int             `json:"version"`
	OK        bool            `json:"ok"`
	Rotations []jsonRotation  `json:"rotations"`
	Error     *jsonError      `json:"error"`
	Doctor    json.RawMessage `json:"doctor"`
	FollowUps []string        `json:"followUps"`
}

// OK reports whether everything asked went through and doctor, when it ran, found no failure.
func (r Report) OK() bool { return r.Err == nil && (r.Doctor == nil || r.DoctorOK) }

// target names what a rotation changed: the Twilio account or the app.
func (r Report) target(what string) jsonTarget {
	switch what {
	case WhatTwilio:
		return jsonTarget{Kind: "twilio-account", ID: r.Setup.TwilioAccountSID}
	case WhatAppSecret:
		return jsonTarget{Kind: "app", ID: r.Setup.AppID}
	case WhatM2MSecret:
		return jsonTarget{Kind: "m2m-app", ID: r.Setup.M2MAppID}
	}
	return jsonTarget{Kind: what}
}

// JSON returns the report as one indented JSON document ending in a newline (docs/rotate.md):
// version, ok, the rotations with their identifiers (never a secret value: the steps show
// secrets masked, as on screen), the error, doctor's report and the follow-ups.
func (r Report) JSON() ([]byte, error) {
	out := jsonReport{Version: SchemaVersion, OK: r.OK(), Rotations: []jsonRotation{}, Doctor: r.Doctor, FollowUps: []string{}}
	if out.Doctor == nil {
		out.Doctor = json.RawMessage("null")
	}
	for _, o := range r.Outcomes {
		if o.What == "" {
			continue // Resume found nothing
		}
		out.Rotations = append(out.Rotations, jsonRotation{
			What: o.What, Target: r.target(o.What), Resumed: o.Resumed, Reverted: o.Reverted,
			Connector: o.IDs[detailConnector], OldSecret: o.IDs[detailOldName], NewSecret: o.IDs[detailNewName],
			Steps: nonNil(o.Lines), Notes: nonNil(o.Notes), History: o.History,
		})
	}
	if r.Err != nil {
		je := &jsonError{What: r.Err.Error(), State: "unknown"}
		var re *Error
		if errors.As(r.Err, &re) {
			je = &jsonError{What: re.What, Next: re.Next, State: re.State.String()}
		}
		out.Error = je
	}
	if r.FollowUps != nil {
		out.FollowUps = r.FollowUps
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("rotate: encode report: %w", err)
	}
	return append(b, '\n'), nil
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}
