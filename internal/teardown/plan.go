// Package teardown removes what the logto-twilio wizard created, and only
// that: it reads the saved setup (config.Setup.Created), plans what to
// restore, delete and keep (reading live state where it matters), carries
// the plan out with every failure reported and the rest done, and records
// the outcome in the saved setup so that a re-run retries only what failed.
// It prints nothing and asks nothing: cmd shows Plan.Text, asks, and shows
// Result.Text.
package teardown

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// Logto is what teardown uses of the Management API. *logtoapi.Client
// satisfies it.
type Logto interface {
	SignInExperience(ctx context.Context) (logtoapi.SignInExperience, error)
	SetSignUpSignIn(ctx context.Context, signUp, signIn json.RawMessage) (logtoapi.SignInExperience, error)
	SMSConnector(ctx context.Context) (*logtoapi.Connector, error)
	DeleteConnector(ctx context.Context, id string) error
	GetApplication(ctx context.Context, id string) (logtoapi.Application, error)
	DeleteApplication(ctx context.Context, id string) error
}

// Twilio is what teardown uses of Twilio. *twiliosetup.Client satisfies it.
type Twilio interface {
	Service(ctx context.Context, sid string) (twiliosetup.Service, error)
	DeleteService(ctx context.Context, sid string) error
}

// Config is what Plan and Execute work on: the saved setup, where to save
// it, and how to build the clients.
type Config struct {
	Setup   config.Setup
	Secrets config.Secrets
	// Store receives the updated setup after Execute; nil saves nothing.
	Store *config.Store
	// NewLogto and NewTwilio build the clients (no request).
	NewLogto  func(e logtoapi.Endpoint, m2m logtoapi.M2MCredentials) (Logto, error)
	NewTwilio func(creds twiliosetup.Credentials) (Twilio, error)
	// Now is the clock for History and TornDown (nil: time.Now).
	Now func() time.Time
}

// NewConfig wires the real clients: logtoHC for Logto, twilioHC for Twilio
// (it may rewrite hosts for a saved --twilio-base-url or the sandbox).
func NewConfig(l config.Loaded, store *config.Store, logtoHC, twilioHC *http.Client) Config {
	return Config{
		Setup: l.Setup, Secrets: l.Secrets, Store: store,
		NewLogto: func(e logtoapi.Endpoint, m2m logtoapi.M2MCredentials) (Logto, error) {
			return logtoapi.New(e, m2m, logtoHC)
		},
		NewTwilio: func(creds twiliosetup.Credentials) (Twilio, error) {
			return twiliosetup.New(creds, twilioHC)
		},
	}
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now().UTC()
	}
	return time.Now().UTC()
}

// Thing is what a row is about.
type Thing string

// The things teardown knows.
const (
	SignInExperience Thing = "sign-in experience"
	Connector        Thing = "SMS connector"
	App              Thing = "app"
	Service          Thing = "Messaging Service"
	M2MApp           Thing = "M2M app"
)

// Action is what teardown does with a row's thing.
type Action int

// Actions, in the order a row may take them.
const (
	// Restore puts the sign-in experience back to its recorded before-state.
	Restore Action = iota
	// Delete removes a thing the wizard created.
	Delete
	// Leave leaves a thing the wizard changed that someone changed since;
	// its record is dropped.
	Leave
	// Gone: the thing is already gone (or already as before); only the
	// record is dropped.
	Gone
	// Keep keeps a thing the wizard found and did not create.
	Keep
)

// Row is one line of the plan.
type Row struct {
	Thing  Thing
	Action Action
	ID     string // the app or connector ID, the service SID ("" for the sign-in experience)
	Name   string // the app's or service's name, when known
	Note   string // why, in plain words ("" when the action says it)
}

