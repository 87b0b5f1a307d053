package twiliosetup

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
)

// phoneRegion is one region's (or one non-geographic calling code's, id "001") part of
// libphonenumber's metadata; phonedata.go lists them.
type phoneRegion struct {
	id        string // "US", or "001" for a non-geographic calling code such as 800
	cc        int    // country calling code
	prefix    string // national prefix for parsing (a pattern), "" when none
	transform string // replacement applied with prefix, "" when the prefix is just removed
	idd       string // international dialling prefix (a pattern)
	leading   string // leading digits that pick this region among those sharing cc
	lengths   string // possible national lengths, one byte each, ascending
	local     string // lengths possible only when dialled locally
	general   string // pattern of every national number of the region
	valid     string // for regions sharing cc without leading: pattern of a number of a known type

	once                                           sync.Once
	prefixRE, iddRE, leadingRE, generalRE, validRE *regexp.Regexp
}

// compiled compiles r's patterns on first use (most runs parse one or two numbers).
func (r *phoneRegion) compiled() *phoneRegion {
	r.once.Do(func() {
		r.prefixRE = compileAnchored(r.prefix, false)
		r.iddRE = compileAnchored(r.idd, false)
		r.leadingRE = compileAnchored(r.leading, false)
		r.generalRE = compileAnchored(r.general, true)
		r.validRE = compileAnchored(r.valid, true)
	})
	return r
}

func compileAnchored(p string, whole bool) *regexp.Regexp {
	if p == "" {
		return nil
	}
	if whole {
		return regexp.MustCompile("^(?:" + p + ")$")
	}
	return regexp.MustCompile("^(?:" + p + ")")
}

func matches(re *regexp.Regexp, s string) bool { return re != nil && re.MatchString(s) }

// regionByID returns the metadata of a region ("US"), or nil.
func regionByID(id string) *phoneRegion {
	if len(id) != 2 {
		return nil
	}
	for i := range phoneRegions {
		if phoneRegions[i].id == id {
			return &phoneRegions[i]
		}
	}
	return nil
}

// regionsFor returns the regions of a calling code, the main one first.
func regionsFor(cc int) []phoneRegion {
	lo := 0
	for lo < len(phoneRegions) && phoneRegions[lo].cc < cc {
		lo++
	}
	hi := lo
	for hi < len(phoneRegions) && phoneRegions[hi].cc == cc {
		hi++
	}
	return phoneRegions[lo:hi]
}

// phoneDigits keeps the digits of s (in any script), after a leading "+", which it reports.
// Formatting characters are dropped; an extension or a letter is an error.
func phoneDigits(s string) (string, bool, error) {
	s = strings.TrimSpace(s)
	plus := false
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		s, plus = rest, true
	} else if rest, ok := strings.CutPrefix(s, "\uff0b"); ok {
		s, plus = rest, true
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsDigit(r):
			b.WriteByte("0123456789"[digitValue(r)])
		case isPhonePunct(r):
		case r == '#' || r == ',' || r == ';' || r == 'x' || r == 'X' || hasExtension(s[i:]):
			if b.Len() > 0 {
				return "", false, inputErr(ErrPhone, "invalid phone number: remove the extension")
			}
			return "", false, inputErr(ErrPhone, "invalid phone number: use digits only")
		default:
			return "", false, inputErr(ErrPhone, "invalid phone number: use digits only")
		}
	}
	if b.Len() < 2 {
		return "", false, inputErr(ErrPhone, "invalid phone number: too short")
	}
	return b.String(), plus, nil
}

