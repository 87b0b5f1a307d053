package teardown_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/teardown"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/steps"
	"github.com/logto-twilio/logto-twilio/tui"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "fedcba9876543210fedcba9876543210"
)

var now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

// env is a Logto and a Twilio stand-in, clients on them, and a store.
type env struct {
	lg    *logtotest.Server
	tw    *twiliotest.Server
	lc    *logtoapi.Client
	tc    *twiliosetup.Client
	store *config.Store
	cfg   teardown.Config
}

func newEnv(t *testing.T) *env {
	t.Helper()
	lg := logtotest.NewServer()
	t.Cleanup(lg.Close)
	tw := twiliotest.NewServer(twiliotest.WithoutListener())
	t.Cleanup(tw.Close)
	tw.AddAccount(twiliotest.Account{SID: accountSID, AuthToken: authToken, FriendlyName: "Workshop", Type: "Full"})
	m2mID, m2mSecret := lg.AddM2MApp("logto-twilio", true)
	e, err := logtoapi.ParseEndpoint(lg.URL)
	if err != nil {
		t.Fatal(err)
	}
	lc, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: m2mID, AppSecret: m2mSecret}, lg.Client())
	if err != nil {
		t.Fatal(err)
	}
	tc, err := twiliosetup.New(twiliosetup.Credentials{AccountSID: accountSID, AuthToken: authToken}, tw.Client())
	if err != nil {
		t.Fatal(err)
	}
	store := &config.Store{Dir: t.TempDir()}
	l := config.Loaded{
		Setup: config.Setup{
			Endpoint: lg.URL, Method: config.MethodAuto, M2MAppID: m2mID, AppName: "Bookstore",
			TwilioAccountSID: accountSID, Done: []string{"welcome", "endpoint", "app", "service", "connector", "signin", "verify"},
		},
		Secrets: config.Secrets{M2MAppSecret: config.Secret(m2mSecret), TwilioAuthToken: authToken, AppSecret: "app-secret-value"},
	}
	cfg := teardown.NewConfig(l, store, lg.Client(), tw.Client())
	cfg.Now = func() time.Time { return now }
	return &env{lg: lg, tw: tw, lc: lc, tc: tc, store: store, cfg: cfg}
}

// wizard makes what the wizard makes, through the real clients, and records
// it in e.cfg.Setup as the steps do: created (true) or found (false).
func (e *env) wizard(t *testing.T, createApp, createService, createConnector bool) {
	t.Helper()
	ctx := t.Context()
	su := &e.cfg.Setup
	if createApp {
		app, err := e.lc.CreateTraditionalApplication(ctx, logtoapi.NewApplication{Name: "Bookstore", RedirectURIs: []string{"http://localhost:3000/logto/sign-in-callback"}})
		if err != nil {
			t.Fatal(err)
		}
		su.AppID, su.Created.AppID = app.ID, app.ID
	} else {
		su.AppID, _ = e.lg.AddTraditionalApp("Bookstore", nil, nil)
	}
	num := e.tw.AddNumber(accountSID, "+15005550006")
	if createService {
		svc, err := e.tc.CreateService(ctx, "Logto SMS sign-in")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.tc.AttachNumber(ctx, svc.SID, num); err != nil {
			t.Fatal(err)
		}
		su.ServiceSID, su.ServiceName, su.Created.ServiceSID = svc.SID, svc.FriendlyName, svc.SID
	} else {
		su.ServiceSID = e.tw.AddService(accountSID, "Main", "+15005550006")
		su.ServiceName = "Main"
	}
	cfg := logtoapi.TwilioConfig{AccountSID: accountSID, AuthToken: authToken, FromMessagingServiceSID: su.ServiceSID}
	for _, u := range logtoapi.RequiredUsageTypes {
		cfg.Templates = append(cfg.Templates, logtoapi.SMSTemplate{UsageType: u, Content: "Your code is {{code}}"})
	}
	if createConnector {
		conn, err := e.lc.CreateTwilioConnector(ctx, cfg, "")
		if err != nil {
			t.Fatal(err)
		}
		su.ConnectorID, su.ConnectorAction, su.Created.ConnectorID = conn.ID, config.ConnectorCreated, conn.ID
	} else {
		raw, _ := json.Marshal(cfg)
		su.ConnectorID = e.lg.SetSMSConnector(logtoapi.TwilioFactoryID, raw)
		su.ConnectorAction = config.ConnectorUpdated
	}
	before, err := e.lc.SignInExperience(ctx)
	if err != nil {
		t.Fatal(err)
	}
	after, err := e.lc.ApplySignInPlan(ctx, logtoapi.PlanPhoneSignIn(before))
	if err != nil {
		t.Fatal(err)
	}
	su.SignInConfigured = true
	su.Created.SignIn = &config.SignInChange{Before: objects(before), After: objects(after)}
}