// Plan is what teardown will do, row by row, in the order it does it.
type Plan struct {
	Rows []Row
	// Notes are warnings shown under the rows: what cannot be brought back,
	// what stays in a state that no longer works.
	Notes []string
	// TornDown is when an earlier teardown finished (nil: never).
	TornDown *time.Time
	// Manual is set when the saved setup used the manual method: teardown
	// cannot reach the Management API, and the rows say what to remove by hand.
	Manual bool
	// Starter is the Express starter folder the wizard wrote, when the app its
	// .env names is deleted (nil: none). The command may set Starter.Delete.
	Starter *Starter
	// signInAfter is the After the Restore row checks against again.
	signIn *config.SignInChange
}

// Empty reports whether the plan changes nothing (only Keep rows, or none).
func (p Plan) Empty() bool {
	for _, r := range p.Rows {
		if r.Action != Keep {
			return false
		}
	}
	return true
}

// Prepare reads the saved setup and the live state it needs (is the sign-in
// experience still what the wizard set? are the created things still
// there?) and returns what Execute will do. It changes nothing. An error
// means nothing can be planned (no Management API access, the sign-in
// experience unreadable): nothing was changed.
// (It is not called Plan: that is the type it returns.)
func Prepare(ctx context.Context, cfg Config) (Plan, error) {
	su := cfg.Setup
	p := Plan{TornDown: su.TornDown, Manual: su.Method == config.MethodManual}
	cr := su.Created
	needLogto := cr.SignIn != nil || cr.ConnectorID != "" || cr.AppID != ""
	var lc Logto
	if needLogto {
		var err error
		if lc, err = logto(cfg); err != nil {
			return Plan{}, err
		}
	}
	if cr.SignIn != nil {
		row, note, err := planSignIn(ctx, lc, cr.SignIn)
		if err != nil {
			return Plan{}, err
		}
		p.Rows, p.signIn = append(p.Rows, row), cr.SignIn
		if note != "" {
			p.Notes = append(p.Notes, note)
		}
	}
	p.Rows = append(p.Rows, planConnector(ctx, lc, su))
	if cr.ReplacedConnector != "" {
		p.Notes = append(p.Notes, fmt.Sprintf("When the wizard created its connector, Logto deleted the SMS connector %s: teardown cannot bring it back. Set it up again in the Console if you need it.", cr.ReplacedConnector))
	}
	app := planApp(ctx, lc, su)
	p.Rows = append(p.Rows, app)
	if app.Action == Delete || app.Action == Gone {
		p.Starter = planStarter(su.ExpressDir)
	}
	row, err := planService(ctx, cfg, su)
	if err != nil {
		return Plan{}, err
	}
	p.Rows = append(p.Rows, row)
	if su.M2MAppID != "" {
		p.Rows = append(p.Rows, Row{Thing: M2MApp, Action: Keep, ID: su.M2MAppID, Note: "you gave it to the wizard"})
	}
	p.Rows = dropEmpty(p.Rows)
	return p, nil
}

// dropEmpty drops rows about nothing (no ID and no sign-in change).
func dropEmpty(rows []Row) []Row {
	out := rows[:0]
	for _, r := range rows {
		if r.ID != "" || r.Thing == SignInExperience {
			out = append(out, r)
		}
	}
	return out
}

func logto(cfg Config) (Logto, error) {
	su := cfg.Setup
	if su.Method == config.MethodManual || su.M2MAppID == "" || cfg.Secrets.M2MAppSecret.Reveal() == "" {
		return nil, errors.New("teardown: the saved setup has no machine-to-machine credentials, so teardown cannot reach the Management API: run the wizard again with the automatic method, or remove what it made in the Logto Console")
	}
	e, err := logtoapi.ParseEndpoint(su.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("teardown: the saved Logto endpoint: %w", err)
	}
	if cfg.NewLogto == nil {
		return nil, errors.New("teardown: no Logto client")
	}
	c, err := cfg.NewLogto(e, logtoapi.M2MCredentials{AppID: su.M2MAppID, AppSecret: cfg.Secrets.M2MAppSecret.Reveal()})
	if err != nil {
		return nil, fmt.Errorf("teardown: %w", err)
	}
	return c, nil
}

