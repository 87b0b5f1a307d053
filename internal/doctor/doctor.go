// Package doctor re-checks a saved setup (config.Setup + config.Secrets) against the live
// services: Logto (discovery, the M2M token, the app, the SMS connector, the sign-in
// experience) and Twilio (the account, the Messaging Service, verified caller IDs, and on
// request a test SMS through Logto's connector). Each check is one row of a Report:
// PASS, WARN, FAIL or SKIP, a plain detail and a hint saying what to do.
//
// Run never panics, never writes anything (no file, no state-changing call except the
// test SMS that was asked for), and bounds every check with its own timeout. Independent
// checks run concurrently; a check that needs another's result runs after it. No secret
// (M2M secret, app secret, Twilio Auth Token) appears in a Report.
package doctor

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// SchemaVersion is the version of the JSON report (Report.Version).
const SchemaVersion = 1

// Status is the outcome of one check.
type Status string

// Statuses. SKIP means the check could not run: the setup lacks what it needs (a manual
// setup has no M2M credentials, a partial one no Twilio account...) or a check it depends
// on did not pass. Only FAIL makes Report.Failed true.
const (
	Pass Status = "PASS"
	Warn Status = "WARN"
	Fail Status = "FAIL"
	Skip Status = "SKIP"
)

// Check IDs, in report order.
const (
	IDSetup      = "setup"       // what the saved setup holds (no call)
	IDEndpoint   = "endpoint"    // 1. discovery answers, issuer matches
	IDM2M        = "m2m"         // 2. M2M token with scope all
	IDApp        = "app"         // 3. app exists, Traditional, redirect + post-logout URIs
	IDAppSecret  = "app-secret"  // 3. saved app secret still valid (token endpoint probe)
	IDConnector  = "connector"   // 4. exactly one SMS connector, Twilio, as saved
	IDTwilio     = "twilio"      // 5. Twilio credentials work, account active
	IDService    = "service"     // 6. Messaging Service exists, has a sender
	IDTemplates  = "templates"   // 7. nine templates with {{code}}
	IDSignIn     = "sign-in"     // 8. phone sign-up with verification, phone + code sign-in
	IDTrialPhone = "trial-phone" // 9. trial: the test phone is a verified caller ID
	IDTestSMS    = "test-sms"    // 10. test SMS through Logto's connector, followed
)

// order is the report order of the checks.
var order = []string{IDSetup, IDEndpoint, IDM2M, IDApp, IDAppSecret, IDConnector, IDTwilio, IDService, IDTemplates, IDSignIn, IDTrialPhone, IDTestSMS}

// Check is one row of the report. Detail and Hint are plain sentences; Hint is "" when
// there is nothing to do.
type Check struct {
	ID       string
	Status   Status
	Detail   string
	Hint     string
	Duration time.Duration // time the check took, its network calls included
}

// Report is the outcome of Run: the checks in a fixed order.
type Report struct {
	Version int // SchemaVersion
	Checks  []Check
}

// Default timeouts of one check.
const (
	DefaultCheckTimeout   = 10 * time.Second
	DefaultTestSMSTimeout = 2 * time.Minute
)

// Config is what Run checks and how it reaches the services.
type Config struct {
	// Setup, Secrets, Found and Damage are what the store read
	// (config.Store.Read): doctor reports the damage (see damage.go).
	Setup   config.Setup
	Secrets config.Secrets
	Found   bool
	Damage  []config.Damage

	// LogtoHTTP and TwilioHTTP are the clients for Logto and Twilio (real, rewriting
	// *.twilio.com for --twilio-base-url, or the stand-ins'); nil means a plain client.
	LogtoHTTP, TwilioHTTP *http.Client

	// Port is the demo port in use (0 = the saved one, else 3000): the app's redirect
	// URI must be registered for it.
	Port int

	// SendTestSMS is the phone for the test SMS (check test-sms); "" skips it.
	SendTestSMS string

	// Now is the clock (nil = time.Now).
	Now func() time.Time

	// SecretsWhere says where the secrets are kept (config.Store.SecretsWhere:
	// the OS keyring or the secrets file); the setup row names it.
	SecretsWhere string

	// Command renders the command lines the hints suggest: the command layer's, which
	// adds the flags that reach the same setup, e.g. "setup" → "logto-twilio setup
	// --sandbox --config-dir DIR". nil gives plain "logto-twilio <command>".
	Command cmdline.Func

	// CheckTimeout bounds each check (0 = DefaultCheckTimeout); TestSMSTimeout bounds
	// the test SMS, delivery included (0 = DefaultTestSMSTimeout).
	CheckTimeout, TestSMSTimeout time.Duration
}

