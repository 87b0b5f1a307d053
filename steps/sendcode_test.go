package steps

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/tui"
)

// sendCodePath is the Experience API's send-code route.
const sendCodePath = "/api/experience/verification/verification-code"

// r3Answer is a real Logto's send-code answer, recorded in logtoapi/testdata/r3-send-code
// (see its README): status and body.
func r3Answer(t *testing.T, name string) (int, string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "logtoapi", "testdata", "r3-send-code", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Status       int             `json:"status"`
		ResponseBody json.RawMessage `json:"responseBody"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Status, string(f.ResponseBody)
}

// attendeeTestSMS is an attendee's test SMS step against the stand-in lg, through the
// real clients (DefaultDeps), with the card's app registered for port 3007.
func attendeeTestSMS(t *testing.T, lg *logtotest.Server) (*testSMSStep, *State) {
	t.Helper()
	appID, _ := lg.AddTraditionalApp("Bookstore 07", []string{"http://localhost:3007/logto/sign-in-callback"}, []string{"http://localhost:3007"})
	d := DefaultDeps(lg.Client(), nil)
	pr := testPreset()
	pr.Endpoint, pr.AppID = lg.URL, appID
	p := Prefill{}
	p.UsePreset(pr)
	st := NewState(p)
	st.Setup = config.Setup{Endpoint: lg.URL, AppID: appID, Method: config.MethodManual}
	st.Prefill.Again = hintCommand
	s := newTestSMS(st, &d)
	s.phone = "+15005550006"
	return s, st
}

// TestAttendeeTestSMSRealAnswers: the attendee's test SMS when a real Logto refuses to send
// the code (the recorded answers, and 1.41's 429), or would send nothing (sign-in-only
// mode), against both stand-in versions. Each says the cause in plain words and what to
// do, never Logto's escaped JSON; the rate limit offers no instant retry; in sign-in-only
// mode no code is asked for.
func TestAttendeeTestSMSRealAnswers(t *testing.T) {
	t.Parallel()
	rateLimited := `{"code":"request.message_rate_limited","message":"Too many requests."}`
	tests := []struct {
		name       string
		answer     string // a recording of logtoapi/testdata/r3-send-code; "" uses status and body
		status     int
		body       string
		signInOnly bool
		text       string   // in the error
		hint       []string // in the hint
		hintNot    []string
		sends      int // send-code requests that reach the stand-in
	}{
		{
			name: "Twilio 20003 through Logto", answer: "r3-010-twilio-401-send-code", sends: 1,
			text: "The workshop's Twilio connector has Twilio credentials that Twilio refuses: Twilio refused the sign-in code: error 20003",
			hint: []string{"Tell the facilitator", "Account SID and Auth Token", "Nothing is wrong on your side", "#twilio-20003"},
		},
		{
			name: "Twilio 21705 through Logto", answer: "r3-011-twilio-400-send-code", sends: 1,
			text: "names a Messaging Service its Twilio account does not have: Twilio refused the sign-in code: error 21705",
			hint: []string{"Tell the facilitator", "Messaging Service", "#twilio-21705"},
		},
		{
			name: "no connector, 501", answer: "r3-021-no-connector-phone-sie-send-code", sends: 1,
			text: "The workshop's Logto has no SMS connector", hint: []string{"Tell the facilitator"},
		},
		{
			name: "too many codes (1.41)", status: http.StatusTooManyRequests, body: rateLimited, sends: 1,
			text:    "Logto will not send +15005550006 another code for now",
			hint:    []string{"at most 10 codes to one phone in 10 minutes", "Wait up to 10 minutes", "the browser sign-in", "{key:quit}", "#logto-too-many-codes-to-one-phone"},
			hintNot: []string{"{key:retry} to try again", "{key:skip}"},
		},
		{
			name: "sign-in-only mode", signInOnly: true, sends: 0,
			text: "The workshop's Logto sends codes only to phones that already have an account",
			hint: []string{"Tell the facilitator", "register +15005550006", "allow registration", "#logto-sign-in-only-mode"},
		},
	}
	for _, v := range logtotest.Versions {
		for _, tc := range tests {
			t.Run(v+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				lg := logtotest.NewServer(logtotest.Version(v))
				t.Cleanup(lg.Close)
				status, body := tc.status, tc.body
				if tc.answer != "" {
					status, body = r3Answer(t, tc.answer)
				}
				if status != 0 {
					lg.Inject(http.MethodPost, sendCodePath, logtotest.Fault{Status: status, Body: body})
				}
				if tc.signInOnly {
					lg.SetSignInMode(logtoapi.SignInModeSignIn)
				}
				s, st := attendeeTestSMS(t, lg)
				_, err := s.Execute(t.Context())
				wantProblem(t, err, tc.text, "")
				var p *Problem
				errors.As(err, &p)
				for _, h := range tc.hint {
					if !strings.Contains(p.Hint(), h) {
						t.Errorf("hint %q lacks %q", p.Hint(), h)
					}
				}
				for _, h := range tc.hintNot {
					if strings.Contains(p.Hint(), h) {
						t.Errorf("hint %q has %q", p.Hint(), h)
					}
				}
				shown := tui.RendererFor(true, nil).Render(err.Error() + "\n" + p.Hint())
				for _, raw := range []string{`\"`, `{"code"`, "Error occurred in connector", "Twilio refused the request Logto made"} {
					if strings.Contains(shown, raw) {
						t.Errorf("the attendee sees Logto's raw answer (%s):\n%s", raw, shown)
					}
				}
				sends := 0
				for _, r := range lg.Requests() {
					if r.Path == sendCodePath {
						sends++
					}
				}
				if sends != tc.sends {
					t.Errorf("%d send-code requests, want %d", sends, tc.sends)
				}
				if st.Setup.TestResult != "" {
					t.Errorf("a code not sent was recorded: %+v", st.Setup)
				}
			})
		}
	}
}

