package logtoapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// sendCodeAnswer serves the first two steps of SendSignInCode as Logto does (303 with the
// interaction cookie, then 204) and answers the send-code with status and body.
func sendCodeAnswer(t *testing.T, status int, body []byte) logtoapi.Endpoint {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "GET /oidc/auth":
			http.SetCookie(w, &http.Cookie{Name: "_interaction", Value: "uid", Path: "/"})
			w.Header().Set("Location", "/sign-in")
			w.WriteHeader(http.StatusSeeOther)
		case "PUT /api/experience":
			w.WriteHeader(http.StatusNoContent)
		case "POST /api/experience/verification/verification-code":
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(status)
			_, _ = w.Write(body)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	t.Cleanup(srv.Close)
	e, err := logtoapi.ParseEndpoint(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// r3SendCode reads the status and body of testdata/r3-send-code/<name>.json.
func r3SendCode(t *testing.T, name string) (int, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "r3-send-code", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Status, f.ResponseBody
}

// TestSendSignInCodeRealRefusals: what a real Logto answers when it cannot send the code
// becomes a typed error whose plain words name the cause, never Twilio's escaped JSON.
func TestSendSignInCodeRealRefusals(t *testing.T) {
	t.Parallel()
	rateLimited := []byte(`{"code":"request.message_rate_limited","message":"Too many requests."}`)
	tests := []struct {
		name       string
		fixture    string // testdata/r3-send-code; "" uses status and body
		status     int
		body       []byte
		twilio     int    // the Twilio code of the *TwilioError wanted; 0: none
		code       string // the Logto code of the *APIError wanted; "" none
		rateLimit  bool   // a *MessageRateLimitError is wanted
		wantInText []string
	}{
		{
			name: "Twilio 20003 relayed", fixture: "r3-010-twilio-401-send-code", twilio: 20003, code: "",
			wantInText: []string{"Twilio refused the sign-in code: error 20003", "Auth Token", "twilio-20003"},
		},
		{
			name: "Twilio 21705 relayed", fixture: "r3-011-twilio-400-send-code", twilio: 21705,
			wantInText: []string{"Twilio refused the sign-in code: error 21705", "Messaging Service saved in Logto's Twilio connector", "twilio-21705"},
		},
		{
			name: "no connector, 501 (real)", fixture: "r3-021-no-connector-phone-sie-send-code", code: "connector.not_found",
			wantInText: []string{"Logto answered 501 connector.not_found", "no Twilio SMS connector", "logto-has-no-sms-connector"},
		},
		{
			name: "no connector, 501 (real), username sign-in", fixture: "r3-020-no-connector-username-sie-send-code", code: "connector.not_found",
			wantInText: []string{"Logto answered 501 connector.not_found"},
		},
		{
			name: "rate limited (1.41)", status: http.StatusTooManyRequests, body: rateLimited, code: "request.message_rate_limited", rateLimit: true,
			wantInText: []string{"+12015550199", "at most 10 codes to one phone in 10 minutes", "Wait up to 10 minutes", "logto-too-many-codes-to-one-phone"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, body := tc.status, tc.body
			if tc.fixture != "" {
				status, body = r3SendCode(t, tc.fixture)
			}
			e := sendCodeAnswer(t, status, body)
			err := logtoapi.SendSignInCode(t.Context(), nil, e, "ry39ozo6bcxgdmz4q7fux", "http://localhost:3001/logto/sign-in-callback", "12015550199")
			if err == nil {
				t.Fatal("no error")
			}
			var te *logtoapi.TwilioError
			if got := errors.As(err, &te); got != (tc.twilio != 0) || got && te.Code != tc.twilio {
				t.Errorf("TwilioError = %+v, want code %d", te, tc.twilio)
			}
			var ae *logtoapi.APIError
			if got := errors.As(err, &ae); got != (tc.code != "") || got && ae.Code != tc.code {
				t.Errorf("APIError = %v, want code %q", ae, tc.code)
			}
			var rl *logtoapi.MessageRateLimitError
			if errors.As(err, &rl) != tc.rateLimit {
				t.Errorf("MessageRateLimitError = %v, want %v", rl, tc.rateLimit)
			}
			var ex interface{ Explain() (string, string) }
			if !errors.As(err, &ex) {
				t.Fatalf("%v has no Explain", err)
			}
			what, next := ex.Explain()
			text := err.Error() + "\n" + what + "\n" + next + "\n" + logtoapi.Explain(err)
			for _, w := range tc.wantInText {
				if !strings.Contains(text, w) {
					t.Errorf("%q is not in:\n%s", w, text)
				}
			}
			for _, bad := range []string{`\"`, `{"code"`, "Error occurred in connector"} {
				if strings.Contains(text, bad) {
					t.Errorf("the text shows Logto's raw answer (%s):\n%s", bad, text)
				}
			}
		})
	}
}

// TestReadPublicSignInExperience reads the sign-in mode without a token, as the sign-in
// page does, through each version of the stand-in.
func TestReadPublicSignInExperience(t *testing.T) {
	t.Parallel()
	for _, v := range logtotest.Versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newStandin(t, logtotest.Version(v))
			got, err := logtoapi.ReadPublicSignInExperience(t.Context(), s.srv.Client(), s.e)
			if err != nil || got.SignInMode != logtoapi.SignInModeSignInAndRegister || got.SignInOnly() {
				t.Fatalf("default: %+v, %v", got, err)
			}
			s.srv.SetSignInMode(logtoapi.SignInModeSignIn)
			got, err = logtoapi.ReadPublicSignInExperience(t.Context(), s.srv.Client(), s.e)
			if err != nil || !got.SignInOnly() {
				t.Fatalf("after the PATCH: %+v, %v", got, err)
			}
			for _, r := range s.srv.Requests() {
				if r.Path == "/api/.well-known/sign-in-exp" && r.Header.Get("Authorization") != "" {
					t.Errorf("the read sent a token")
				}
			}
		})
	}
}

// TestPhoneHasAccount looks a phone's user up with an exact search.
func TestPhoneHasAccount(t *testing.T) {
	t.Parallel()
	for _, v := range logtotest.Versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newStandin(t, logtotest.Version(v))
			s.srv.AddUser("14155550123")
			for phone, want := range map[string]bool{"14155550123": true, "1415555012": false, "4155550123": false, "12015550199": false} {
				got, err := s.c.PhoneHasAccount(t.Context(), phone)
				if err != nil || got != want {
					t.Errorf("%s: %v, %v; want %v", phone, got, err, want)
				}
			}
			if _, err := s.c.PhoneHasAccount(t.Context(), "+14155550123"); err == nil {
				t.Error("a phone with + was sent")
			}
		})
	}
}
