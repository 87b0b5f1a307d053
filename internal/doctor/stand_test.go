package doctor

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// Fixed values of the healthy stand.
const (
	acctSID   = "AC0123456789abcdef0123456789abcdef"
	testPhone = "+15551234567"
	sender    = "+15005550006"
)

// stand is a healthy setup on the two stand-ins: what the wizard would have made and
// saved.
type stand struct {
	t      testing.TB
	lg     *logtotest.Server
	tw     *twiliotest.Server
	cfg    Config
	m2mID  string
	appID  string
	connID string
	svc    string
	token  string
	// setupRequests is how many requests the stand made to Logto itself, before doctor
	// (counted, not timed: in a synctest bubble they happen at the same instant).
	setupRequests int
}

type standOpt struct {
	full      bool // a full (not trial) Twilio account
	manual    bool // manual method: no M2M credentials saved
	mem       bool // both stand-ins in memory, no listener (for testing/synctest bubbles)
	statusDur time.Duration
}

func newStand(t testing.TB, o standOpt) *stand {
	t.Helper()
	twOpts := []twiliotest.Option{twiliotest.WithStatusStep(time.Millisecond)}
	if o.statusDur != 0 {
		twOpts[0] = twiliotest.WithStatusStep(o.statusDur)
	}
	if o.mem {
		twOpts = append(twOpts, twiliotest.WithoutListener())
	}
	tw := twiliotest.NewServer(twOpts...)
	t.Cleanup(tw.Close)
	lgOpts := []logtotest.Option{logtotest.WithTwilioBaseURL(tw.URL), logtotest.WithHTTPClient(tw.Client())}
	var lg *logtotest.Server
	logtoHTTP := &http.Client{Timeout: 30 * time.Second}
	if o.mem {
		lg = logtotest.NewUnstartedServer(lgOpts...)
		logtoHTTP.Transport = lg.Transport()
	} else {
		lg = logtotest.NewServer(lgOpts...)
	}
	t.Cleanup(lg.Close)

	typ := "Trial"
	if o.full {
		typ = "Full"
	}
	tw.AddAccount(twiliotest.Account{SID: acctSID, FriendlyName: "Workshop account", Type: typ})
	token := tw.AuthToken(acctSID)
	svc := tw.AddService(acctSID, "logto-twilio", sender)
	tw.AddVerifiedCallerID(acctSID, testPhone)

	m2mID, m2mSecret := lg.AddM2MApp("logto-twilio M2M", true)
	appID, appSecret := lg.AddTraditionalApp("SMS sign-in demo",
		[]string{"http://localhost:3000/logto/sign-in-callback"},
		[]string{"http://localhost:3000", "http://localhost:3000/"})

	var templates []config.Template
	var tt []logtoapi.SMSTemplate
	for _, d := range twiliosetup.DefaultTemplates() {
		templates = append(templates, config.Template{UsageType: d.UsageType, Content: d.Content})
		tt = append(tt, logtoapi.SMSTemplate{UsageType: d.UsageType, Content: d.Content})
	}
	tc := logtoapi.TwilioConfig{AccountSID: acctSID, AuthToken: token, FromMessagingServiceSID: svc, Templates: tt}
	raw, err := json.Marshal(tc)
	if err != nil {
		t.Fatal(err)
	}
	connID := lg.SetSMSConnector(logtoapi.TwilioFactoryID, raw)

	// Phone sign-in, as the wizard's sign-in step sets it.
	e, err := logtoapi.ParseEndpoint(lg.URL)
	if err != nil {
		t.Fatal(err)
	}
	lc, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: m2mID, AppSecret: m2mSecret}, logtoHTTP)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	cur, err := lc.SignInExperience(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lc.ApplySignInPlan(ctx, logtoapi.PlanPhoneSignIn(cur)); err != nil {
		t.Fatal(err)
	}

	setup := config.Setup{
		Version: config.SchemaVersion, Endpoint: e.String(), Issuer: e.Issuer(),
		Method: config.MethodAuto, M2MAppID: m2mID,
		AppName: "SMS sign-in demo", AppID: appID, DemoPort: 3000,
		TwilioAccountSID: acctSID, TwilioAccountName: "Workshop account", TwilioTrial: !o.full,
		ServiceSID: svc, ServiceName: "logto-twilio", ServiceSender: sender,
		Templates: templates, ConnectorID: connID, ConnectorAction: config.ConnectorCreated,
		TestPhone: testPhone, TestResult: "delivered", SignInConfigured: true,
		TwilioBaseURL: tw.URL,
	}
	sec := config.Secrets{
		Version: config.SchemaVersion, M2MAppSecret: config.Secret(m2mSecret),
		AppSecret: config.Secret(appSecret), TwilioAuthToken: config.Secret(token),
	}
	if o.manual {
		setup.Method, setup.M2MAppID, sec.M2MAppSecret = config.MethodManual, "", ""
		setup.ConnectorAction = config.ConnectorManual
	}
	s := &stand{t: t, lg: lg, tw: tw, m2mID: m2mID, appID: appID, connID: connID, svc: svc, token: token, setupRequests: len(lg.Requests())}
	s.cfg = Config{
		Setup: setup, Secrets: sec, Found: true,
		LogtoHTTP:    logtoHTTP,
		TwilioHTTP:   tw.Client(),
		CheckTimeout: 5 * time.Second, TestSMSTimeout: 10 * time.Second,
	}
	if o.mem {
		// No http.Client.Timeout (doctor's per-check timeouts bound every call): twilio-go
		// never closes an error answer's body, and net/http stops a client's timeout goroutine
		// only on Close, so in a synctest bubble that goroutine would outlive the test.
		s.cfg.TwilioHTTP = &http.Client{Transport: tw.Transport()}
	}
	return s
}