// TestVerifySignInOnlyReminder: the wizard's sign-in wait reminds that a sign-in-only Logto
// sends no code to a phone without an account; with Management API access it says whether
// the test phone has one. Without that mode there is no reminder.
func TestVerifySignInOnlyReminder(t *testing.T) {
	t.Parallel()
	const phone = "+15005550006"
	tests := []struct {
		name       string
		signInOnly bool
		attendee   bool
		hasAccount bool
		want       string // in the waiting text; "" no reminder
	}{
		{name: "sign in and register", want: ""},
		{name: "attendee", signInOnly: true, attendee: true, want: "If no code comes, ask the facilitator to register your phone or to allow registration."},
		{name: "own setup, phone without an account", signInOnly: true, want: "Logto is set to sign in only, and " + phone + " has no account, so no code will come to it"},
		{name: "own setup, phone with an account", signInOnly: true, hasAccount: true, want: phone + " has an account, so sign in with it"},
	}
	for _, v := range logtotest.Versions {
		for _, tc := range tests {
			t.Run(v+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				lg := logtotest.NewServer(logtotest.Version(v))
				t.Cleanup(lg.Close)
				if tc.signInOnly {
					lg.SetSignInMode(logtoapi.SignInModeSignIn)
				}
				if tc.hasAccount {
					lg.AddUser("15005550006")
				}
				d := DefaultDeps(lg.Client(), nil)
				p := Prefill{}
				if tc.attendee {
					p.UsePreset(testPreset())
				}
				st := NewState(p)
				st.Setup.Endpoint, st.Setup.TestPhone = lg.URL, phone
				if !tc.attendee {
					id, secret := lg.AddM2MApp("logto-twilio", true)
					st.Setup.Method, st.Setup.M2MAppID = config.MethodAuto, id
					st.Secrets.M2MAppSecret = config.Secret(secret)
				}
				s := newVerify(st, &d)
				apply, err := s.Load(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				apply()
				text := s.WaitingText()
				switch {
				case tc.want == "" && strings.Contains(text, "sign in only"):
					t.Errorf("a reminder without sign-in-only mode:\n%s", text)
				case tc.want != "" && !strings.Contains(text, tc.want):
					t.Errorf("the waiting text lacks %q:\n%s", tc.want, text)
				case tc.want != "" && !strings.Contains(text, "#logto-sign-in-only-mode"):
					t.Errorf("the reminder does not link its entry:\n%s", text)
				}
			})
		}
	}
}