func twilio(cfg Config) (Twilio, error) {
	if cfg.Setup.TwilioAccountSID == "" || cfg.Secrets.TwilioAuthToken.Reveal() == "" {
		return nil, errors.New("teardown: the saved setup has no Twilio credentials, so teardown cannot delete the Messaging Service: delete it in the Twilio Console")
	}
	if cfg.NewTwilio == nil {
		return nil, errors.New("teardown: no Twilio client")
	}
	c, err := cfg.NewTwilio(twiliosetup.Credentials{AccountSID: cfg.Setup.TwilioAccountSID, AuthToken: cfg.Secrets.TwilioAuthToken.Reveal()})
	if err != nil {
		return nil, fmt.Errorf("teardown: %w", err)
	}
	return c, nil
}

// planSignIn compares the live sign-in experience with what the wizard set.
func planSignIn(ctx context.Context, lc Logto, ch *config.SignInChange) (Row, string, error) {
	live, err := lc.SignInExperience(ctx)
	if err != nil {
		return Row{}, "", fmt.Errorf("teardown: read the sign-in experience: %w", err)
	}
	cur := objects(live)
	switch {
	case sameJSON(cur, ch.After):
		return Row{Thing: SignInExperience, Action: Restore, Note: "back to " + describe(ch.Before)}, "", nil
	case sameJSON(cur, ch.Before):
		return Row{Thing: SignInExperience, Action: Gone, Note: "already as it was before the wizard"}, "", nil
	}
	note := ""
	if usesPhoneCode(cur) {
		note = "Phone sign-in stays on in the sign-in experience, but without the SMS connector Logto cannot send codes: change the sign-in experience in the Console."
	}
	return Row{Thing: SignInExperience, Action: Leave, Note: "changed since the wizard set it, so it is left as it is: now " + describe(cur) + "; the wizard set " + describe(ch.After)}, note, nil
}

func planConnector(ctx context.Context, lc Logto, su config.Setup) Row {
	id := su.Created.ConnectorID
	if id == "" {
		note := "found, not created by the wizard"
		switch su.ConnectorAction {
		case config.ConnectorUpdated:
			note = "found, not created by the wizard; the wizard's settings in it stay"
		case config.ConnectorManual:
			note = "set up by hand in the Console"
		}
		return Row{Thing: Connector, Action: Keep, ID: su.ConnectorID, Note: note}
	}
	cur, err := lc.SMSConnector(ctx)
	switch {
	case err != nil:
		return Row{Thing: Connector, Action: Delete, ID: id, Note: "could not check it first: " + plain(err)}
	case cur == nil || cur.ID != id:
		return Row{Thing: Connector, Action: Gone, ID: id, Note: "no longer in Logto"}
	}
	return Row{Thing: Connector, Action: Delete, ID: id}
}

func planApp(ctx context.Context, lc Logto, su config.Setup) Row {
	id := su.Created.AppID
	if id == "" {
		note := "found, not created by the wizard"
		if su.Method == config.MethodManual {
			note = "you made it in the Console"
		}
		return Row{Thing: App, Action: Keep, ID: su.AppID, Name: su.AppName, Note: note}
	}
	app, err := lc.GetApplication(ctx, id)
	switch {
	case notFound(err):
		return Row{Thing: App, Action: Gone, ID: id, Name: su.AppName, Note: "no longer in Logto"}
	case err != nil:
		return Row{Thing: App, Action: Delete, ID: id, Name: su.AppName, Note: "could not check it first: " + plain(err)}
	}
	return Row{Thing: App, Action: Delete, ID: id, Name: app.Name}
}

