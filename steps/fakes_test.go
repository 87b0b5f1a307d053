package steps

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// Secret values used by the fakes; no output may contain them.
const (
	m2mSecret   = "m2m-SECRET-value-111"
	appSecret   = "app-SECRET-value-222"
	twilioToken = "fedcba9876543210fedcba9876543210" // 32 hex: a valid token shape
	accountSID  = "AC0123456789abcdef0123456789abcdef"
)

// calls records what a fake was asked, in order.
type calls struct {
	mu  sync.Mutex
	log []string
}

func (c *calls) add(s string) {
	c.mu.Lock()
	c.log = append(c.log, s)
	c.mu.Unlock()
}

func (c *calls) list() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.log...)
}

// fakeLogto is a hand-written Logto: canned results and errors per method.
type fakeLogto struct {
	calls
	errs map[string]error

	apps      []logtoapi.Application
	secret    string
	connector *logtoapi.Connector
	sie       logtoapi.SignInExperience
	lastCfg   logtoapi.TwilioConfig
	replaces  string
	uris      [2][]string
}

func (f *fakeLogto) err(name string) error { return f.errs[name] }

func (f *fakeLogto) CheckAccess(context.Context) error {
	f.add("CheckAccess")
	return f.err("CheckAccess")
}

func (f *fakeLogto) FindTraditionalApplications(_ context.Context, name string) ([]logtoapi.Application, error) {
	f.add("Find " + name)
	var out []logtoapi.Application
	for _, a := range f.apps {
		if a.Name == name {
			out = append(out, a)
		}
	}
	return out, f.err("Find")
}

func (f *fakeLogto) CreateTraditionalApplication(_ context.Context, a logtoapi.NewApplication) (logtoapi.Application, error) {
	f.add("Create " + a.Name)
	if err := f.err("Create"); err != nil {
		return logtoapi.Application{}, err
	}
	app := logtoapi.Application{
		ID: "newapp", Name: a.Name, Type: logtoapi.TypeTraditional,
		RedirectURIs: a.RedirectURIs, PostLogoutRedirectURIs: a.PostLogoutRedirectURIs,
	}
	f.apps = append(f.apps, app)
	return app, nil
}

func (f *fakeLogto) GetApplication(_ context.Context, id string) (logtoapi.Application, error) {
	f.add("Get " + id)
	return logtoapi.Application{ID: id}, f.err("Get")
}

func (f *fakeLogto) SetApplicationURIs(_ context.Context, id string, r, p []string) (logtoapi.Application, error) {
	f.add("SetURIs " + id)
	f.uris = [2][]string{r, p}
	return logtoapi.Application{ID: id, Name: "Bookstore", RedirectURIs: r, PostLogoutRedirectURIs: p}, f.err("SetURIs")
}

func (f *fakeLogto) ApplicationSecret(_ context.Context, id string) (string, error) {
	f.add("Secret " + id)
	return f.secret, f.err("Secret")
}

func (f *fakeLogto) SMSConnector(context.Context) (*logtoapi.Connector, error) {
	f.add("SMSConnector")
	return f.connector, f.err("SMSConnector")
}

func (f *fakeLogto) CreateTwilioConnector(_ context.Context, cfg logtoapi.TwilioConfig, replaces string) (logtoapi.Connector, error) {
	f.add("CreateConnector replaces=" + replaces)
	f.lastCfg, f.replaces = cfg, replaces
	return logtoapi.Connector{ID: "conn1", ConnectorID: logtoapi.TwilioFactoryID, Type: "Sms"}, f.err("CreateConnector")
}

func (f *fakeLogto) UpdateTwilioConnector(_ context.Context, id string, cfg logtoapi.TwilioConfig) (logtoapi.Connector, error) {
	f.add("UpdateConnector " + id)
	f.lastCfg = cfg
	return logtoapi.Connector{ID: id, ConnectorID: logtoapi.TwilioFactoryID}, f.err("UpdateConnector")
}

func (f *fakeLogto) TestTwilioConnector(_ context.Context, digits string, cfg logtoapi.TwilioConfig) error {
	f.add("TestConnector " + digits)
	f.lastCfg = cfg
	return f.err("TestConnector")
}