// run runs doctor on the stand.
func (s *stand) run() Report {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.t.Context(), time.Minute)
	defer cancel()
	return Run(ctx, s.cfg)
}

// secrets are the values that must never appear in a report.
func (s *stand) secrets() []string {
	return []string{s.cfg.Secrets.M2MAppSecret.Reveal(), s.cfg.Secrets.AppSecret.Reveal(), s.cfg.Secrets.TwilioAuthToken.Reveal(), s.token}
}

// normalise replaces the run's random values (port, ids) by fixed names, for goldens.
func (s *stand) normalise(text string) string {
	u, _ := url.Parse(s.lg.URL)
	r := strings.NewReplacer(
		u.Host, "127.0.0.1:PORT",
		s.appID, "APP_ID", s.m2mID, "M2M_ID", s.connID, "CONN_ID",
	)
	return r.Replace(text)
}

// bodyFault answers requests whose path matches with status and body instead of the
// stand-in (a malformed answer from a proxy or a broken server).
type bodyFault struct {
	match  func(*http.Request) bool
	status int
	body   string
	next   http.RoundTripper
}

func (f bodyFault) RoundTrip(r *http.Request) (*http.Response, error) {
	if !f.match(r) {
		return f.next.RoundTrip(r)
	}
	if r.Body != nil {
		_ = r.Body.Close()
	}
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "application/json")
	rec.WriteHeader(f.status)
	_, _ = rec.WriteString(f.body)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// noRedirectURIBody is what a real Logto 1.37.1 answered doctor's app-secret probe for an
// app with no redirect URI (issue 23): the error of fixture 280
// (../shared/contracts/logto-fixtures/280-get-oidc-auth-unregistered-redirect-uri.json,
// without state and iss), 400 at /oidc/token.
const noRedirectURIBody = `{"code":"oidc.invalid_redirect_uri","message":"` + "`redirect_uri` did not match any of the client's registered `redirect_uris`." +
	`","error":"invalid_redirect_uri","error_description":"redirect_uri did not match any of the client's registered redirect_uris"}`

// noRedirectURIProbe makes Logto answer the app's token requests (the app-secret probe) as
// a real Logto does for an app with no redirect URI; the M2M token requests still reach
// the stand-in.
func (s *stand) noRedirectURIProbe() {
	hc := *s.cfg.LogtoHTTP
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = bodyFault{match: func(r *http.Request) bool {
		id, _, ok := r.BasicAuth()
		return r.Method == http.MethodPost && r.URL.Path == "/oidc/token" && ok && id == s.appID
	}, status: http.StatusBadRequest, body: noRedirectURIBody, next: next}
	s.cfg.LogtoHTTP = &hc
}
