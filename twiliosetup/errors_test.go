package twiliosetup_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

func TestExplain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code    int
		whatHas string
		nextHas string
	}{
		{20003, "Account SID and Auth Token", "Console"},
		{20404, "nothing with that SID", "Check the SID"},
		{20500, "internal error", "status.twilio.com"},
		{21617, "1,600", "Shorten"},
		{20429, "too many requests", "try again"},
		{21211, "not a valid phone number", "country code"},
		{21408, "that country", "Geo permissions"},
		{21608, "verified numbers", twiliosetup.ConsoleVerifiedCallerIDs},
		{21610, "opted out", "START"},
		{21614, "cannot receive SMS", "mobile"},
		{30003, "could not be reached", "signal"},
		{30005, "does not know this number", "Check the number"},
		{30006, "landline", "mobile"},
		{30007, "filtered", "template"},
		{30032, "toll-free", "verification"},
		{30034, "10DLC", "Register"},
		{30044, "trial", "one segment"},
		{21222, "Account SID", "Paste"},
		{21224, "Auth Token", "Paste"},
		{21712, "another Messaging Service", "Remove"},
		{10002, "Trial", "upgrade"},
		{572005, "not verified", twiliosetup.ConsoleVerifiedCallerIDs},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			t.Parallel()
			what, next := twiliosetup.Explain(tt.code)
			if !strings.Contains(what, tt.whatHas) {
				t.Errorf("what = %q, want it to contain %q", what, tt.whatHas)
			}
			if !strings.Contains(next, tt.nextHas) {
				t.Errorf("next = %q, want it to contain %q", next, tt.nextHas)
			}
			if strings.Contains(what, "\n") || strings.Contains(next, "\n") {
				t.Error("explanation is not one line")
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		t.Parallel()
		if w, n := twiliosetup.Explain(99999); w != "" || n != "Twilio's page on this error: https://www.twilio.com/docs/errors/99999" {
			t.Errorf("Explain(99999) = %q, %q", w, n)
		}
		if w, n := twiliosetup.Explain(0); w != "" || n != "" {
			t.Errorf("Explain(0) = %q, %q", w, n)
		}
	})
}

// The next step of a code with an entry in docs/troubleshooting.md ends with its link (the
// anchors are checked against the page in internal/docs); a code the page does not explain
// has none, and a code this package does not explain links Twilio's own page.
func TestExplainLinks(t *testing.T) {
	t.Parallel()
	const page = "https://github.com/logto-twilio/logto-twilio/blob/main/docs/troubleshooting.md#"
	tests := []struct {
		code     int
		wantTail string // "" for no link
	}{
		{20003, " Troubleshooting: " + page + "twilio-20003"},
		{21211, " Troubleshooting: " + page + "twilio-21211"},
		{21408, " Troubleshooting: " + page + "twilio-21408"},
		{21608, " Troubleshooting: " + page + "twilio-21608"},
		{21610, " Troubleshooting: " + page + "twilio-21610"},
		{30003, " Troubleshooting: " + page + "twilio-30003"},
		{30004, " Troubleshooting: " + page + "twilio-30004"},
		{30005, " Troubleshooting: " + page + "twilio-30005"},
		{30006, " Troubleshooting: " + page + "twilio-30006"},
		{30007, " Troubleshooting: " + page + "twilio-30007"},
		{30008, " Troubleshooting: " + page + "twilio-30008"},
		{30034, " Troubleshooting: " + page + "twilio-30034"},
		{30044, " Troubleshooting: " + page + "twilio-trial-account-limits"},
		{21607, " Troubleshooting: " + page + "twilio-trial-account-limits"},
		{20404, ""},
		{21712, ""},
		{21705, " Troubleshooting: " + page + "twilio-21705"},
		{31337, "Twilio's page on this error: https://www.twilio.com/docs/errors/31337"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			t.Parallel()
			_, next := twiliosetup.Explain(tt.code)
			if tt.wantTail == "" {
				if strings.Contains(next, "https://") {
					t.Errorf("next = %q, want no link", next)
				}
				return
			}
			if !strings.HasSuffix(next, tt.wantTail) {
				t.Errorf("next = %q, want it to end with %q", next, tt.wantTail)
			}
		})
	}
}

