package steps

import (
	"fmt"
	"slices"
	"strings"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// CheckAnswer checks an answers file's value for the wizard's answer id with
// the validator its step uses, before any call: the answers file is refused
// at load (exit 2) rather than after the calls that come before that step.
// An empty value is not given, so not checked; an answer with no validator
// (a name, a folder, a secret's value) passes. The error says what is wrong
// and the expected shape; it never repeats the value.
func CheckAnswer(id, v string) error {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	if cs, ok := choices[id]; ok {
		if !slices.Contains(cs, strings.ToLower(strings.TrimSpace(v))) {
			return fmt.Errorf("give one of %s", strings.Join(cs, ", "))
		}
		return nil
	}
	if _, ok := strings.CutPrefix(id, AnswerTemplatesPrefix); ok {
		return shaped(validateTemplate(v), "a message text with {{code}}")
	}
	switch id {
	case AnswerEndpoint:
		return shaped(validateEndpoint(v), "the Logto endpoint, like http://localhost:3001 or https://<tenant>.logto.app")
	case AnswerM2MAppID, AnswerAppID:
		return shaped(validateAppID(v), "a Logto App ID (21 lower-case letters and digits)")
	case AnswerTwilioSID:
		return shaped(validateSID(v), "the Account SID: AC followed by 32 hex digits")
	case AnswerTwilioToken:
		return shaped(validateToken(v), "the Auth Token: 32 hex digits")
	case AnswerService:
		if clean(v) == createService {
			return nil
		}
		return shaped(twiliosetup.ValidateServiceSID(clean(v)), "a Messaging Service SID (MG followed by 32 hex digits), or new")
	case AnswerServiceNumber:
		want := "the number, in E.164 (+15551234567), or its Phone Number SID (PN followed by 32 hex digits)"
		if strings.HasPrefix(strings.ToUpper(clean(v)), "PN") {
			return shaped(twiliosetup.ValidateNumberSID(clean(v)), want)
		}
		_, err := twiliosetup.ParsePhone(clean(v), "")
		return shaped(err, want)
	case AnswerTestPhone:
		// A national number is read with the sender's region, known
		// only later (testsms.go); an international one is checked now.
		if !strings.HasPrefix(clean(v), "+") {
			return nil
		}
		_, err := twiliosetup.ParsePhone(clean(v), "")
		return shaped(err, "a phone number, e.g. +15551234567")
	}
	return nil
}

// shaped adds the expected shape to a validator's error (nil stays nil).
func shaped(err error, want string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s; give %s", strings.TrimSuffix(plainCause(err), "."), want)
}
