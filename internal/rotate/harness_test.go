package rotate_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/internal/rotate"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// Made-up identities, known only to the stand-ins.
const (
	accountSID = "AC" + "0000000000000000000000000000c0de"
	token0     = "00000000000000000000000000000aaa"
	sender     = "+15005550006"
	testPhone  = "+14155550100"
)

// world is a saved setup against both stand-ins, as the wizard leaves it: Logto's Twilio
// connector holding token0, a demo app and an M2M app, an Express starter with a .env.
type world struct {
	t      *testing.T
	tw     *twiliotest.Server
	lg     *logtotest.Server
	ep     logtoapi.Endpoint
	store  config.Store
	appID  string
	m2mID  string
	connID string

	tr        *probe // every call of the engine goes through it
	logtoHC   *http.Client
	twilioHC  *http.Client
	saved     []string // every setup.json written, in order
	reports   []string
	sawGood   bool // the connector held an accepted token at some point
	noWindow  bool // the "no window" check is on
	checkedAt []string
	mu        sync.Mutex
	// values every test that looks for leaks must not find (old and new secrets)
	secrets map[string]bool
}

func newWorld(t *testing.T) *world {
	t.Helper()
	tw := twiliotest.NewServer(twiliotest.WithStatusStep(time.Microsecond))
	t.Cleanup(tw.Close)
	tw.AddAccount(twiliotest.Account{SID: accountSID, AuthToken: token0, FriendlyName: "Rotation test", Type: "Full"})
	tw.AddNumber(accountSID, sender)
	svc := tw.AddService(accountSID, "Rotation test", sender)
	lg := logtotest.NewServer(logtotest.WithTwilioBaseURL(tw.URL))
	t.Cleanup(lg.Close)
	ep, err := logtoapi.ParseEndpoint(lg.URL)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, tw: tw, lg: lg, ep: ep, store: config.Store{Dir: t.TempDir()}, noWindow: true, secrets: map[string]bool{token0: true}}
	w.tr = &probe{w: w}
	w.logtoHC = &http.Client{Transport: w.tr.wrap(http.DefaultTransport), Timeout: 30 * time.Second}
	w.twilioHC = &http.Client{Transport: w.tr.wrap(tw.Transport()), Timeout: 30 * time.Second}

	m2mID, m2mSecret := lg.AddM2MApp("rotation test", true)
	appID, appSecret := lg.AddTraditionalApp("demo", []string{"http://localhost:3000/logto/sign-in-callback"}, []string{"http://localhost:3000"})
	w.appID, w.m2mID = appID, m2mID
	w.secrets[m2mSecret], w.secrets[appSecret] = true, true

	lc, err := logtoapi.New(ep, logtoapi.M2MCredentials{AppID: m2mID, AppSecret: m2mSecret}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	cfg := logtoapi.TwilioConfig{AccountSID: accountSID, AuthToken: token0, FromMessagingServiceSID: svc}
	for _, tpl := range twiliosetup.DefaultTemplates() {
		cfg.Templates = append(cfg.Templates, logtoapi.SMSTemplate{UsageType: tpl.UsageType, Content: tpl.Content})
	}
	conn, err := lc.CreateTwilioConnector(t.Context(), cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	w.connID = conn.ID

	express := filepath.Join(t.TempDir(), "express")
	if _, err := demo.WriteExpressStarter(express, demo.ExpressValues{Endpoint: lg.URL, AppID: appID, AppSecret: appSecret, BaseURL: "http://localhost:3000"}, nil); err != nil {
		t.Fatal(err)
	}
	setup := config.Setup{
		Endpoint: ep.String(), Method: config.MethodAuto, M2MAppID: m2mID, AppName: "demo", AppID: appID,
		TwilioAccountSID: accountSID, ServiceSID: svc, ConnectorID: conn.ID, TestPhone: testPhone,
		ExpressDir: express,
	}
	sec := config.Secrets{M2MAppSecret: config.Secret(m2mSecret), AppSecret: config.Secret(appSecret), TwilioAuthToken: token0}
	if err := w.store.Save(setup, sec); err != nil {
		t.Fatal(err)
	}
	return w
}

// env builds an engine environment from what the store holds, as a fresh run of the
// command would (nothing carried over in memory).
func (w *world) env() *rotate.Env {
	w.t.Helper()
	l, err := w.store.Load()
	if err != nil || len(l.Problems) > 0 {
		w.t.Fatalf("load: %v %v", err, l.Problems)
	}
	setup, sec := l.Setup, l.Secrets
	lc, err := logtoapi.New(w.ep, logtoapi.M2MCredentials{AppID: setup.M2MAppID, AppSecret: sec.M2MAppSecret.Reveal()}, w.logtoHC)
	if err != nil {
		w.t.Fatal(err)
	}
	return &rotate.Env{
		Setup: &setup, Secrets: &sec, Store: &recordingSaver{w: w},
		Logto: lc,
		NewLogto: func(m logtoapi.M2MCredentials) (rotate.LogtoAPI, error) {
			return logtoapi.New(w.ep, m, w.logtoHC)
		},
		NewTwilio: func(tok string) (rotate.TwilioAPI, error) {
			return twiliosetup.New(twiliosetup.Credentials{AccountSID: accountSID, AuthToken: tok}, w.twilioHC)
		},
		VerifyApp: func(ctx context.Context, id, s string) (logtoapi.AppCheck, error) {
			return logtoapi.VerifyAppCredentials(ctx, w.logtoHC, w.ep, id, s)
		},
		Yes: true,
		Report: func(line string) {
			w.mu.Lock()
			w.reports = append(w.reports, line)
			w.mu.Unlock()
			w.checkNoWindow("report: " + line)
		},
		FollowWindow: 10 * time.Second,
		Command:      hintCommand,
	}
}

// recordingSaver is config.Store, keeping a copy of every setup.json written.
type recordingSaver struct{ w *world }

func (s *recordingSaver) Save(setup config.Setup, sec config.Secrets) error {
	if err := s.w.store.Save(setup, sec); err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(s.w.store.Dir, config.SetupFile))
	if err != nil {
		return err
	}
	s.w.mu.Lock()
	s.w.saved = append(s.w.saved, string(b))
	for _, v := range []config.Secret{sec.AppSecret, sec.M2MAppSecret, sec.TwilioAuthToken, sec.Pending} {
		if v.IsSet() {
			s.w.secrets[v.Reveal()] = true
		}
	}
	s.w.mu.Unlock()
	s.w.checkNoWindow("save")
	return nil
}

