package logtoapi

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// badInput is a value found wrong before any request (by checkID, checkSecret, checkName,
// checkURIs). The operation wraps it with the package prefix ("logtoapi: new client: …");
// Explain, like InputError's, says it without the prefix.
type badInput struct{ msg string }

func badInputf(format string, args ...any) *badInput {
	return &badInput{msg: fmt.Sprintf(format, args...)}
}

func (e *badInput) Error() string { return e.msg }

// Explain says what is wrong with the value; there is no next step beyond correcting it.
func (e *badInput) Explain() (what, next string) { return e.msg, "" }

// checkID checks an id or name pasted by a user: not empty, no surrounding or inner
// whitespace, no control characters. The value may appear in the error.
func checkID(what, s string) error {
	if s == "" || strings.TrimSpace(s) == "" {
		return badInputf("%s is empty: paste it from the Logto Console", what)
	}
	if s != strings.TrimSpace(s) {
		return badInputf("%s %q has spaces or line breaks around it: paste it again without them", what, strings.TrimSpace(s))
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return badInputf("%s %q contains spaces or invisible characters: paste it again", what, s)
		}
	}
	if strings.ContainsAny(s, "/?#%\\") {
		return badInputf("%s %q contains characters an id never has (/ ? # %% \\)", what, s)
	}
	return nil
}

// checkSecret is checkID for secrets: the value never appears in the error.
func checkSecret(what, s string) error {
	if s == "" || strings.TrimSpace(s) == "" {
		return badInputf("%s is empty: paste it from the Logto Console", what)
	}
	if s != strings.TrimSpace(s) {
		return badInputf("%s has spaces or line breaks around it: paste it again without them", what)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return badInputf("%s contains spaces or invisible characters: paste it again", what)
		}
	}
	return nil
}

// checkName checks a display name (application or secret name): not empty, no
// surrounding whitespace, no control characters, at most 256 characters.
func checkName(what, s string) error {
	if strings.TrimSpace(s) == "" {
		return badInputf("%s is empty", what)
	}
	if s != strings.TrimSpace(s) {
		return badInputf("%s %q has spaces around it", what, strings.TrimSpace(s))
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return badInputf("%s %q contains invisible characters", what, s)
		}
	}
	if n := len([]rune(s)); n > 256 {
		return badInputf("%s is %d characters long; Logto allows at most 256", what, n)
	}
	return nil
}

// checkURIs checks redirect URIs: absolute http or https URLs without spaces.
func checkURIs(what string, uris []string) error {
	for _, s := range uris {
		if s != strings.TrimSpace(s) || strings.ContainsAny(s, " \t\r\n") {
			return badInputf("%s %q contains spaces", what, strings.TrimSpace(s))
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return badInputf("%s %q is not an absolute http:// or https:// URL", what, s)
		}
		if u.Fragment != "" {
			return badInputf("%s %q must not contain a fragment (#...)", what, s)
		}
	}
	return nil
}

// CheckPhoneDigits checks a phone number for Logto's connector test: digits only
// (country code first, no "+", no spaces), 7 to 15 digits.
func CheckPhoneDigits(phone string) error {
	switch {
	case phone == "":
		return errors.New("phone number is empty")
	case strings.HasPrefix(strings.TrimSpace(phone), "+"):
		return fmt.Errorf("phone number %q starts with \"+\": Logto wants digits only, country code first (e.g. 15551234567)", phone)
	}
	for _, r := range phone {
		if r < '0' || r > '9' {
			if unicode.IsSpace(r) || r == '-' || r == '(' || r == ')' || r == '.' {
				return fmt.Errorf("phone number %q contains spaces or punctuation: Logto wants digits only (e.g. 15551234567)", phone)
			}
			return fmt.Errorf("phone number %q contains %q: Logto wants digits only (e.g. 15551234567)", phone, r)
		}
	}
	if len(phone) < 7 || len(phone) > 15 {
		return fmt.Errorf("phone number %q has %d digits: a full international number with its country code has 7 to 15", phone, len(phone))
	}
	return nil
}
