package doctor

import (
	"net/http"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// TestTestSMSSendCodeAnswers: doctor --send-test-sms when Logto says the phone got too many
// codes (its own finding, with the wait, sent once and not retried), and in sign-in-only
// mode, where it says whether the test phone has an account (a sign-in gets a code only
// then).
func TestTestSMSSendCodeAnswers(t *testing.T) {
	t.Parallel()
	const testRoute = "/api/connectors/{factoryId}/test"
	tests := []struct {
		name    string
		mod     func(t *testing.T, s *stand)
		status  Status
		detail  []string
		hint    []string
		testReq int // requests to the connector test
	}{
		{
			name: "too many codes",
			mod: func(_ *testing.T, s *stand) {
				s.lg.Inject(http.MethodPost, testRoute, logtotest.Fault{Status: http.StatusTooManyRequests, Body: `{"code":"request.message_rate_limited","message":"Too many requests."}`})
			},
			status: Warn, testReq: 1,
			detail: []string{"Not sent", testPhone, "too many codes", "at most 10 to one phone in 10 minutes"},
			hint:   []string{"Wait up to 10 minutes, then run `⟦doctor --send-test-sms " + testPhone + "⟧` again", "#logto-too-many-codes-to-one-phone"},
		},
		{
			name:   "sign-in only, phone without an account",
			mod:    func(_ *testing.T, s *stand) { s.lg.SetSignInMode(logtoapi.SignInModeSignIn) },
			status: Warn, testReq: 1,
			detail: []string{"through Logto's connector", "\"sign in only\" and " + testPhone + " has no account, so a sign-in with it gets no code"},
			hint:   []string{"Register the phone", "allow registration", "#logto-sign-in-only-mode"},
		},
		{
			name: "sign-in only, phone with an account",
			mod: func(_ *testing.T, s *stand) {
				s.lg.SetSignInMode(logtoapi.SignInModeSignIn)
				s.lg.AddUser(strings.TrimPrefix(testPhone, "+"))
			},
			status: Pass, testReq: 1,
			detail: []string{"\"sign in only\", and " + testPhone + " has an account, so its sign-in gets codes"},
		},
		{
			name:   "sign in and register",
			status: Pass, testReq: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStand(t, standOpt{})
			s.cfg.SendTestSMS = testPhone
			s.cfg.Command = hintCommand
			if tc.mod != nil {
				tc.mod(t, s)
			}
			rep := s.run()
			checkHints(t, rep)
			c, ok := rep.Find(IDTestSMS)
			if !ok {
				t.Fatal("no test-sms row")
			}
			if c.Status != tc.status {
				t.Errorf("test-sms = %s, want %s: %s", c.Status, tc.status, c.Detail)
			}
			for _, w := range tc.detail {
				if !strings.Contains(c.Detail, w) {
					t.Errorf("detail %q lacks %q", c.Detail, w)
				}
			}
			for _, w := range tc.hint {
				if !strings.Contains(c.Hint, w) {
					t.Errorf("hint %q lacks %q", c.Hint, w)
				}
			}
			if tc.status == Pass && strings.Contains(c.Detail, "no account") {
				t.Errorf("detail %q", c.Detail)
			}
			n := 0
			for _, r := range s.lg.Requests() {
				if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/test") {
					n++
				}
			}
			if n != tc.testReq {
				t.Errorf("%d connector tests sent, want %d", n, tc.testReq)
			}
		})
	}
}
