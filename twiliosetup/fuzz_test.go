package twiliosetup_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

func fuzzSID(f *testing.F, prefix string, validate func(string) error) {
	for _, s := range []string{
		prefix + "0123456789abcdef0123456789abcdef", prefix + "0123456789ABCDEF0123456789ABCDEF",
		"", prefix, prefix + "xyz", "\"" + prefix + "0123456789abcdef0123456789abcdef\"\n",
		strings.ToLower(prefix) + "0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef",
		prefix + "0123456789abcdef0123456789abcdeé", "\x00\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := validate(twiliosetup.Clean(s))
		c := twiliosetup.Clean(s)
		valid := len(c) == 34 && strings.HasPrefix(c, prefix) && isHex(c[2:])
		if (err == nil) != valid {
			t.Fatalf("validate(%q) = %v, want valid=%v", c, err, valid)
		}
	})
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

func FuzzAccountSID(f *testing.F) { fuzzSID(f, "AC", twiliosetup.ValidateAccountSID) }

func FuzzServiceSID(f *testing.F) { fuzzSID(f, "MG", twiliosetup.ValidateServiceSID) }

func FuzzAuthToken(f *testing.F) {
	for _, s := range []string{tokenOK, tokenOK + "\n", "", "x", strings.Repeat("g", 32), tokenOK[:31] + "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := twiliosetup.ValidateAuthToken(s)
		valid := len(s) == 32 && isHex(s)
		if (err == nil) != valid {
			t.Fatalf("ValidateAuthToken = %v, want valid=%v", err, valid)
		}
		if err != nil && len(s) >= 4 && strings.Contains(err.Error(), s) {
			t.Fatalf("error %q echoes the token", err)
		}
	})
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range [][2]string{
		{"+14155550100", ""},
		{"(415) 555-0100", "US"},
		{"0044 20 7946 0958", ""},
		{"07700 900123", "GB"},
		{"+1 415 555 0100 ext. 12", ""},
		{"++1", ""},
		{"00", "US"},
		{"+", ""},
		{"\u0660\u0661", "EG"},
		{"+999", ""},
		{"tel:+1-415-555-0100", ""},
		{"1-800-FLOWERS", "US"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, in, region string) {
		p, err := twiliosetup.ParsePhone(in, region)
		if err != nil {
			return
		}
		e := p.E164()
		if len(e) < 3 || len(e) > 16 || e[0] != '+' || e[1] == '0' || p.Digits() != e[1:] {
			t.Fatalf("ParsePhone(%q, %q) = %q, not E.164", in, region, e)
		}
		for _, c := range p.Digits() {
			if c < '0' || c > '9' {
				t.Fatalf("Digits() = %q", p.Digits())
			}
		}
		// E.164 output parses back to itself.
		q, err := twiliosetup.ParsePhone(e, "")
		if err != nil || q.E164() != e {
			t.Fatalf("round trip of %q: %q, %v", e, q.E164(), err)
		}
	})
}

func FuzzTemplate(f *testing.F) {
	for _, s := range []string{
		"Your code is {{code}}.", "", "{{code}}", "{{ code }}", "{{{code}}}", "Ваш код {{code}}",
		strings.Repeat("€", 81) + "{{code}}", "🙂{{code}}", "\xff{{code}}", strings.Repeat("a", 1600),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		seg := twiliosetup.CountSegments(s)
		if seg.Count < 0 || seg.Chars != utf8.RuneCountInString(s) {
			t.Fatalf("CountSegments(%q) = %+v", s, seg)
		}
		if (seg.Count == 0) != (s == "") {
			t.Fatalf("CountSegments(%q) = %+v", s, seg)
		}
		if seg.Encoding != "GSM-7" && seg.Encoding != "UCS-2" {
			t.Fatalf("encoding %q", seg.Encoding)
		}
		got, err := twiliosetup.ValidateTemplate(s)
		if err != nil {
			return
		}
		if !strings.Contains(s, "{{code}}") || utf8.RuneCountInString(s) > 1600 || got.Count < 1 {
			t.Fatalf("ValidateTemplate(%q) accepted: %+v", s, got)
		}
	})
}