func (f *fakeLogto) SignInExperience(context.Context) (logtoapi.SignInExperience, error) {
	f.add("SignInExperience")
	return f.sie, f.err("SignInExperience")
}

func (f *fakeLogto) ApplySignInPlan(context.Context, logtoapi.SignInPlan) (logtoapi.SignInExperience, error) {
	f.add("ApplySignInPlan")
	return f.sie, f.err("ApplySignInPlan")
}

func twilioConnector(id, sid string) *logtoapi.Connector {
	cfg, _ := json.Marshal(map[string]any{"accountSID": sid, "authToken": "x", "fromMessagingServiceSID": "MG1", "templates": []any{}})
	return &logtoapi.Connector{ID: id, ConnectorID: logtoapi.TwilioFactoryID, Type: "Sms", Config: cfg}
}

// fakeTwilio is a hand-written Twilio.
type fakeTwilio struct {
	calls
	errs     map[string]error
	once     map[string]error // returned by the next call only
	account  twiliosetup.Account
	services []twiliosetup.Service
	numbers  []twiliosetup.Number
	senders  []twiliosetup.Sender
	final    twiliosetup.Message
	found    twiliosetup.Message // what FindSentMessage finds
	since    time.Time           // FindSentMessage's last since
	sentBody string
}

func (f *fakeTwilio) err(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err, ok := f.once[name]; ok {
		delete(f.once, name)
		return err
	}
	return f.errs[name]
}

func (f *fakeTwilio) Account(context.Context) (twiliosetup.Account, error) {
	f.add("Account")
	return f.account, f.err("Account")
}

func (f *fakeTwilio) Services(context.Context) ([]twiliosetup.Service, error) {
	f.add("Services")
	return f.services, f.err("Services")
}

func (f *fakeTwilio) Service(_ context.Context, sid string) (twiliosetup.Service, error) {
	f.add("Service " + sid)
	return twiliosetup.Service{SID: sid, FriendlyName: "found"}, f.err("Service")
}

func (f *fakeTwilio) CreateService(_ context.Context, name string) (twiliosetup.Service, error) {
	f.add("CreateService " + name)
	return twiliosetup.Service{SID: "MGnew", FriendlyName: name}, f.err("CreateService")
}

func (f *fakeTwilio) ServiceSenders(_ context.Context, sid string) ([]twiliosetup.Sender, error) {
	f.add("Senders " + sid)
	return f.senders, f.err("Senders")
}

func (f *fakeTwilio) Numbers(context.Context) ([]twiliosetup.Number, error) {
	f.add("Numbers")
	return f.numbers, f.err("Numbers")
}

func (f *fakeTwilio) AttachNumber(_ context.Context, svc, num string) error {
	f.add("Attach " + svc + " " + num)
	return f.err("Attach")
}

func (f *fakeTwilio) EnsureSender(_ context.Context, svc string) error {
	f.add("EnsureSender " + svc)
	return f.err("EnsureSender")
}

func (f *fakeTwilio) CheckCanText(_ context.Context, _ twiliosetup.Account, to twiliosetup.Phone) error {
	f.add("CheckCanText " + to.E164())
	return f.err("CheckCanText")
}

func (f *fakeTwilio) Send(_ context.Context, svc string, to twiliosetup.Phone, body string) (twiliosetup.Message, error) {
	f.add("Send " + svc + " " + to.E164())
	f.sentBody = body
	return twiliosetup.Message{SID: "SM1", To: to.E164(), Status: twiliosetup.StatusAccepted}, f.err("Send")
}

func (f *fakeTwilio) Follow(_ context.Context, sid string, on func(twiliosetup.Message)) (twiliosetup.Message, error) {
	f.add("Follow " + sid)
	if on != nil {
		on(twiliosetup.Message{SID: sid, Status: twiliosetup.StatusSent})
	}
	return f.final, f.err("Follow")
}

func (f *fakeTwilio) FindSentMessage(_ context.Context, to twiliosetup.Phone, since time.Time) (twiliosetup.Message, error) {
	f.add("Find " + to.E164())
	f.mu.Lock()
	f.since = since
	f.mu.Unlock()
	return f.found, f.err("Find")
}