func objects(s logtoapi.SignInExperience) json.RawMessage {
	b, _ := json.Marshal(map[string]json.RawMessage{"signUp": s.Raw("signUp"), "signIn": s.Raw("signIn")})
	return b
}

func (e *env) signIn(t *testing.T) json.RawMessage {
	t.Helper()
	s, err := e.lc.SignInExperience(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return objects(s)
}

func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	_ = json.Unmarshal(a, &x)
	_ = json.Unmarshal(b, &y)
	xa, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xa) == string(yb)
}

func actions(p teardown.Plan) []string {
	var out []string
	for _, r := range p.Rows {
		out = append(out, string(r.Thing)+" "+[]string{"restore", "delete", "leave", "gone", "keep"}[r.Action])
	}
	return out
}

func (e *env) serviceExists(t *testing.T, sid string) bool {
	t.Helper()
	list, err := e.tc.Services(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(list, func(s twiliosetup.Service) bool { return s.SID == sid })
}

// count counts the requests to Logto with that method (and path, if not "").
func (e *env) count(method, path string) int {
	n := 0
	for _, r := range e.lg.Requests() {
		if r.Method == method && (path == "" || r.Path == path) {
			n++
		}
	}
	return n
}

// loadSaved reads what Execute saved.
func (e *env) loadSaved(t *testing.T) config.Loaded {
	t.Helper()
	l, err := e.store.Load()
	if err != nil || !l.Found {
		t.Fatalf("saved setup: found %v, %v", l.Found, err)
	}
	return l
}

func TestTeardownCreatedEverything(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other := e.tw.AddService(accountSID, "Someone else's")
	e.wizard(t, true, true, true)
	before := e.cfg.Setup.Created.SignIn.Before
	su := e.cfg.Setup
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"sign-in experience restore", "SMS connector delete", "app delete", "Messaging Service delete", "M2M app keep"}
	if got := actions(p); !slices.Equal(got, want) {
		t.Fatalf("plan %q, want %q", got, want)
	}
	text := p.Text(80)
	for _, s := range []string{"restore", "sign-up by username (password)", `the app "Bookstore" (` + su.AppID + ")", "Logto SMS sign-in", "keep     the M2M app"} {
		if !strings.Contains(text, s) {
			t.Errorf("plan text lacks %q:\n%s", s, text)
		}
	}
	checkWidth(t, text, 80)
	if n := e.count("DELETE", ""); n != 0 {
		t.Fatalf("Prepare deleted something (%d DELETEs)", n)
	}
	res := teardown.Execute(t.Context(), p, e.cfg)
	if res.Failed() {
		t.Fatalf("failed:\n%s", res.Text(80))
	}
	if !sameJSON(e.signIn(t), before) {
		t.Errorf("sign-in experience not restored: %s", e.signIn(t))
	}
	if _, ok := e.lg.SMSConnector(); ok {
		t.Error("connector still there")
	}
	if _, ok := e.lg.Application(su.AppID); ok {
		t.Error("app still there")
	}
	if _, ok := e.lg.Application(su.M2MAppID); !ok {
		t.Error("the M2M app was removed")
	}
	if e.serviceExists(t, su.ServiceSID) || !e.serviceExists(t, other) {
		t.Error("wrong services removed")
	}
	l := e.loadSaved(t)
	got := l.Setup
	if got.TornDown == nil || !got.TornDown.Equal(now) || got.Created != (config.Created{}) {
		t.Fatalf("saved: tornDown %v created %+v", got.TornDown, got.Created)
	}
	if got.AppID != "" || got.ServiceSID != "" || got.ConnectorID != "" || got.SignInConfigured || l.Secrets.AppSecret != "" {
		t.Fatalf("saved IDs of what is gone: %+v", got)
	}
	if got.M2MAppID != su.M2MAppID || l.Secrets.M2MAppSecret == "" {
		t.Fatal("the M2M credentials were dropped")
	}
	if len(got.History) != 1 || !strings.Contains(got.History[0].What, "restored the sign-in experience") || !strings.Contains(got.History[0].What, "deleted the app "+su.AppID) {
		t.Fatalf("history %+v", got.History)
	}
	if slices.Contains(got.Done, "app") || !slices.Contains(got.Done, "endpoint") {
		t.Fatalf("done %q", got.Done)
	}
	if !strings.Contains(res.Text(80), "now says it was torn down") {
		t.Errorf("result:\n%s", res.Text(80))
	}
	// A second teardown has nothing to do and says when it was done.
	e.cfg.Setup, e.cfg.Secrets = l.Setup, l.Secrets
	p, err = teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() || !strings.Contains(p.Text(80), "Nothing to tear down: it was torn down on 2026-12-06 12:00 UTC") {
		t.Fatalf("second plan:\n%s", p.Text(80))
	}
}

func TestTeardownKeepsFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wizard(t, false, false, true)
	su := e.cfg.Setup
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"sign-in experience restore", "SMS connector delete", "app keep", "Messaging Service keep", "M2M app keep"}
	if got := actions(p); !slices.Equal(got, want) {
		t.Fatalf("plan %q, want %q", got, want)
	}
	res := teardown.Execute(t.Context(), p, e.cfg)
	if res.Failed() {
		t.Fatalf("failed:\n%s", res.Text(80))
	}
	if _, ok := e.lg.Application(su.AppID); !ok {
		t.Error("the found app was removed")
	}
	if !e.serviceExists(t, su.ServiceSID) {
		t.Error("the found service was removed")
	}
	got := e.loadSaved(t).Setup
	if got.AppID != su.AppID || got.ServiceSID != su.ServiceSID || got.TornDown == nil {
		t.Fatalf("saved %+v", got)
	}
}

func TestTeardownFoundConnectorKept(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wizard(t, true, true, false)
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(p); got[1] != "SMS connector keep" || !strings.Contains(p.Text(80), "the wizard's settings in it stay") {
		t.Fatalf("plan %q:\n%s", got, p.Text(80))
	}
	if res := teardown.Execute(t.Context(), p, e.cfg); res.Failed() {
		t.Fatalf("failed:\n%s", res.Text(80))
	}
	if _, ok := e.lg.SMSConnector(); !ok {
		t.Fatal("the found connector was removed")
	}
}