func hasExtension(s string) bool {
	s = strings.ToLower(s)
	for _, p := range []string{"ext", "extn", "extension", "anexo", "доб", "内線"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func isPhonePunct(r rune) bool {
	switch r {
	case ' ', '-', '.', '(', ')', '/', '[', ']', '~', '\u00a0', '\u00ad', '\u200b', '\u2060', '\u3000',
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\u30fc', '\uff0d', '\uff0e',
		'\uff0f', '\uff08', '\uff09', '\uff3b', '\uff3d', '\uff5e', '\u2053', '\u223c', '\t':
		return true
	}
	return false
}

// digitValue is the value of a decimal digit of any script: Unicode lays each script's ten
// digits out in order, so the value is the distance to the first of the run.
func digitValue(r rune) int {
	n := 0
	for n < 9 && unicode.IsDigit(r-rune(n)-1) {
		n++
	}
	return n % 10
}

// splitCountryCode finds the calling code and the national significant number, the way
// libphonenumber's parser does: from "+", from the default region's international prefix, or
// from the default region (after removing its national prefix).
func splitCountryCode(digits string, plus bool, home *phoneRegion) (int, string, error) {
	if !plus && home != nil {
		if h := home.compiled(); h.iddRE != nil {
			if loc := h.iddRE.FindStringIndex(digits); loc != nil && loc[1] < len(digits) && digits[loc[1]] != '0' {
				digits, plus = digits[loc[1]:], true
			}
		}
	}
	if plus {
		if len(digits) <= 2 {
			return 0, "", inputErr(ErrPhone, "invalid phone number: too short")
		}
		for n := 1; n <= 3 && n < len(digits); n++ {
			cc := atoi(digits[:n])
			if digits[0] != '0' && len(regionsFor(cc)) > 0 {
				return cc, nationalNumber(&regionsFor(cc)[0], digits[n:]), nil
			}
		}
		return 0, "", inputErr(ErrPhone, "invalid phone number: unknown country code")
	}
	h := home.compiled()
	// A national number that starts with the region's own calling code ("4930…" in DE).
	if code := fmt.Sprint(h.cc); strings.HasPrefix(digits, code) {
		potential := stripNationalPrefix(h, digits[len(code):])
		if (!matches(h.generalRE, digits) && matches(h.generalRE, potential)) || lengthReason(h, digits) == "too long" {
			return h.cc, potential, nil
		}
	}
	return h.cc, nationalNumber(h, digits), nil
}

// nationalNumber removes r's national prefix when what remains has a possible length, as
// libphonenumber does.
func nationalNumber(r *phoneRegion, digits string) string {
	r = r.compiled()
	potential := stripNationalPrefix(r, digits)
	switch lengthReason(r, potential) {
	case "too short", "add the area code", "wrong length for that country":
	default:
		digits = potential
	}
	return digits
}

func stripNationalPrefix(r *phoneRegion, n string) string {
	if n == "" || r.prefixRE == nil {
		return n
	}
	loc := r.prefixRE.FindStringSubmatchIndex(n)
	if loc == nil {
		return n
	}
	viable := matches(r.generalRE, n)
	last := len(loc)/2 - 1
	if r.transform == "" || loc[last*2] < 0 {
		if viable && !matches(r.generalRE, n[loc[1]:]) {
			return n
		}
		return n[loc[1]:]
	}
	t := r.prefixRE.ReplaceAllString(n, r.transform)
	if viable && !matches(r.generalRE, t) {
		return n
	}
	return t
}

// possible checks the length of nsn for cc, against the main region of cc; "" means possible.
func possible(cc int, nsn string) string {
	rs := regionsFor(cc)
	if len(rs) == 0 {
		return "unknown country code"
	}
	return lengthReason(&rs[0], nsn)
}

func lengthReason(r *phoneRegion, nsn string) string {
	n := len(nsn)
	if r.lengths == "" {
		return "wrong length for that country"
	}
	if hasLength(r.local, n) {
		return "add the area code"
	}
	switch {
	case n == int(r.lengths[0]):
		return ""
	case n < int(r.lengths[0]):
		return "too short"
	case n > int(r.lengths[len(r.lengths)-1]):
		return "too long"
	case hasLength(r.lengths, n):
		return ""
	default:
		return "wrong length for that country"
	}
}

// regionOf is the region of a number, as libphonenumber's GetRegionCodeForNumber, falling back
// to the main region of the code; "" for a non-geographic code (such as 800).
func regionOf(cc int, nsn string) string {
	rs := regionsFor(cc)
	if len(rs) == 0 || rs[0].id == "001" {
		return ""
	}
	if len(rs) > 1 {
		for i := range rs {
			r := rs[i].compiled()
			if r.leadingRE != nil {
				if r.leadingRE.MatchString(nsn) {
					return r.id
				}
			} else if matches(r.generalRE, nsn) && matches(r.validRE, nsn) {
				return r.id
			}
		}
	}
	return rs[0].id
}

// hasLength reports whether the packed lengths ls (one byte each) hold n.
func hasLength(ls string, n int) bool {
	for i := range len(ls) {
		if int(ls[i]) == n {
			return true
		}
	}
	return false
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
