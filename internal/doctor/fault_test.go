package doctor

import (
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// externalCall is one kind of request doctor makes, and the checks it feeds.
type externalCall struct {
	name    string
	twilio  bool   // a Twilio call (else Logto)
	method  string // HTTP method
	pattern string // the stand-in's route pattern
	checks  []string
}

// externalCalls lists every external call doctor makes (the test SMS included).
var externalCalls = []externalCall{
	{"discovery", false, http.MethodGet, "/oidc/.well-known/openid-configuration", []string{IDEndpoint}},
	{"token endpoint", false, http.MethodPost, "/oidc/token", []string{IDM2M, IDAppSecret}},
	{"get application", false, http.MethodGet, "/api/applications/{id}", []string{IDApp}},
	{"list connectors", false, http.MethodGet, "/api/connectors", []string{IDConnector}},
	{"sign-in experience", false, http.MethodGet, "/api/sign-in-exp", []string{IDSignIn}},
	{"connector test", false, http.MethodPost, "/api/connectors/{factoryId}/test", []string{IDTestSMS}},
	{"fetch account", true, http.MethodGet, "/2010-04-01/Accounts/{Sid}.json", []string{IDTwilio}},
	{"service senders", true, http.MethodGet, "/v1/Services/{ServiceSid}/PhoneNumbers", []string{IDService}},
	{"verified caller IDs", true, http.MethodGet, "/2010-04-01/Accounts/{AccountSid}/OutgoingCallerIds.json", []string{IDTrialPhone}},
	{"list messages", true, http.MethodGet, "/2010-04-01/Accounts/{AccountSid}/Messages.json", []string{IDTestSMS}},
	{"fetch message", true, http.MethodGet, "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json", []string{IDTestSMS}},
}

// faultKinds are what a call may meet.
var faultKinds = []string{"timeout", "refused", "5xx", "401", "429", "html", "truncated"}

// matcher matches requests of a call (method and route pattern with {x} wildcards).
func (c externalCall) matcher() func(*http.Request) bool {
	re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(c.pattern), `[^/]+`) + "$")
	return func(r *http.Request) bool { return r.Method == c.method && re.MatchString(r.URL.Path) }
}

// inject makes the call meet the fault: through the stand-ins' Inject for timeouts and
// error statuses (and Logto's malformed bodies), through the client's transport for a
// refused connection (the error a dial to a closed port returns) and Twilio's malformed
// bodies.
func (s *stand) inject(t *testing.T, c externalCall, kind string) {
	t.Helper()
	match := c.matcher()
	if kind == "refused" {
		hc := s.cfg.LogtoHTTP
		if c.twilio {
			hc = s.cfg.TwilioHTTP
		}
		hc.Transport = switchRT{match: match, yes: refused{}, no: hc.Transport}
		return
	}
	body := map[string]string{"html": "<html><body>Proxy sign-in</body></html>", "truncated": `{"sid": "AC01`}[kind]
	if c.twilio {
		switch kind {
		case "timeout":
			s.tw.Inject(c.method, c.pattern, twiliotest.Fault{Latency: time.Hour})
		case "5xx":
			s.tw.Inject(c.method, c.pattern, twiliotest.ServerError(http.StatusServiceUnavailable))
		case "401":
			s.tw.Inject(c.method, c.pattern, twiliotest.WrongCredentials())
		case "429":
			s.tw.Inject(c.method, c.pattern, twiliotest.TooManyRequests(time.Hour))
		default:
			s.cfg.TwilioHTTP.Transport = bodyFault{match: match, status: http.StatusOK, body: body, next: s.cfg.TwilioHTTP.Transport}
		}
		return
	}
	f := map[string]logtotest.Fault{
		"timeout":   {Latency: time.Hour},
		"5xx":       {Status: http.StatusInternalServerError, Body: `{"message":"Internal server error."}`},
		"401":       {Status: http.StatusUnauthorized, Body: `{"code":"auth.unauthorized","message":"Unauthorized."}`},
		"429":       {Status: http.StatusTooManyRequests, Body: "Too Many Requests"},
		"html":      {Status: http.StatusOK, Body: body},
		"truncated": {Status: http.StatusOK, Body: body},
	}[kind]
	s.lg.Inject(c.method, c.pattern, f)
}

// switchRT sends matching requests through yes, the others through no.
type switchRT struct {
	match   func(*http.Request) bool
	yes, no http.RoundTripper
}

func (s switchRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if s.match(r) {
		return s.yes.RoundTrip(r)
	}
	return s.no.RoundTrip(r)
}

// refused fails every request as a dial to a closed port does.
type refused struct{}

func (refused) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return nil, &net.OpError{
		Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9},
		Err: os.NewSyscallError("connect", syscall.ECONNREFUSED),
	}
}

// TestFaults: every external call × {timeout, refused, 5xx, 401, 429, malformed body}:
// the checks fed by the call FAIL or WARN with a plain message, doctor returns within
// its per-check timeouts, nothing crashes, nothing is written, no secret is printed.
// Both stand-ins run in memory in a synctest bubble with doctor's default timeouts, so a
// timeout costs fake time only.
func TestFaults(t *testing.T) {
	for _, c := range externalCalls {
		for _, kind := range faultKinds {
			t.Run(c.name+"/"+kind, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) { testFault(t, c, kind) })
			})
		}
	}
}

func testFault(t *testing.T, c externalCall, kind string) {
	s := newStand(t, standOpt{mem: true})
	s.cfg.SendTestSMS = testPhone
	s.cfg.CheckTimeout, s.cfg.TestSMSTimeout = 0, 0 // the defaults
	s.cfg.Command = hintCommand
	s.inject(t, c, kind)
	start := time.Now()
	rep := s.run()
	checkHints(t, rep)
	// The longest chain of dependent checks is token → connector → test SMS
	// (or token → twilio → service/trial-phone), each within its timeout.
	if d, most := time.Since(start), 2*DefaultCheckTimeout+DefaultTestSMSTimeout; d > most {
		t.Errorf("doctor took %v of fake time, more than its timeouts allow (%v)", d, most)
	}
	text := rep.Text(80, false)
	for _, id := range c.checks {
		got, ok := rep.Find(id)
		if !ok {
			t.Fatalf("no %s row\n%s", id, text)
		}
		if got.Status != Fail && got.Status != Warn {
			t.Errorf("%s = %s, want FAIL or WARN\n%s", id, got.Status, text)
		}
		for _, junk := range []string{"<html", "{\"", "invalid character", "%!", "unexpected end of JSON"} {
			if strings.Contains(got.Detail, junk) {
				t.Errorf("%s detail is not plain (%q): %s", id, junk, got.Detail)
			}
		}
	}
	for _, row := range rep.Checks {
		if strings.Contains(row.Detail, "crashed") {
			t.Errorf("%s crashed: %s", row.ID, row.Detail)
		}
	}
	assertNoSecret(t, rep, s.secrets())
	assertNoWrites(t, s, true)
	t.Logf("\n%s", text)
}