func TestTeardownSignInChangedByOthers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wizard(t, true, true, true)
	// Someone removes username sign-in after the wizard.
	changed := json.RawMessage(`{"identifiers":["phone"],"password":false,"verify":true}`)
	methods := json.RawMessage(`{"methods":[{"identifier":"phone","password":false,"verificationCode":true,"isPasswordPrimary":false}]}`)
	if _, err := e.lc.SetSignUpSignIn(t.Context(), changed, methods); err != nil {
		t.Fatal(err)
	}
	live := e.signIn(t)
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(p); got[0] != "sign-in experience leave" {
		t.Fatalf("plan %q", got)
	}
	text := strings.Join(strings.Fields(p.Text(80)), " ")
	for _, s := range []string{"changed since the wizard set it", "now sign-up by phone (verified); sign-in by phone with code;", "the wizard set sign-up by phone (verified); sign-in by phone with code or username with password", "Phone sign-in stays on"} {
		if !strings.Contains(text, s) {
			t.Errorf("plan lacks %q:\n%s", s, text)
		}
	}
	patches := e.count("PATCH", "/api/sign-in-exp")
	res := teardown.Execute(t.Context(), p, e.cfg)
	if res.Failed() {
		t.Fatalf("failed:\n%s", res.Text(80))
	}
	if !sameJSON(e.signIn(t), live) || e.count("PATCH", "/api/sign-in-exp") != patches {
		t.Fatalf("the changed sign-in experience was touched: %s", e.signIn(t))
	}
	if !strings.Contains(res.Text(80), "left the sign-in experience") {
		t.Errorf("result:\n%s", res.Text(80))
	}
	if got := e.loadSaved(t).Setup; got.Created.SignIn != nil || got.TornDown == nil {
		t.Fatalf("saved %+v", got.Created)
	}
}

func TestTeardownFailureThenRerun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wizard(t, true, true, true)
	su := e.cfg.Setup
	e.lg.Inject("DELETE", "/api/applications/{id}", logtotest.Fault{Status: 500, Body: `{"code":"internal","message":"boom"}`, Times: 1})
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	res := teardown.Execute(t.Context(), p, e.cfg)
	if !res.Failed() {
		t.Fatal("no failure reported")
	}
	text := res.Text(80)
	for _, s := range []string{"✗ the app \"Bookstore\" (" + su.AppID + "): Logto answered 500", "✓ deleted the Messaging Service", "✓ restored the sign-in experience", "run teardown again"} {
		if !strings.Contains(text, s) {
			t.Errorf("result lacks %q:\n%s", s, text)
		}
	}
	checkWidth(t, text, 80)
	if _, ok := e.lg.Application(su.AppID); !ok {
		t.Fatal("the app is gone although its delete failed")
	}
	if e.serviceExists(t, su.ServiceSID) {
		t.Fatal("the rest did not continue")
	}
	l := e.loadSaved(t)
	if l.Setup.TornDown != nil || l.Setup.Created.AppID != su.AppID || l.Setup.Created.ServiceSID != "" || l.Setup.Created.SignIn != nil {
		t.Fatalf("saved after a partial teardown: %+v", l.Setup.Created)
	}
	if !strings.Contains(l.Setup.History[0].What, "not done: the app") {
		t.Fatalf("history %+v", l.Setup.History)
	}
	// The re-run retries only the app.
	e.cfg.Setup, e.cfg.Secrets = l.Setup, l.Secrets
	p, err = teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(p); !slices.Equal(got, []string{"app delete", "M2M app keep"}) {
		t.Fatalf("re-run plan %q", got)
	}
	if res := teardown.Execute(t.Context(), p, e.cfg); res.Failed() {
		t.Fatalf("re-run failed:\n%s", res.Text(80))
	}
	if _, ok := e.lg.Application(su.AppID); ok {
		t.Fatal("the re-run did not finish the job")
	}
	if l := e.loadSaved(t); l.Setup.TornDown == nil || len(l.Setup.History) != 2 {
		t.Fatalf("saved after the re-run: %+v", l.Setup)
	}
}

