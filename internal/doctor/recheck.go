package doctor

import (
	"context"
	"fmt"
	"net/http"
	"sync"
)

// Result is one row of Recheck: the check as Run would report it, and whether its FAIL
// only says that Logto or Twilio did not answer.
type Result struct {
	Check
	// Unreached is true for a FAIL whose last call got no usable answer (a network error,
	// a timeout, a 429 or 5xx answer): the row then says nothing about the thing checked.
	Unreached bool
}

// Results are Recheck's rows, in report order.
type Results []Result

// Find returns the row with that id.
func (rs Results) Find(id string) (Result, bool) {
	for _, r := range rs {
		if r.ID == id {
			return r, true
		}
	}
	return Result{}, false
}

// recheckNeeds lists the checks each check needs run before it: their results feed it
// (the M2M token, the connector's config, the Twilio client).
var recheckNeeds = map[string][]string{
	IDApp:        {IDM2M},
	IDSignIn:     {IDM2M},
	IDConnector:  {IDM2M},
	IDTemplates:  {IDConnector},
	IDService:    {IDTwilio},
	IDTrialPhone: {IDTwilio},
}

// Recheck runs only the checks ids, and the ones they need first (m2m before app,
// connector and sign-in; connector before templates; twilio before service and
// trial-phone), one after the other. Its checks are the cheap ones: reads (GETs, and
// POSTs to Logto's token endpoint for the M2M token and the app-secret probe), no test
// SMS (test-sms is never run), nothing written. Each check is bounded by
// cfg.CheckTimeout, the whole by ctx. A setup that was not found gives no rows.
//
// The wizard runs it when it resumes, to reopen the steps whose result no longer holds;
// Unreached tells a thing that is gone or changed from a service that did not answer.
func Recheck(ctx context.Context, cfg Config, ids ...string) Results {
	if !cfg.Found {
		return nil
	}
	want := map[string]bool{}
	var add func(id string)
	add = func(id string) {
		if want[id] || id == IDTestSMS {
			return
		}
		want[id] = true
		for _, n := range recheckNeeds[id] {
			add(n)
		}
	}
	for _, id := range ids {
		add(id)
	}
	r := newRun(cfg)
	var logto, twilio reach
	r.cfg.LogtoHTTP = logto.client(r.cfg.LogtoHTTP)
	r.cfg.TwilioHTTP = twilio.client(r.cfg.TwilioHTTP)
	// In report order, which runs every check after the ones it needs.
	checks := map[string]func(context.Context) Check{
		IDSetup: r.setup, IDEndpoint: r.endpoint, IDM2M: r.m2m, IDApp: r.app, IDAppSecret: r.appSecret,
		IDConnector: r.connector, IDTwilio: r.twilio, IDService: r.service, IDTemplates: r.templates,
		IDSignIn: r.signIn, IDTrialPhone: r.trialPhone,
	}
	var out Results
	for _, id := range order {
		fn, ok := checks[id]
		if !ok || !want[id] {
			continue
		}
		logto.reset()
		twilio.reset()
		timeout := r.cfg.CheckTimeout
		if id == IDSetup || id == IDTemplates {
			timeout = 0 // no call
		}
		r.check(ctx, id, timeout, fn)
		r.mu.Lock()
		c := r.results[id]
		r.mu.Unlock()
		res := Result{Check: c}
		if c.Status == Fail && (logto.failed() || twilio.failed()) {
			res.Unreached = true
		}
		out = append(out, res)
	}
	return out
}

// reach records whether the last call through a client got a usable answer.
type reach struct {
	mu   sync.Mutex
	last error
}

func (c *reach) client(hc *http.Client) *http.Client {
	cp := *hc
	cp.Transport = reachTransport{c: c, next: hc.Transport}
	return &cp
}

func (c *reach) reset() { c.set(nil) }

func (c *reach) set(err error) {
	c.mu.Lock()
	c.last = err
	c.mu.Unlock()
}

func (c *reach) failed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last != nil
}

type reachTransport struct {
	c    *reach
	next http.RoundTripper
}

func (t reachTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	switch {
	case err != nil:
		t.c.set(err)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		t.c.set(fmt.Errorf("%s answered %s", req.URL.Host, resp.Status))
	default:
		t.c.set(nil)
	}
	return resp, err
}
