package twiliosetup

import (
	"errors"
	"fmt"
	"strings"
)

// Credentials are a Twilio Account SID and its Auth Token.
type Credentials struct {
	AccountSID string
	AuthToken  string
}

// ErrEmpty is returned by the validators for an empty value.
var ErrEmpty = errors.New("twiliosetup: value is empty")

// Clean trims what a paste brings along: spaces, tabs, newlines and quotes (straight or curly)
// around the value. twilio-go rejects a SID or token with any non-alphanumeric character before
// sending, so pasted values must go through Clean first.
func Clean(s string) string {
	return strings.Trim(s, " \t\r\n\v\f\u00a0\"'`\u2018\u2019\u201c\u201d")
}

// ValidateAccountSID checks an Account SID: "AC" followed by 32 hexadecimal digits.
// An API key SID ("SK…") pasted in its place is named as such.
func ValidateAccountSID(s string) error {
	if strings.HasPrefix(strings.ToUpper(s), "SK") {
		return inputErr(nil, "that is an API key SID (SK…), not the Account SID: copy the Account SID "+
			"(AC…) from the Twilio Console's home page")
	}
	return validateSID("Account SID", "AC", s)
}

// ValidateServiceSID checks a Messaging Service SID: "MG" followed by 32 hexadecimal digits.
func ValidateServiceSID(s string) error {
	return validateSID("Messaging Service SID", "MG", s)
}

// ValidateNumberSID checks a Phone Number SID: "PN" followed by 32 hexadecimal digits.
func ValidateNumberSID(s string) error {
	return validateSID("Phone Number SID", "PN", s)
}

// ValidateAuthToken checks an Auth Token: 32 hexadecimal digits. The error never contains the
// value.
func ValidateAuthToken(s string) error {
	switch {
	case s == "":
		return inputErr(ErrEmpty, "Auth Token: value is empty")
	case len(s) != 32:
		return inputErr(nil, fmt.Sprintf("Auth Token must be 32 characters, got %d", len(s)))
	case !isHex(s):
		return inputErr(nil, "Auth Token must contain only the characters 0-9 and a-f")
	}
	return nil
}

func validateSID(what, prefix, s string) error {
	switch {
	case s == "":
		return inputErr(ErrEmpty, what+": value is empty")
	case !strings.HasPrefix(strings.ToUpper(s), prefix):
		return inputErr(nil, fmt.Sprintf("%s must start with %q", what, prefix))
	case !strings.HasPrefix(s, prefix):
		return inputErr(nil, fmt.Sprintf("%s must start with upper-case %q", what, prefix))
	case len(s) != len(prefix)+32:
		return inputErr(nil, fmt.Sprintf("%s must be %q and 32 hex digits (%d characters), got %d characters",
			what, prefix, len(prefix)+32, len(s)))
	case !isHex(s[len(prefix):]):
		return inputErr(nil, fmt.Sprintf("%s must be %q followed by hex digits (0-9, a-f) only", what, prefix))
	}
	return nil
}

func isHex(s string) bool {
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}