func TestTeardownRestoreFailsKeepsConnector(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wizard(t, true, true, true)
	e.lg.Inject("PATCH", "/api/sign-in-exp", logtotest.Fault{Status: 500, Body: `{"message":"boom"}`, Times: 1})
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	res := teardown.Execute(t.Context(), p, e.cfg)
	if !res.Failed() || res.Outcomes[1].Skipped == "" {
		t.Fatalf("outcomes %+v", res.Outcomes)
	}
	if _, ok := e.lg.SMSConnector(); !ok {
		t.Fatal("the connector went while phone sign-in is on")
	}
	l := e.loadSaved(t)
	e.cfg.Setup, e.cfg.Secrets = l.Setup, l.Secrets
	p, err = teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(p); !slices.Equal(got, []string{"sign-in experience restore", "SMS connector delete", "M2M app keep"}) {
		t.Fatalf("re-run plan %q", got)
	}
	if res := teardown.Execute(t.Context(), p, e.cfg); res.Failed() {
		t.Fatalf("re-run failed:\n%s", res.Text(80))
	}
}

func TestTeardownNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.cfg.Setup.AppID = "found1"
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() {
		t.Fatalf("plan %q", actions(p))
	}
	text := p.Text(80)
	if !strings.Contains(text, "Nothing to tear down: the saved setup records nothing the wizard created") || !strings.Contains(text, "keep     the app \"Bookstore\" (found1)") {
		t.Fatalf("text:\n%s", text)
	}
	if n := len(e.lg.Requests()); n != 0 {
		t.Fatalf("%d requests to Logto for nothing", n)
	}
}

func TestTeardownReplacedConnectorNote(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wizard(t, true, true, true)
	e.cfg.Setup.Created.ReplacedConnector = "Aliyun (id aliyun1)"
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(strings.Fields(p.Text(80)), " "); !strings.Contains(text, "Logto deleted the SMS connector Aliyun (id aliyun1)") || !strings.Contains(text, "cannot bring it back") {
		t.Fatalf("text:\n%s", text)
	}
}

func TestTeardownSaveFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wizard(t, true, true, true)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	e.cfg.Store = &config.Store{Dir: file} // not a directory
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	res := teardown.Execute(t.Context(), p, e.cfg)
	if res.SaveErr == nil || !res.Failed() || !strings.Contains(res.Text(80), "could not be updated") {
		t.Fatalf("save error %v:\n%s", res.SaveErr, res.Text(80))
	}
}

func TestTeardownManualMethod(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.cfg.Setup.Method, e.cfg.Setup.AppID = config.MethodManual, "mine1"
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil || !p.Empty() || !strings.Contains(p.Text(80), "you made it in the Console") {
		t.Fatalf("manual plan (%v):\n%s", err, p.Text(80))
	}
	e.cfg.Setup.Created.SignIn = &config.SignInChange{Before: json.RawMessage(`{}`), After: json.RawMessage(`{}`)}
	_, err = teardown.Prepare(t.Context(), e.cfg)
	if err == nil || !strings.Contains(err.Error(), "machine-to-machine") {
		t.Fatalf("err %v", err)
	}
}

func checkWidth(t *testing.T, text string, width int) {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if n := len([]rune(l)); n > width {
			t.Errorf("line of %d > %d: %q", n, width, l)
		}
	}
}

func TestTeardownAlreadyGone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wizard(t, true, true, true)
	su := e.cfg.Setup
	ctx := t.Context()
	if err := e.lc.DeleteApplication(ctx, su.AppID); err != nil {
		t.Fatal(err)
	}
	if err := e.tc.DeleteService(ctx, su.ServiceSID); err != nil {
		t.Fatal(err)
	}
	var before struct{ SignUp, SignIn json.RawMessage }
	if err := json.Unmarshal(su.Created.SignIn.Before, &before); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lc.SetSignUpSignIn(ctx, before.SignUp, before.SignIn); err != nil {
		t.Fatal(err)
	}
	p, err := teardown.Prepare(ctx, e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"sign-in experience gone", "SMS connector delete", "app gone", "Messaging Service gone", "M2M app keep"}
	if got := actions(p); !slices.Equal(got, want) {
		t.Fatalf("plan %q, want %q", got, want)
	}
	patches := e.count("PATCH", "/api/sign-in-exp")
	res := teardown.Execute(ctx, p, e.cfg)
	if res.Failed() || e.count("PATCH", "/api/sign-in-exp") != patches {
		t.Fatalf("failed or patched:\n%s", res.Text(80))
	}
	text := res.Text(80)
	for _, s := range []string{"was already as before the wizard", `the app "Bookstore" (` + su.AppID + `) was already gone`} {
		if !strings.Contains(text, s) {
			t.Errorf("result lacks %q:\n%s", s, text)
		}
	}
	if got := e.loadSaved(t).Setup; got.Created != (config.Created{}) || got.TornDown == nil {
		t.Fatalf("saved %+v", got.Created)
	}
}

