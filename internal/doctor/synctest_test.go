package doctor

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// These tests run both stand-ins in memory inside a testing/synctest bubble, with the
// default timeouts: time passes only in the bubble's fake clock, so the bounds are exact
// and the tests take milliseconds.

// TestSyncNoReceipt: a test SMS that never gets a delivery receipt is followed until the
// test-SMS timeout and counts as sent.
func TestSyncNoReceipt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newStand(t, standOpt{mem: true, statusDur: DefaultCheckTimeout})
		s.cfg.CheckTimeout, s.cfg.TestSMSTimeout = 0, 0 // the defaults
		s.cfg.SendTestSMS = testPhone
		s.tw.NoReceipt(testPhone)
		start := time.Now()
		rep := Run(t.Context(), s.cfg)
		c, _ := rep.Find(IDTestSMS)
		if c.Status != Pass || !strings.Contains(c.Detail, "no delivery receipt") {
			t.Fatalf("test-sms = %s: %s\n%s", c.Status, c.Detail, rep.Text(80, false))
		}
		if d := time.Since(start); d > DefaultTestSMSTimeout+DefaultCheckTimeout {
			t.Errorf("doctor took %v of fake time, more than the test SMS timeout allows", d)
		}
	})
}

// TestSyncEverythingHangs: every Logto and Twilio route answers after an hour. Each check
// gives up at its own timeout, so the whole run ends within the longest chain of dependent
// checks' timeouts, with FAIL rows and no crash.
func TestSyncEverythingHangs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newStand(t, standOpt{mem: true})
		s.cfg.CheckTimeout, s.cfg.TestSMSTimeout = 0, 0
		s.cfg.SendTestSMS = testPhone
		for _, p := range []string{"/oidc/.well-known/openid-configuration", "/oidc/token", "/api/applications/{id}", "/api/connectors", "/api/sign-in-exp"} {
			s.lg.Inject("", p, logtotest.Fault{Latency: time.Hour})
		}
		s.tw.Inject("", "*", twiliotest.Fault{Latency: time.Hour})
		start := time.Now()
		rep := Run(t.Context(), s.cfg)
		elapsed := time.Since(start)
		// m2m times out, so connector is skipped at once; then twilio (with the saved
		// token) times out, and the checks after it are skipped: two timeouts in a row.
		if elapsed != 2*DefaultCheckTimeout {
			t.Errorf("doctor took %v of fake time, want %v", elapsed, 2*DefaultCheckTimeout)
		}
		for _, id := range []string{IDEndpoint, IDM2M, IDAppSecret, IDTwilio} {
			c, _ := rep.Find(id)
			if c.Status != Fail || !strings.Contains(c.Detail, "no answer in time") {
				t.Errorf("%s = %s: %s", id, c.Status, c.Detail)
			}
		}
		if !rep.Failed() {
			t.Error("Failed() = false")
		}
	})
}

// TestSyncTwilioRetry: a 429 with a short Retry-After is retried by the Twilio client (the
// only retries doctor relies on), and the check passes.
func TestSyncTwilioRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newStand(t, standOpt{mem: true})
		s.tw.Inject("GET", "/2010-04-01/Accounts/{Sid}.json", twiliotest.Fault{Status: 429, RetryAfter: 2 * time.Second, Times: 1})
		rep := Run(t.Context(), s.cfg)
		if c, _ := rep.Find(IDTwilio); c.Status != Pass || c.Duration < 2*time.Second {
			t.Fatalf("twilio = %s after %v: %s", c.Status, c.Duration, c.Detail)
		}
	})
}
