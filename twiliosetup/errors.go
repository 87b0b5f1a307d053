package twiliosetup

import (
	"errors"
	"fmt"
	"strings"

	twclient "github.com/twilio/twilio-go/client"

	"github.com/logto-twilio/logto-twilio/internal/docs"
)

// Error is a Twilio error (from the API, from a message's final state, or found by this package
// before sending) with a plain explanation and the next step for the user.
type Error struct {
	Code     int    // Twilio error code; 0 for problems this package finds itself (see Unwrap)
	Status   int    // HTTP status; 0 for a message's delivery error or a local finding
	Message  string // Twilio's own message
	MoreInfo string // Twilio's documentation link
	What     string // one line: what went wrong, in plain words
	Next     string // one line: what to do next

	err error // the cause, for errors.Is / errors.As
}

// Error returns one line: the code, the plain explanation and Twilio's message. It never contains
// credentials.
func (e *Error) Error() string {
	s := "twilio"
	if e.Code != 0 {
		s += fmt.Sprintf(" error %d", e.Code)
	}
	what := e.What
	if what == "" {
		what = e.Message
	}
	s += ": " + what
	if e.Message != "" && e.Message != what {
		s += " (" + e.Message + ")"
	}
	return s
}

// Unwrap returns the cause: a *client.TwilioRestError for API errors, or a sentinel such as
// [ErrNoSender] or [ErrUnverifiedNumber].
func (e *Error) Unwrap() error { return e.err }

// Sentinels wrapped by the *Error values this package builds itself.
var (
	// ErrNoSender means a Messaging Service has no phone number in its sender pool.
	ErrNoSender = errors.New("twiliosetup: messaging service has no sender")
	// ErrUnverifiedNumber means a trial account would be refused (21608) for this recipient.
	ErrUnverifiedNumber = errors.New("twiliosetup: number not verified for this trial account")
)

// Codes this package explains. Code 20429 is also retried on its own (see [New]).
const (
	CodeAuthenticate       = 20003
	CodeNotFound           = 20404
	CodeTooManyRequests    = 20429
	CodeInvalidTo          = 21211
	CodeGeoPermission      = 21408
	CodeUnverifiedTrial    = 21608
	CodeOptedOut           = 21610
	CodeNotMobile          = 21614
	CodeUnreachable        = 30003
	CodeUnknownHandset     = 30005
	CodeLandline           = 30006
	CodeFiltered           = 30007
	CodeTollFreeUnverified = 30032
	CodeUnregistered10DLC  = 30034
	CodeTrialLength        = 30044
)

type explanation struct{ what, next string }

// explanations maps Twilio codes to a plain line and a next step. Sources: api-contracts.md §B.11
// and twilio.com/docs/api/errors/<code>.
var explanations = map[int]explanation{
	10002: {
		"Trial accounts cannot use this feature (a trial may hold only one number).",
		"Use the number you already have, or upgrade the account in the Twilio Console.",
	},
	20003: {
		"Twilio did not accept the Account SID and Auth Token together.",
		"Copy both again from the Twilio Console home page (live credentials, not test ones), with no spaces.",
	},
	20404: {
		"Twilio found nothing with that SID on this account.",
		"Check the SID (Account SIDs start with AC, Messaging Service SIDs with MG) and that it belongs to this account.",
	},
	20500: {
		"Twilio had an internal error.",
		"Try again in a minute; if it persists, check https://status.twilio.com.",
	},
	20429: {
		"Twilio is receiving too many requests from this account right now.",
		"Wait a few seconds and try again.",
	},
	21211: {
		"The 'To' phone number is not a valid phone number.",
		"Enter the number with its country code, for example +1 415 555 0100.",
	},
	21222: {
		"The Account SID contains characters Twilio does not allow (often a pasted space or newline).",
		"Paste the Account SID again: AC followed by 32 letters and digits.",
	},
	21224: {
		"The Auth Token contains characters Twilio does not allow (often a pasted space or newline).",
		"Paste the Auth Token again: 32 letters and digits.",
	},
	21408: {
		"This account may not send SMS to that country (Messaging Geo Permissions).",
		"Enable the country in the Twilio Console: Messaging > Settings > Geo permissions.",
	},
	21421: {
		"That phone number SID is not valid.",
		"Pick the number from the list of this account's numbers.",
	},
	21606: {
		"The sender number cannot send SMS.",
		"Use a number with SMS capability in the Messaging Service.",
	},
	21607: {
		"Trial accounts must send from their trial number.",
		"Put the trial number in the Messaging Service's sender pool, or upgrade the account.",
	},
	21608: {
		"Trial accounts can only text verified numbers, and this number is not verified.",
		"Verify it in the Twilio Console (Phone Numbers > Verified Caller IDs): " + ConsoleVerifiedCallerIDs,
	},
	21610: {
		"The recipient has opted out (replied STOP) of messages from this sender.",
		"From that phone, text START to the sender number, then try again.",
	},
	21614: {
		"The 'To' number cannot receive SMS (a landline or not a mobile number).",
		"Use a mobile phone number.",
	},
	21617: {
		"The message is longer than Twilio's 1,600-character limit.",
		"Shorten the template.",
	},
	21705: {
		"The Messaging Service SID is not valid.",
		"Copy it again from the Twilio Console: Messaging > Services (it starts with MG).",
	},
	21712: {
		"That number already belongs to another Messaging Service.",
		"Remove it from the other service in the Twilio Console, or pick another number.",
	},
	21714: {
		"The Messaging Service's sender pool is full.",
		"Remove unused numbers from the service or use another service.",
	},
	21715: {
		"That number cannot send SMS, so it cannot join a Messaging Service.",
		"Pick a number with SMS capability.",
	},
	30003: {
		"The phone could not be reached (switched off or out of coverage).",
		"Check that the phone is on and has signal, then send again.",
	},
	30004: {
		"The message was blocked: the recipient blocked this sender, opted out earlier, or the carrier blocked it.",
		"From that phone, text START to the sender number if it opted out, or try another phone.",
	},
	30005: {
		"The carrier does not know this number (it may not exist or be inactive).",
		"Check the number, then send again.",
	},
	30006: {
		"The number is a landline or its carrier cannot receive SMS.",
		"Use a mobile phone number.",
	},
	30007: {
		"The carrier filtered the message (spam or content policy).",
		"Make the template plainer (no links, no shortened URLs), and register the sender if it is a US number.",
	},
	30008: {
		"The carrier refused the message without saying why (Twilio's \"unknown error\").",
		"Send again in a few minutes; if it keeps failing, try another phone or carrier.",
	},
	30032: {
		"The toll-free sender is not verified, so texts to the US and Canada are blocked.",
		"Submit toll-free verification in the Twilio Console (Phone Numbers > Regulatory Compliance), or use another sender.",
	},
	30034: {
		"The US sender number is not registered for A2P 10DLC, so carriers block its texts.",
		"Register an A2P 10DLC campaign in the Twilio Console (Messaging > Regulatory Compliance), or use a toll-free number.",
	},
	30044: {
		"The message is too long for a trial account (trial messages must fit in one segment).",
		"Shorten the template to one segment, or upgrade the account.",
	},
	572002: {
		"This trial account must use its assigned trial number for this recipient.",
		"Send from the trial number Twilio assigned, or upgrade the account.",
	},
	572005: {
		"The recipient was added to the trial but not verified yet.",
		"Finish the verification in the Twilio Console: " + ConsoleVerifiedCallerIDs,
	},
}

