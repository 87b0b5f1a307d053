package twiliosetup

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Phone is a parsed phone number, held in E.164 form.
type Phone struct {
	e164   string
	region string
}

// ErrPhone is wrapped by every error ParsePhone returns.
var ErrPhone = errors.New("twiliosetup: invalid phone number")

// ParsePhone parses what people type: spaces, dashes, dots, parentheses, a leading "+" or "00",
// or a national number. defaultRegion ("US", "GB", ...; for example the region of the sender
// number, see [Phone.Region]) is used for a number without a country code; with "" the number must
// be international.
//
// Numbers are accepted when their length is possible for their country. Reserved ranges such as
// the fictional US 555-01xx numbers are accepted on purpose: Twilio, not this function, decides
// whether a number can receive SMS (error 21211 or 21614).
func ParsePhone(input, defaultRegion string) (Phone, error) {
	s := strings.TrimSpace(Clean(input))
	if s == "" {
		return Phone{}, inputErr(ErrPhone, "invalid phone number: empty")
	}
	if len(s) > 64 {
		return Phone{}, inputErr(ErrPhone, "invalid phone number: too long")
	}
	// "00" is the international prefix in most of the world; libphonenumber only honours it when
	// the default region uses it, so normalise it to "+" first.
	if rest, ok := strings.CutPrefix(stripFormatting(s), "00"); ok {
		s = "+" + rest
	}
	region := strings.ToUpper(strings.TrimSpace(defaultRegion))
	if region == "" && !strings.HasPrefix(s, "+") {
		return Phone{}, inputErr(ErrPhone, "invalid phone number: add the country code, starting with + (for example +1 for the US)")
	}
	if region != "" && !isKnownRegion(region) {
		return Phone{}, inputErr(ErrPhone, fmt.Sprintf("invalid phone number: unknown region %q", defaultRegion))
	}
	if region == "" {
		region = "ZZ"
	}
	num, err := phonenumbers.Parse(s, region)
	if err != nil {
		return Phone{}, inputErr(ErrPhone, "invalid phone number: "+parseReason(err))
	}
	if num.GetExtension() != "" {
		return Phone{}, inputErr(ErrPhone, "invalid phone number: remove the extension")
	}
	if reason := phonenumbers.IsPossibleNumberWithReason(num); reason != phonenumbers.IS_POSSIBLE {
		return Phone{}, inputErr(ErrPhone, fmt.Sprintf("invalid phone number: %s", possibleReason(reason)))
	}
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	if !isE164(e164) {
		return Phone{}, inputErr(ErrPhone, "invalid phone number: not a valid international number")
	}
	r := phonenumbers.GetRegionCodeForNumber(num)
	if r == "" || r == "ZZ" {
		r = phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode()))
	}
	if r == "ZZ" {
		r = ""
	}
	return Phone{e164: e164, region: r}, nil
}

// E164 returns the number as Twilio wants it, for example "+15551234567".
func (p Phone) E164() string { return p.e164 }

// Digits returns the number without "+", for example "15551234567": the form Logto stores and its
// connector test endpoint accepts.
func (p Phone) Digits() string { return strings.TrimPrefix(p.e164, "+") }

// Region returns the number's region ("US", "GB", ...), or "" when it has none (for example
// international service numbers).
func (p Phone) Region() string { return p.region }

// String returns the E.164 form.
func (p Phone) String() string { return p.e164 }

// IsZero reports whether p is the zero Phone.
func (p Phone) IsZero() bool { return p.e164 == "" }

func stripFormatting(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '(', ')', '/', '\u00a0':
			return -1
		}
		return r
	}, s)
}

func isKnownRegion(r string) bool {
	return phonenumbers.GetCountryCodeForRegion(r) != 0
}

func isE164(s string) bool {
	if len(s) < 3 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseReason says why libphonenumber could not parse a number, in our own
// words (its errors read "the phone number supplied is not a number").
func parseReason(err error) string {
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		return "unknown country code (start with + and the country code, for example +1 for the US)"
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		return "too short"
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return "too long"
	}
	return "use digits only, with the country code, for example +1 415 555 0100"
}

func possibleReason(r phonenumbers.ValidationResult) string {
	switch r {
	case phonenumbers.INVALID_COUNTRY_CODE:
		return "unknown country code"
	case phonenumbers.TOO_SHORT:
		return "too short"
	case phonenumbers.TOO_LONG:
		return "too long"
	case phonenumbers.INVALID_LENGTH:
		return "wrong length for that country"
	case phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		return "add the area code"
	default:
		return "not a possible number"
	}
}
