package twiliosetup

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

//go:generate go run ./internal/phonegen

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
// Numbers are accepted when their length is possible for their country, by libphonenumber's rules
// and metadata (phonedata.go, generated from github.com/nyaruka/phonenumbers, which only the
// generator and the tests link). Reserved ranges such as
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
	s = strings.TrimPrefix(s, "tel:")
	// "00" is the international prefix in most of the world; libphonenumber only honours it when
	// the default region uses it, so normalise it to "+" first.
	if rest, ok := strings.CutPrefix(stripFormatting(s), "00"); ok {
		s = "+" + rest
	}
	region := strings.ToUpper(strings.TrimSpace(defaultRegion))
	if region == "" && !strings.HasPrefix(s, "+") {
		return Phone{}, inputErr(ErrPhone, "invalid phone number: add the country code, starting with + (for example +1 for the US)")
	}
	var home *phoneRegion
	if region != "" {
		if home = regionByID(region); home == nil {
			return Phone{}, inputErr(ErrPhone, fmt.Sprintf("invalid phone number: unknown region %q", defaultRegion))
		}
	}
	digits, plus, err := phoneDigits(s)
	if err != nil {
		return Phone{}, err
	}
	cc, nsn, err := splitCountryCode(digits, plus, home)
	if err != nil {
		return Phone{}, err
	}
	if reason := possible(cc, nsn); reason != "" {
		return Phone{}, inputErr(ErrPhone, "invalid phone number: "+reason)
	}
	e164 := "+" + strconv.Itoa(cc) + nsn
	if !isE164(e164) {
		return Phone{}, inputErr(ErrPhone, "invalid phone number: not a valid international number")
	}
	return Phone{e164: e164, region: regionOf(cc, nsn)}, nil
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