// Run runs every check and returns the report. It never panics: a check that panics
// becomes a FAIL row. It never waits longer than the checks' timeouts along the longest
// chain of dependent checks (about five of them), or less if ctx ends first.
func Run(ctx context.Context, cfg Config) Report {
	if !cfg.Found {
		r := newRun(cfg)
		r.check(ctx, IDSetup, 0, r.noSetup)
		return r.report()
	}
	r := newRun(cfg)
	r.exec(ctx)
	return r.report()
}

// Failed reports whether a check FAILed (the command then exits with status 3).
func (r Report) Failed() bool {
	for _, c := range r.Checks {
		if c.Status == Fail {
			return true
		}
	}
	return false
}

// Totals counts the checks per status.
type Totals struct {
	Pass int `json:"pass"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
	Skip int `json:"skip"`
}

// Totals counts r's checks per status.
func (r Report) Totals() Totals {
	var t Totals
	for _, c := range r.Checks {
		switch c.Status {
		case Pass:
			t.Pass++
		case Warn:
			t.Warn++
		case Fail:
			t.Fail++
		case Skip:
			t.Skip++
		}
	}
	return t
}

// Find returns the check with that id.
func (r Report) Find(id string) (Check, bool) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// run is one doctor run: the config, the clients built from it, and what earlier checks
// learned for later ones. Fields set by a check are read only by checks that run after it
// in the same goroutine (see exec).
type run struct {
	cfg     Config
	now     func() time.Time
	secrets []string

	e    logtoapi.Endpoint
	eErr error

	mu      sync.Mutex
	results map[string]Check

	// Set by m2m.
	lc *logtoapi.Client
	// Set by connector: the connector's Twilio config (nil when not read).
	conn *logtoapi.TwilioConfig
	// Set by twilio: the client, its account and where its values came from.
	tw       *twiliosetup.Client
	acct     twiliosetup.Account
	tcfg     logtoapi.TwilioConfig // the Twilio values in use (connector's or saved)
	tcfgFrom string
}

func newRun(cfg Config) *run {
	r := &run{cfg: cfg, now: cfg.Now, results: map[string]Check{}}
	if r.now == nil {
		r.now = time.Now
	}
	if r.cfg.LogtoHTTP == nil {
		r.cfg.LogtoHTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if r.cfg.TwilioHTTP == nil {
		r.cfg.TwilioHTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if r.cfg.CheckTimeout <= 0 {
		r.cfg.CheckTimeout = DefaultCheckTimeout
	}
	if r.cfg.TestSMSTimeout <= 0 {
		r.cfg.TestSMSTimeout = DefaultTestSMSTimeout
	}
	for _, s := range []config.Secret{cfg.Secrets.M2MAppSecret, cfg.Secrets.AppSecret, cfg.Secrets.TwilioAuthToken, cfg.Secrets.Pending} {
		if s.IsSet() {
			r.secrets = append(r.secrets, s.Reveal())
		}
	}
	if cfg.Setup.Endpoint == "" {
		r.eErr = errNoEndpoint
	} else {
		r.e, r.eErr = logtoapi.ParseEndpoint(cfg.Setup.Endpoint)
	}
	return r
}

var errNoEndpoint = fmt.Errorf("doctor: no Logto endpoint saved")

// exec runs the checks: three independent chains at once (discovery; the app secret
// probe; M2M → {app, sign-in} ∥ connector → templates, twilio → {service, trial-phone} →
// test-sms).
func (r *run) exec(ctx context.Context) {
	r.check(ctx, IDSetup, 0, r.setupWithDamage)
	var wg sync.WaitGroup
	wg.Go(func() { r.check(ctx, IDEndpoint, r.cfg.CheckTimeout, r.endpoint) })
	wg.Go(func() { r.check(ctx, IDAppSecret, r.cfg.CheckTimeout, r.appSecret) })
	wg.Go(func() {
		r.check(ctx, IDM2M, r.cfg.CheckTimeout, r.m2m)
		var mg sync.WaitGroup
		mg.Go(func() { r.check(ctx, IDApp, r.cfg.CheckTimeout, r.app) })
		mg.Go(func() { r.check(ctx, IDSignIn, r.cfg.CheckTimeout, r.signIn) })
		r.check(ctx, IDConnector, r.cfg.CheckTimeout, r.connector)
		r.check(ctx, IDTemplates, 0, r.templates)
		r.check(ctx, IDTwilio, r.cfg.CheckTimeout, r.twilio)
		var tg sync.WaitGroup
		tg.Go(func() { r.check(ctx, IDService, r.cfg.CheckTimeout, r.service) })
		tg.Go(func() { r.check(ctx, IDTrialPhone, r.cfg.CheckTimeout, r.trialPhone) })
		tg.Wait()
		r.check(ctx, IDTestSMS, r.cfg.TestSMSTimeout, r.testSMS)
		mg.Wait()
	})
	wg.Wait()
}

// check runs fn with its own timeout (0 = none: the check makes no call), turns a panic
// into a FAIL row, measures it, masks secrets and records the row.
func (r *run) check(ctx context.Context, id string, timeout time.Duration, fn func(context.Context) Check) {
	start := r.now()
	var c Check
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	defer func() {
		if p := recover(); p != nil {
			c = Check{
				Status: Fail, Detail: fmt.Sprintf("The check crashed (%v); this is a bug in logto-twilio.", p),
				Hint: "Please report it with this output; the other checks are not affected.",
			}
		}
		c = r.blameDamage(id, c)
		c = r.duringRotation(id, c)
		c.ID = id
		c.Duration = r.now().Sub(start)
		c.Detail, c.Hint = r.scrub(c.Detail), r.scrub(c.Hint)
		r.mu.Lock()
		r.results[id] = c
		r.mu.Unlock()
	}()
	c = fn(ctx)
}

// duringRotation gives a row that needs a fix the setup row's fix while a rotation is
// under way (Setup.Rotation): finish it first. Until then the saved credentials may be
// about to change (the connector may already hold the new Twilio token while the saved one
// is the old), so a row's own fix ("run setup again and paste the current Auth Token")
// would contradict the setup row, and setup itself says to run rotate first.
func (r *run) duringRotation(id string, c Check) Check {
	if r.cfg.Setup.Rotation == nil || id == IDSetup || c.Hint == "" || c.Status == Pass {
		return c
	}
	if c.Status == Skip && (id == IDTestSMS || id == IDTrialPhone) {
		return c // "add --send-test-sms": how to run doctor, not a fix
	}
	c.Hint = "A rotation is under way (see setup): run " + r.cmd("rotate") + " again to finish it (or revert it) first, then run " + r.cmd("doctor") + " again."
	return c
}

// status returns the recorded status of an earlier check ("" when it has not run).
func (r *run) status(id string) Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.results[id].Status
}

// addSecret adds a value to mask (the connector's Auth Token, once read).
func (r *run) addSecret(v string) {
	if v == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets = append(r.secrets, v)
}

// scrub masks every secret value in s (defence in depth: no check prints one).
func (r *run) scrub(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range r.secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[secret]")
		}
	}
	return s
}

func (r *run) report() Report {
	rep := Report{Version: SchemaVersion}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range order {
		if c, ok := r.results[id]; ok {
			rep.Checks = append(rep.Checks, c)
		}
	}
	return rep
}