// fakeDemo is a hand-written demo server.
type fakeDemo struct {
	calls
	startErr error
	signIns  chan demo.SignIn
	cfg      demo.Config
}

func (f *fakeDemo) Start(_ context.Context, addr string) (string, error) {
	f.add("Start " + addr)
	return f.cfg.BaseURL, f.startErr
}

func (f *fakeDemo) SignIns() <-chan demo.SignIn { return f.signIns }

func (f *fakeDemo) Close() error {
	f.add("Close")
	return nil
}

type fakeOpener struct{ calls }

func (f *fakeOpener) Open(u string) error {
	f.add(u)
	return nil
}

// world bundles the fakes and the Deps wired to them.
type world struct {
	logto       *fakeLogto
	twilio      *fakeTwilio
	demo        *fakeDemo
	opener      *fakeOpener
	express     calls
	deps        Deps
	disc        logtoapi.Discovery
	discErr     error
	check       logtoapi.AppCheck
	checkErr    error
	newLogtoErr error
	freePort    int // what Deps.FreePort answers
	busyPort    int // the port Deps.PortFree says is busy (0: none)
}

func newWorld() *world {
	w := &world{
		logto: &fakeLogto{
			errs: map[string]error{}, secret: appSecret,
			apps: []logtoapi.Application{},
		},
		twilio: &fakeTwilio{
			errs:     map[string]error{},
			account:  twiliosetup.Account{SID: accountSID, FriendlyName: "Workshop", Status: "active", Type: "Trial"},
			services: []twiliosetup.Service{{SID: "MG11111111111111111111111111111111", FriendlyName: "Main", Senders: 1}},
			numbers:  []twiliosetup.Number{{SID: "PN1", PhoneNumber: "+15005550006", SMS: true}},
			senders:  []twiliosetup.Sender{{SID: "PN1", PhoneNumber: "+15005550006"}},
			final:    twiliosetup.Message{SID: "SM1", Status: twiliosetup.StatusDelivered},
			found:    twiliosetup.Message{SID: "SM1", Status: twiliosetup.StatusAccepted},
		},
		demo:   &fakeDemo{signIns: make(chan demo.SignIn, 1)},
		opener: &fakeOpener{},
	}
	w.disc = logtoapi.Discovery{Issuer: "http://localhost:3001/oidc"}
	w.deps = Deps{
		Discover: func(context.Context, logtoapi.Endpoint) (logtoapi.Discovery, error) {
			return w.disc, w.discErr
		},
		VerifyApp: func(context.Context, logtoapi.Endpoint, string, string) (logtoapi.AppCheck, error) {
			return w.check, w.checkErr
		},
		NewLogto: func(logtoapi.Endpoint, logtoapi.M2MCredentials) (Logto, error) {
			return w.logto, w.newLogtoErr
		},
		NewTwilio: func(twiliosetup.Credentials) (Twilio, error) { return w.twilio, nil },
		NewDemo: func(cfg demo.Config) (Demo, error) {
			w.demo.cfg = cfg
			return w.demo, nil
		},
		Demos: &DemoHost{},
		WriteExpress: func(dir string, v demo.ExpressValues, _ func(string) bool) ([]string, error) {
			w.express.add(dir + " " + v.AppID)
			return []string{dir + "/app.js", dir + "/.env"}, nil
		},
		Open:     w.opener,
		FreePort: func(int) int { return w.freePort },
		PortFree: func(p int) bool { return p != w.busyPort },
	}
	w.freePort = 3004
	return w
}

// readyState is a state as it is after the Twilio step (automatic method).
func readyState() *State {
	st := NewState(Prefill{})
	st.Setup = config.Setup{
		Endpoint: "http://localhost:3001", Method: config.MethodAuto, M2MAppID: "m2m1",
		AppID: "app1", AppName: "Bookstore", DemoPort: 3000, TwilioAccountSID: accountSID,
		ServiceSID: "MG11111111111111111111111111111111", ServiceName: "Main",
		Templates: []config.Template{{UsageType: "SignIn", Content: "Your code is {{code}}"}},
	}
	st.Secrets = config.Secrets{M2MAppSecret: m2mSecret, AppSecret: appSecret, TwilioAuthToken: twilioToken}
	return st
}
