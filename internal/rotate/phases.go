package rotate

import (
	"errors"
	"fmt"
	"maps"

	"github.com/logto-twilio/logto-twilio/internal/config"
)

// Phases recorded in config.Setup.Rotation.Phase (docs/rotate.md has the table of what a
// re-run does from each). Each is saved BEFORE the external change it names.
const (
	// Twilio, through a secondary token.
	PhaseCreateSecondary = "create-secondary" // about to create the secondary token
	PhaseUpdateConnector = "update-connector" // the secondary exists (Pending); about to PATCH the connector
	PhaseTestSMS         = "test-sms"         // the connector has the new token; test SMS under way
	PhasePromote         = "promote"          // tested; about to promote the secondary
	PhaseRevert          = "revert"           // undoing: connector back to the old token, then delete the secondary

	// Twilio, a token the user rotated in Twilio's Console (Pending: the pasted token).
	PhasePasteConnector = "paste-update-connector" // about to PATCH the connector with the pasted token

	// App and M2M secrets (Detail: the new and old secret names).
	PhaseAddSecret    = "add-secret"    // about to add the new secret
	PhaseVerifySecret = "verify-secret" // added (Pending); checking it
	PhaseSaveSecret   = "save-secret"   // verified; writing .env and secrets.json
	PhaseDeleteOld    = "delete-old"    // saved; deleting the old secret (after the user agrees)
)

// Keys of config.Rotation.Detail.
const (
	detailConnector = "connector" // the connector's row id
	detailNewName   = "newSecret" // the new secret's name
	detailOldName   = "oldSecret" // the old secret's name ("" when unknown)
)

// engine runs one rotation on an Env.
type engine struct {
	env *Env
	out Outcome
}

func newEngine(env *Env, what string) (*engine, error) {
	if env == nil || env.Setup == nil || env.Secrets == nil || env.Store == nil {
		return nil, errors.New("rotate: Env needs Setup, Secrets and Store")
	}
	return &engine{env: env, out: Outcome{What: what}}, nil
}

// cmd is the command line to suggest for command and args (Env.Command).
func (e *engine) cmd(command string, args ...string) string {
	return e.env.Command.Line(command, args...)
}

// line records a line of the outcome and reports it.
func (e *engine) line(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	e.out.Lines = append(e.out.Lines, s)
	e.env.say("%s", s)
}

func (e *engine) note(format string, args ...any) {
	e.out.Notes = append(e.out.Notes, fmt.Sprintf(format, args...))
}

// commit applies change to the setup and secrets and saves both. When the save fails the
// in-memory state is put back, so it always matches the files.
func (e *engine) commit(change func(s *config.Setup, sec *config.Secrets)) error {
	oldSetup, oldSec := *e.env.Setup, *e.env.Secrets
	if r := oldSetup.Rotation; r != nil {
		cp := *r
		cp.Detail = maps.Clone(r.Detail)
		oldSetup.Rotation = &cp
	}
	oldSetup.History = append([]config.Event(nil), oldSetup.History...)
	change(e.env.Setup, e.env.Secrets)
	if err := e.env.Store.Save(*e.env.Setup, *e.env.Secrets); err != nil {
		*e.env.Setup, *e.env.Secrets = oldSetup, oldSec
		return fmt.Errorf("rotate: save the setup: %w", err)
	}
	return nil
}

// begin records a new rotation at phase (write-ahead).
func (e *engine) begin(what, phase string, detail map[string]string) error {
	e.out.IDs = maps.Clone(detail)
	return e.commit(func(s *config.Setup, sec *config.Secrets) {
		s.Rotation = &config.Rotation{What: what, Phase: phase, Started: e.env.now().UTC(), Detail: detail}
		sec.Pending = ""
	})
}

// advance records the next phase; pending, when not nil, replaces Secrets.Pending.
func (e *engine) advance(phase string, pending *string) error {
	return e.commit(func(s *config.Setup, sec *config.Secrets) {
		if s.Rotation != nil {
			s.Rotation.Phase = phase
		}
		if pending != nil {
			sec.Pending = config.Secret(*pending)
		}
	})
}

// finish ends the rotation: set stores the new value, and the history gets event ("" for
// none, as when a rotation was undone).
func (e *engine) finish(event string, set func(sec *config.Secrets)) error {
	err := e.commit(func(s *config.Setup, sec *config.Secrets) {
		s.Rotation = nil
		if set != nil {
			set(sec)
		}
		sec.Pending = ""
		if event != "" {
			s.History = append(s.History, config.Event{At: e.env.now().UTC(), What: event})
		}
	})
	if err == nil {
		e.out.History = event
	}
	return err
}

// phase is the recorded phase ("" when none).
func (e *engine) phase() string {
	if r := e.env.Setup.Rotation; r != nil {
		return r.Phase
	}
	return ""
}

func (e *engine) detail(key string) string {
	if r := e.env.Setup.Rotation; r != nil {
		return r.Detail[key]
	}
	return ""
}

// checkNoneUnfinished refuses to start while another rotation is recorded.
func (e *engine) checkNoneUnfinished() error {
	if r := e.env.Setup.Rotation; r != nil {
		return &Error{
			What:  fmt.Sprintf("A rotation of the %s is unfinished (phase %q)", label(r.What), r.Phase),
			Next:  "Run " + e.cmd("rotate") + " (without flags) first: it finishes or undoes it.",
			State: Unfinished, Err: ErrUnfinished,
		}
	}
	return nil
}

// label names what rotates, for sentences.
func label(what string) string {
	switch what {
	case WhatTwilio:
		return "Twilio Auth Token"
	case WhatAppSecret:
		return "app secret"
	case WhatM2MSecret:
		return "M2M app secret"
	}
	return what
}

// saveFailed is the Error for a write-ahead save that failed before any external change.
func (e *engine) saveFailed(err error) error {
	return &Error{
		What:  "Could not save the setup before changing anything",
		Next:  "Nothing was changed. Check that the config directory is writable, then run " + e.cmd("rotate") + " again.",
		State: Unchanged, Err: err,
	}
}