// Explain returns a plain one-line explanation of a Twilio error code and the next step, which
// ends with a link to the code's entry of docs/troubleshooting.md when it has one. For a code it
// does not explain, what is empty and next is a link to Twilio's page on the code; for code 0
// both are empty.
func Explain(code int) (what, next string) {
	e, ok := explanations[code]
	switch {
	case ok:
		next = e.next
		if a, ok := docs.TwilioAnchor(code); ok {
			next += " " + a.More()
		}
		return e.what, next
	case code != 0:
		return "", docs.TwilioMore(code)
	}
	return "", ""
}

// fromRestError turns twilio-go's error into an *Error (keeping it as the cause); other errors
// are returned as they are.
func fromRestError(err error) error {
	var rest *twclient.TwilioRestError
	if !errors.As(err, &rest) {
		return err
	}
	what, next := Explain(rest.Code)
	return &Error{
		Code:     rest.Code,
		Status:   rest.Status,
		Message:  rest.Message,
		MoreInfo: rest.MoreInfo,
		What:     what,
		Next:     next,
		err:      err,
	}
}

// wrap prefixes err with the package name and the operation, after mapping Twilio errors.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("twiliosetup: %s: %w", op, fromRestError(err))
}

// InputError is bad input found before any request: an SID, an Auth Token, a phone number or a
// template that cannot be right. Error has the package prefix; Explain says it in plain words.
// It never holds the value when the value is a secret.
type InputError struct {
	Msg string // plain words, e.g. "Auth Token must be 32 characters, got 31"
	Err error  // the sentinel it is a case of: [ErrEmpty], [ErrPhone], [ErrTemplate] (may be nil)
}

// inputErr returns an *InputError for a case of sentinel (nil for none).
func inputErr(sentinel error, msg string) *InputError { return &InputError{Msg: msg, Err: sentinel} }

// Error returns "twiliosetup: " and the message.
func (e *InputError) Error() string { return "twiliosetup: " + e.Msg }

// Unwrap returns the sentinel, for errors.Is.
func (e *InputError) Unwrap() error { return e.Err }

// Explain says what is wrong with the input, in plain words; there is no next step beyond
// correcting it.
func (e *InputError) Explain() (what, next string) { return e.Msg, "" }

// Explain says what went wrong in plain words, Twilio's code and message last ("Trial accounts
// can only text verified numbers (Twilio error 21608: <Twilio's message>)"), and what to do next:
// for a code without a next step of its own, Twilio's page on it.
func (e *Error) Explain() (what, next string) {
	w := strings.TrimSuffix(strings.TrimSpace(e.What), ".")
	msg := strings.TrimSuffix(strings.TrimSpace(e.Message), ".")
	if w == "" {
		w, msg = msg, ""
	}
	var tail []string
	if e.Code != 0 {
		tail = append(tail, fmt.Sprintf("Twilio error %d", e.Code))
	}
	if msg != "" && msg != w {
		tail = append(tail, msg)
	}
	if len(tail) > 0 {
		w += " (" + strings.Join(tail, ": ") + ")"
	}
	next = e.Next
	if next == "" && e.Code != 0 {
		next = docs.TwilioMore(e.Code)
	}
	return w, next
}