// A Twilio error outside the hand-written explanations shows Twilio's own page rather than
// nothing: from the API, from a message's final state, and built by hand.
func TestUnexplainedCodeLinksTwilio(t *testing.T) {
	t.Parallel()
	const want = "https://www.twilio.com/docs/errors/30099"
	err := twiliosetup.Message{Status: "undelivered", ErrorCode: 30099}.Err()
	var te *twiliosetup.Error
	if !errors.As(err, &te) {
		t.Fatalf("Err() = %v", err)
	}
	if _, next := te.Explain(); !strings.Contains(next, "Twilio Console") || !strings.HasSuffix(next, want) {
		t.Errorf("message error: next = %q, want the Console and %s", next, want)
	}
	if _, next := (&twiliosetup.Error{Code: 30099, Message: "Odd"}).Explain(); next != "Twilio's page on this error: "+want {
		t.Errorf("bare error: next = %q", next)
	}
	if _, next := (&twiliosetup.Error{What: "No sender."}).Explain(); next != "" {
		t.Errorf("local error: next = %q, want none", next)
	}
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  *twiliosetup.Error
		want string
	}{
		{
			"with explanation", &twiliosetup.Error{Code: 21608, Message: "The number is unverified", What: "Trial."},
			"twilio error 21608: Trial. (The number is unverified)",
		},
		{"message only", &twiliosetup.Error{Code: 12345, Message: "Odd"}, "twilio error 12345: Odd"},
		{"local", &twiliosetup.Error{What: "No sender."}, "twilio: No sender."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

// Every error Message.Err builds is an *Error with the explanation of its code.
func TestMessageErr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		msg     twiliosetup.Message
		code    int
		wantNil bool
	}{
		{"delivered", twiliosetup.Message{Status: "delivered"}, 0, true},
		{"sent", twiliosetup.Message{Status: "sent"}, 0, true},
		{"undelivered 30007", twiliosetup.Message{Status: "undelivered", ErrorCode: 30007}, 30007, false},
		{"failed 30034", twiliosetup.Message{Status: "failed", ErrorCode: 30034}, 30034, false},
		{"failed unknown code", twiliosetup.Message{Status: "failed", ErrorCode: 30099}, 30099, false},
		{"failed no code", twiliosetup.Message{Status: "failed"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.msg.Err()
			if tt.wantNil {
				if err != nil {
					t.Fatalf("Err() = %v", err)
				}
				return
			}
			var te *twiliosetup.Error
			if !errors.As(err, &te) {
				t.Fatalf("Err() = %v, not *Error", err)
			}
			if te.Code != tt.code || te.What == "" || te.Next == "" {
				t.Errorf("got %+v", te)
			}
			if w, _ := twiliosetup.Explain(tt.code); w != "" && te.What != w {
				t.Errorf("What = %q, want %q", te.What, w)
			}
		})
	}
}

func TestMessageFinal(t *testing.T) {
	t.Parallel()
	for status, want := range map[string]bool{
		"accepted": false, "queued": false, "sending": false, "sent": false, "scheduled": false,
		"delivered": true, "undelivered": true, "failed": true, "canceled": true,
	} {
		if got := (twiliosetup.Message{Status: status}).Final(); got != want {
			t.Errorf("Final(%q) = %v, want %v", status, got, want)
		}
	}
}

func TestErrorExplain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		err        *twiliosetup.Error
		what, next string
	}{
		{
			"explained", &twiliosetup.Error{Code: 21608, What: "Trial accounts can only text verified numbers.", Message: "+1415 is not verified", Next: "Verify it."},
			"Trial accounts can only text verified numbers (Twilio error 21608: +1415 is not verified)", "Verify it.",
		},
		{"unexplained", &twiliosetup.Error{Code: 30099, Message: "Unknown error."}, "Unknown error (Twilio error 30099)", "Twilio's page on this error: https://www.twilio.com/docs/errors/30099"},
		{"local finding", &twiliosetup.Error{What: "The service has no sender.", Next: "Add one."}, "The service has no sender", "Add one."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if what, next := tt.err.Explain(); what != tt.what || next != tt.next {
				t.Errorf("got %q, %q; want %q, %q", what, next, tt.what, tt.next)
			}
		})
	}
}

func TestInputErrors(t *testing.T) {
	t.Parallel()
	_, phoneErr := twiliosetup.ParsePhone("", "")
	_, tmplErr := twiliosetup.ValidateTemplate("no code")
	tests := []struct {
		name     string
		err      error
		sentinel error
		what     string
	}{
		{"empty SID", twiliosetup.ValidateAccountSID(""), twiliosetup.ErrEmpty, "Account SID: value is empty"},
		{"short token", twiliosetup.ValidateAuthToken("abc"), nil, "Auth Token must be 32 characters, got 3"},
		{"phone", phoneErr, twiliosetup.ErrPhone, "invalid phone number: empty"},
		{"template", tmplErr, twiliosetup.ErrTemplate, "invalid template: it must contain {{code}} (exactly so: lower case, no spaces)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ie *twiliosetup.InputError
			if !errors.As(tt.err, &ie) {
				t.Fatalf("%v is not an *InputError", tt.err)
			}
			if what, next := ie.Explain(); what != tt.what || next != "" {
				t.Errorf("Explain() = %q, %q; want %q", what, next, tt.what)
			}
			if tt.err.Error() != "twiliosetup: "+tt.what {
				t.Errorf("Error() = %q", tt.err)
			}
			if tt.sentinel != nil && !errors.Is(tt.err, tt.sentinel) {
				t.Errorf("%v is not %v", tt.err, tt.sentinel)
			}
		})
	}
}