// TestPlanTextGolden shows a whole plan and its outcome at 80 columns.
func TestPlanTextGolden(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wizard(t, true, true, true)
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	su := e.cfg.Setup
	got := strings.NewReplacer(su.AppID, "<app>", su.ConnectorID, "<connector>", su.ServiceSID, "<service>", su.M2MAppID, "<m2m>").Replace(p.Text(80))
	want := `Teardown removes what the wizard created, and only that:
  restore  the sign-in experience: back to sign-up by username (password);
           sign-in by username with password
  delete   the SMS connector (<connector>)
  delete   the app "Bookstore" (<app>)
  delete   the Messaging Service "Logto SMS sign-in"
           (<service>)
  keep     the M2M app (<m2m>): you gave it to the wizard`
	if got != want {
		t.Fatalf("plan text:\n%s\nwant:\n%s", got, want)
	}
}

// TestTeardownAfterTheWizardSteps runs the wizard's own app, service,
// connector and sign-in steps against the stand-ins (each taking its
// default answer: create), then tears down from what they recorded.
func TestTeardownAfterTheWizardSteps(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.tw.AddNumber(accountSID, "+15005550006")
	seed := e.signIn(t)
	st := steps.NewState(steps.Prefill{})
	st.Mode = steps.ModeFresh
	st.Setup = e.cfg.Setup
	st.Setup.Done = nil
	st.Setup.Templates = []config.Template{}
	for _, u := range logtoapi.RequiredUsageTypes {
		st.Setup.Templates = append(st.Setup.Templates, config.Template{UsageType: u, Content: "Your code is {{code}}"})
	}
	st.Secrets = e.cfg.Secrets
	deps := steps.DefaultDeps(e.lg.Client(), e.tw.Client())
	want := map[string]bool{"app": true, "service": true, "connector": true, "signin": true}
	for _, s := range steps.All(st, deps) {
		if !want[s.ID()] {
			continue
		}
		if ld, ok := s.(tui.Loader); ok {
			apply, err := ld.Load(t.Context())
			if err != nil {
				t.Fatalf("%s: %v", s.ID(), err)
			}
			if apply != nil {
				apply()
			}
		}
		s.Form(tui.FormEnv{})
		res, err := s.Execute(t.Context())
		if err != nil {
			t.Fatalf("%s: %v", s.ID(), err)
		}
		res.Commit()
	}
	c := st.Setup.Created
	if c.AppID == "" || c.AppID != st.Setup.AppID || c.ServiceSID == "" || c.ConnectorID == "" || c.SignIn == nil {
		t.Fatalf("the steps recorded %+v", c)
	}
	e.cfg.Setup, e.cfg.Secrets = st.Setup, st.Secrets
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(p); !slices.Equal(got, []string{"sign-in experience restore", "SMS connector delete", "app delete", "Messaging Service delete", "M2M app keep"}) {
		t.Fatalf("plan %q", got)
	}
	if res := teardown.Execute(t.Context(), p, e.cfg); res.Failed() {
		t.Fatalf("failed:\n%s", res.Text(80))
	}
	if !sameJSON(e.signIn(t), seed) {
		t.Fatalf("sign-in experience %s, want the seed %s", e.signIn(t), seed)
	}
	if _, ok := e.lg.Application(c.AppID); ok || e.serviceExists(t, c.ServiceSID) {
		t.Fatal("the wizard's app or service is still there")
	}
}
