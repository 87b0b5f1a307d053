package rotate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// LogtoAPI is what rotation uses of the Logto Management API. *logtoapi.Client satisfies it.
type LogtoAPI interface {
	CheckAccess(ctx context.Context) error
	SMSConnector(ctx context.Context) (*logtoapi.Connector, error)
	UpdateTwilioConnector(ctx context.Context, id string, cfg logtoapi.TwilioConfig) (logtoapi.Connector, error)
	TestTwilioConnector(ctx context.Context, phoneDigits string, cfg logtoapi.TwilioConfig) error
	ApplicationSecrets(ctx context.Context, id string) ([]logtoapi.AppSecret, error)
	AddApplicationSecret(ctx context.Context, id, name string, expiresAt *time.Time) (logtoapi.AppSecret, error)
	DeleteApplicationSecret(ctx context.Context, id, name string) error
}

// TwilioAPI is what rotation uses of Twilio, for one account and one token. *twiliosetup.Client
// satisfies it.
type TwilioAPI interface {
	Account(ctx context.Context) (twiliosetup.Account, error)
	CreateSecondaryToken(ctx context.Context) (string, error)
	PromoteSecondaryToken(ctx context.Context) error
	DeleteSecondaryToken(ctx context.Context) error
	FindSentMessage(ctx context.Context, to twiliosetup.Phone, since time.Time) (twiliosetup.Message, error)
	Follow(ctx context.Context, sid string, onUpdate func(twiliosetup.Message)) (twiliosetup.Message, error)
}

// Saver persists the setup and its secrets atomically (config.Store satisfies it).
type Saver interface {
	Save(setup config.Setup, sec config.Secrets) error
}

// Env is what a rotation works with. Setup and Secrets are the loaded saved setup; the
// engine updates them in place, and saves them through Store, before each external change
// and at the end, so the caller's copies always match the files.
type Env struct {
	Setup   *config.Setup
	Secrets *config.Secrets
	Store   Saver

	// Logto is the Management API client built with the saved M2M credentials (nil when
	// the setup has none: rotation then says what to do instead).
	Logto LogtoAPI
	// NewLogto builds a Management API client for the saved M2M App ID with another
	// secret (M2M rotation: check the new secret, then use it). No request.
	NewLogto func(m2m logtoapi.M2MCredentials) (LogtoAPI, error)
	// NewTwilio builds a Twilio client for the saved Account SID with authToken. No request.
	NewTwilio func(authToken string) (TwilioAPI, error)
	// VerifyApp checks an App ID and secret at Logto's token endpoint
	// (logtoapi.VerifyAppCredentials with the saved endpoint).
	VerifyApp func(ctx context.Context, appID, appSecret string) (logtoapi.AppCheck, error)

	// Confirm asks a yes/no question ("Delete the old secret …?"). With Yes set it is not
	// called; nil means no.
	Confirm func(ctx context.Context, question string) (bool, error)
	// Yes answers every question yes (--yes).
	Yes bool
	// Report receives progress lines, secret-free (nil: none).
	Report func(line string)

	// Command renders the command lines the errors suggest (Error.Next): the command layer's,
	// which adds the flags that reach the same setup (--sandbox, --config-dir, …). nil gives
	// plain "logto-twilio <command>".
	Command cmdline.Func

	// TestPhone overrides Setup.TestPhone (E.164) for the test SMS.
	TestPhone string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// FollowWindow bounds how long the test SMS's delivery is followed (0: one minute).
	FollowWindow time.Duration
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Env) say(format string, args ...any) {
	if e.Report != nil {
		e.Report(fmt.Sprintf(format, args...))
	}
}

// State is where a failed rotation left things.
type State int

// States of a failed rotation.
const (
	// Unchanged: nothing changed, or the rotation was undone; the saved setup is as before.
	Unchanged State = iota
	// Unfinished: a phase is recorded; a re-run of rotate (Resume) finishes or undoes it.
	Unfinished
	// Rotated: the new credential is in use and saved; something after it failed (the old
	// secret was not deleted, the check afterwards failed).
	Rotated
)

// String names the state.
func (s State) String() string {
	switch s {
	case Unchanged:
		return "unchanged"
	case Unfinished:
		return "unfinished"
	case Rotated:
		return "rotated"
	default:
		return fmt.Sprintf("State(%d)", int(s))
	}
}

// Error is a failed rotation: what happened, what to do next, and where things are. It never
// holds a secret value.
type Error struct {
	What  string // one sentence: what happened
	Next  string // what the user does now
	State State
	Err   error // the cause
}

// Error is What and the cause on one line.
func (e *Error) Error() string {
	if e.Err == nil {
		return "rotate: " + e.What
	}
	return "rotate: " + e.What + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Hint is what to do next (the tui.Hinter convention).
func (e *Error) Hint() string { return e.Next }

// ErrUnfinished is wrapped by the rotations when Setup.Rotation records another rotation
// under way: call Resume (Run does) first.
var ErrUnfinished = errors.New("another rotation is unfinished")

// What values of config.Rotation.
const (
	WhatTwilio    = "twilio"
	WhatAppSecret = "app-secret"
	WhatM2MSecret = "m2m-secret"
)

// Outcome is what a rotation (or a Resume) did, secret-free.
type Outcome struct {
	What     string   // WhatTwilio, WhatAppSecret, WhatM2MSecret ("" when Resume found nothing)
	Lines    []string // what happened, values masked
	Notes    []string // what the user should know or do next
	History  string   // the line added to the setup's history ("" when none, e.g. undone)
	Resumed  bool     // Resume finished or undid a rotation recorded earlier
	Reverted bool     // the rotation was undone (only from Resume)
	// IDs are the identifiers the rotation recorded, never a value: "connector" (the
	// connector's row id), "newSecret" and "oldSecret" (the app secrets' names).
	IDs map[string]string
}

// String is the outcome as lines for the terminal.
func (o Outcome) String() string {
	var b strings.Builder
	for _, l := range o.Lines {
		b.WriteString("✓ " + l + "\n")
	}
	for _, n := range o.Notes {
		b.WriteString("• " + n + "\n")
	}
	return b.String()
}

// masked is how a secret value is shown.
func masked(s string) string { return config.Secret(s).String() }