func planService(ctx context.Context, cfg Config, su config.Setup) (Row, error) {
	sid := su.Created.ServiceSID
	if sid == "" {
		return Row{Thing: Service, Action: Keep, ID: su.ServiceSID, Name: su.ServiceName, Note: "found, not created by the wizard"}, nil
	}
	tc, err := twilio(cfg)
	if err != nil {
		return Row{}, err
	}
	svc, err := tc.Service(ctx, sid)
	switch {
	case notFound(err):
		return Row{Thing: Service, Action: Gone, ID: sid, Name: su.ServiceName, Note: "no longer in Twilio"}, nil
	case err != nil:
		return Row{Thing: Service, Action: Delete, ID: sid, Name: su.ServiceName, Note: "could not check it first: " + plain(err)}, nil
	}
	return Row{Thing: Service, Action: Delete, ID: sid, Name: svc.FriendlyName}, nil
}

// notFound reports whether err says the thing does not exist (Logto 404,
// Twilio 20404).
func notFound(err error) bool {
	var ae *logtoapi.APIError
	var te *twiliosetup.Error
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound || errors.As(err, &te) && (te.Code == 20404 || te.Status == http.StatusNotFound)
}

// objects is the experience's signUp and signIn, as recorded in
// config.SignInChange.
func objects(s logtoapi.SignInExperience) json.RawMessage {
	b, err := json.Marshal(map[string]json.RawMessage{"signUp": s.Raw("signUp"), "signIn": s.Raw("signIn")})
	if err != nil {
		return nil
	}
	return b
}

// split returns the recorded signUp and signIn objects.
func split(objs json.RawMessage) (signUp, signIn json.RawMessage, err error) {
	var o struct {
		SignUp json.RawMessage `json:"signUp"`
		SignIn json.RawMessage `json:"signIn"`
	}
	if err := json.Unmarshal(objs, &o); err != nil {
		return nil, nil, fmt.Errorf("teardown: the recorded sign-in experience: %w", err)
	}
	return o.SignUp, o.SignIn, nil
}

// sameJSON compares two JSON values, ignoring key order and spacing.
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, err1 := json.Marshal(x)
	yb, err2 := json.Marshal(y)
	return err1 == nil && err2 == nil && bytes.Equal(xa, yb)
}

// describe says what signUp and signIn hold, in plain words: "sign-up by
// phone (verified); sign-in by phone with a code".
func describe(objs json.RawMessage) string {
	var o struct {
		SignUp logtoapi.SignUp `json:"signUp"`
		SignIn logtoapi.SignIn `json:"signIn"`
	}
	if err := json.Unmarshal(objs, &o); err != nil {
		return "an unreadable state"
	}
	up := "sign-up by " + orList(o.SignUp.Identifiers)
	var how []string
	if o.SignUp.Password {
		how = append(how, "password")
	}
	if o.SignUp.Verify {
		how = append(how, "verified")
	}
	if len(how) > 0 {
		up += " (" + strings.Join(how, ", ") + ")"
	}
	var methods []string
	for _, m := range o.SignIn.Methods {
		var with []string
		if m.Password {
			with = append(with, "password")
		}
		if m.VerificationCode {
			with = append(with, "code")
		}
		s := m.Identifier
		if len(with) > 0 {
			s += " with " + strings.Join(with, " or ")
		}
		methods = append(methods, s)
	}
	return up + "; sign-in by " + orList(methods)
}

func orList(xs []string) string {
	if len(xs) == 0 {
		return "nothing"
	}
	return strings.Join(xs, " or ")
}

// usesPhoneCode reports whether the objects sign people up or in by phone
// code (what needs an SMS connector).
func usesPhoneCode(objs json.RawMessage) bool {
	var o struct {
		SignUp logtoapi.SignUp `json:"signUp"`
		SignIn logtoapi.SignIn `json:"signIn"`
	}
	if json.Unmarshal(objs, &o) != nil {
		return false
	}
	for _, id := range o.SignUp.Identifiers {
		if id == logtoapi.IdentifierPhone {
			return true
		}
	}
	for _, m := range o.SignIn.Methods {
		if m.Identifier == logtoapi.IdentifierPhone && m.VerificationCode {
			return true
		}
	}
	return false
}