// connectorToken is the Auth Token in the Logto stand-in's Twilio connector.
func (w *world) connectorToken() string {
	raw, ok := w.lg.SMSConnector()
	if !ok {
		w.t.Error("no SMS connector")
		return ""
	}
	var c struct {
		Config struct {
			AuthToken string `json:"authToken"`
		} `json:"config"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		w.t.Error(err)
	}
	return c.Config.AuthToken
}

// checkNoWindow asserts the rule "no window in which the connector holds a credential that
// Twilio no longer accepts": once the connector held an accepted token, it always does.
func (w *world) checkNoWindow(where string) {
	tok := w.connectorToken()
	ok := w.tw.Accepts(accountSID, tok)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.checkedAt = append(w.checkedAt, where)
	if ok {
		w.sawGood = true
		return
	}
	if w.noWindow && w.sawGood {
		w.t.Errorf("after %s: Logto's connector holds a token Twilio does not accept", where)
	}
}

// probe is the transport of every client the engine uses: after each call it checks the
// no-window rule, and it can fail or "crash" a chosen call.
type probe struct {
	w     *world
	mu    sync.Mutex
	calls int
	rules []*rule
}

// rule makes the nth call matching match fail: before it is sent, or after it was served
// (the answer is lost); with cancel, the run's context is cancelled too (a crash or Ctrl-C).
type rule struct {
	match  func(r *http.Request) bool
	nth    int // 1-based among matching calls; 0 = every one
	after  bool
	cancel context.CancelFunc
	seen   int
	fired  int
}

var errInjected = errors.New("injected: connection lost")

func (p *probe) add(r *rule) { p.mu.Lock(); p.rules = append(p.rules, r); p.mu.Unlock() }

func (p *probe) wrap(next http.RoundTripper) http.RoundTripper {
	return rtFunc(func(req *http.Request) (*http.Response, error) {
		p.mu.Lock()
		p.calls++
		var hit *rule
		for _, r := range p.rules {
			if r.match(req) {
				r.seen++
				if r.nth == 0 || r.seen == r.nth {
					hit = r
					r.fired++
					break
				}
			}
		}
		p.mu.Unlock()
		where := req.Method + " " + req.URL.Path
		if hit != nil && !hit.after {
			if hit.cancel != nil {
				hit.cancel()
			}
			p.w.checkNoWindow(where + " (failed before sending)")
			return nil, fmt.Errorf("%s: %w", where, errInjected)
		}
		resp, err := next.RoundTrip(req)
		p.w.checkNoWindow(where)
		if hit != nil {
			if resp != nil {
				_ = resp.Body.Close()
			}
			if hit.cancel != nil {
				hit.cancel()
			}
			return nil, fmt.Errorf("%s (answer lost): %w", where, errInjected)
		}
		return resp, err
	})
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// call matches a request by method and path (a "*" path segment matches any segment).
func call(method, path string) func(*http.Request) bool {
	want := strings.Split(path, "/")
	return func(r *http.Request) bool {
		if r.Method != method {
			return false
		}
		got := strings.Split(r.URL.Path, "/")
		if len(got) != len(want) {
			return false
		}
		for i := range want {
			if want[i] != "*" && want[i] != got[i] {
				return false
			}
		}
		return true
	}
}

// verify is the tests' stand-in for doctor: the saved token is the connector's and Twilio
// accepts it, a test SMS through Logto's connector (its saved config) is delivered, the
// saved app secret passes the token endpoint (and is the .env's), the saved M2M secret gets
// a Management API token, and no rotation is recorded.
func (w *world) verify(ctx context.Context) error {
	l, err := w.store.Load()
	if err != nil {
		return err
	}
	s, sec := l.Setup, l.Secrets
	if s.Rotation != nil || sec.Pending != "" {
		return fmt.Errorf("a rotation is still recorded: %+v", s.Rotation)
	}
	tok := w.connectorToken()
	if tok != sec.TwilioAuthToken.Reveal() {
		return errors.New("the connector's token is not the saved one")
	}
	if !w.tw.Accepts(accountSID, tok) {
		return errors.New("Twilio does not accept the connector's token")
	}
	lc, err := logtoapi.New(w.ep, logtoapi.M2MCredentials{AppID: s.M2MAppID, AppSecret: sec.M2MAppSecret.Reveal()}, http.DefaultClient)
	if err != nil {
		return err
	}
	if err := lc.CheckAccess(ctx); err != nil {
		return fmt.Errorf("saved M2M secret: %w", err)
	}
	c, err := lc.SMSConnector(ctx)
	if err != nil {
		return err
	}
	cfg, err := c.TwilioConfig()
	if err != nil {
		return err
	}
	before := len(w.tw.Inbox())
	if err := lc.TestTwilioConnector(ctx, strings.TrimPrefix(testPhone, "+"), cfg); err != nil {
		return fmt.Errorf("test SMS: %w", err)
	}
	inbox := w.tw.Inbox()
	if len(inbox) != before+1 || inbox[len(inbox)-1].To != testPhone {
		return errors.New("the test SMS did not reach Twilio")
	}
	tc, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: accountSID, AuthToken: tok}, w.tw.Client())
	if err != nil {
		return err
	}
	m, err := tc.Follow(ctx, inbox[len(inbox)-1].SID, nil)
	if err != nil || m.Status != twiliosetup.StatusDelivered {
		return fmt.Errorf("test SMS not delivered: %q %w", m.Status, err)
	}
	check, err := logtoapi.VerifyAppCredentials(ctx, http.DefaultClient, w.ep, s.AppID, sec.AppSecret.Reveal())
	if err != nil || check != logtoapi.AppCredentialsOK {
		return fmt.Errorf("saved app secret: %v %w", check, err)
	}
	env, err := os.ReadFile(filepath.Join(s.ExpressDir, ".env"))
	if err != nil {
		return err
	}
	if !strings.Contains(string(env), "\nLOGTO_APP_SECRET="+sec.AppSecret.Reveal()+"\n") {
		return errors.New("the .env's LOGTO_APP_SECRET is not the saved secret")
	}
	return nil
}

// mustVerify fails the test when verify does.
func (w *world) mustVerify() {
	w.t.Helper()
	if err := w.verify(w.t.Context()); err != nil {
		w.t.Fatalf("verify: %v", err)
	}
}

// loaded returns what the store holds now.
func (w *world) loaded() (config.Setup, config.Secrets) {
	w.t.Helper()
	l, err := w.store.Load()
	if err != nil {
		w.t.Fatal(err)
	}
	return l.Setup, l.Secrets
}

// appSecrets lists the names and values of the app's secrets, in the stand-in.
func (w *world) appSecrets(id string) map[string]string {
	w.t.Helper()
	return w.secretsWith(id, w.currentM2M())
}

// secretsWith lists the names and values of app id's secrets with a client on m2mSecret.
func (w *world) secretsWith(id, m2mSecret string) map[string]string {
	w.t.Helper()
	list, err := w.clientWith(m2mSecret).ApplicationSecrets(w.t.Context(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range list {
		out[s.Name] = s.Value
	}
	return out
}

// clientWith is a Management API client of the M2M app on m2mSecret, outside the
// engine's transport.
func (w *world) clientWith(m2mSecret string) *logtoapi.Client {
	w.t.Helper()
	lc, err := logtoapi.New(w.ep, logtoapi.M2MCredentials{AppID: w.m2mID, AppSecret: m2mSecret}, http.DefaultClient)
	if err != nil {
		w.t.Fatal(err)
	}
	return lc
}

func (w *world) currentM2M() string {
	_, sec := w.loaded()
	return sec.M2MAppSecret.Reveal()
}

// wantState checks the error's State (nil error: want -1).
func wantState(t *testing.T, err error, want rotate.State) *rotate.Error {
	t.Helper()
	var re *rotate.Error
	if !errors.As(err, &re) {
		t.Fatalf("err = %v (%T), want a *rotate.Error", err, err)
	}
	if re.State != want {
		t.Fatalf("state = %v, want %v (%v)", re.State, want, err)
	}
	if re.Hint() == "" {
		t.Fatalf("no next step in %v", err)
	}
	checkHints(t, "Next", re.Next)
	checkHints(t, "Error()", err.Error())
	return re
}

// logtotestFault answers a route with status once.
func logtotestFault(status int) logtotest.Fault {
	return logtotest.Fault{Status: status, Body: `{"code":"unexpected","message":"injected"}`, Times: 1}
}

// failingSaver cannot save (a full disk, a read-only config directory).
type failingSaver struct{}

func (failingSaver) Save(config.Setup, config.Secrets) error { return errors.New("disk full") }

// twiliotestServerError answers one request with a 500.
func twiliotestServerError() twiliotest.Fault { return twiliotest.Fault{Status: 500, Times: 1} }
