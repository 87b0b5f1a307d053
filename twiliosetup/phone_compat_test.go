package twiliosetup_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// ParsePhone reads libphonenumber's metadata from phonedata.go, generated from
// github.com/nyaruka/phonenumbers (which the binary does not link). This test checks it against
// the library itself on every region's example numbers and their variants: the same numbers are
// accepted, with the same E.164 form and region.
func TestParsePhoneAgreesWithPhonenumbers(t *testing.T) {
	t.Parallel()
	types := []phonenumbers.PhoneNumberType{
		phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE,
		phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER,
		phonenumbers.UAN, phonenumbers.VOICEMAIL,
	}
	type input struct{ in, region string }
	var inputs []input
	add := func(n *phonenumbers.PhoneNumber, region string) {
		if n == nil {
			return
		}
		e := phonenumbers.Format(n, phonenumbers.E164)
		nat := phonenumbers.Format(n, phonenumbers.NATIONAL)
		intl := phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
		inputs = append(inputs, input{e, ""}, input{intl, ""}, input{"00" + e[1:], ""}, input{e[:len(e)-1], ""},
			input{e + "1", ""}, input{e + "12", ""}, input{e[:len(e)-3], ""})
		if region != "" {
			nsn := phonenumbers.GetNationalSignificantNumber(n)
			inputs = append(inputs, input{nat, region}, input{nsn, region}, input{"0" + nsn, region},
				input{strconv.Itoa(int(n.GetCountryCode())) + nsn, region}, input{nsn[:len(nsn)-1], region},
				input{e, region})
		}
	}
	for region := range phonenumbers.GetSupportedRegions() {
		for _, typ := range types {
			add(phonenumbers.GetExampleNumberForType(region, typ), region)
		}
	}
	for cc := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		add(phonenumbers.GetExampleNumberForNonGeoEntity(cc), "")
	}
	inputs = append(inputs, input{"+1 555 123 4567", ""}, input{"+1 (415) 555-0100", "CA"}, input{"011 44 20 7946 0958", "US"},
		input{"+39 06 1234 5678", ""}, input{"06 1234 5678", "IT"}, input{"+7 701 123 4567", ""}, input{"15 1234 5678", "AR"})

	mismatches := 0
	for _, c := range inputs {
		want, wantRegion, wantOK := reference(c.in, c.region)
		p, err := twiliosetup.ParsePhone(c.in, c.region)
		if (err == nil) != wantOK || (wantOK && (p.E164() != want || p.Region() != wantRegion)) {
			mismatches++
			if mismatches <= 20 {
				t.Errorf("ParsePhone(%q, %q) = %q %q %v; phonenumbers: %q %q ok=%v", c.in, c.region, p.E164(), p.Region(), err, want, wantRegion, wantOK)
			}
		}
	}
	if mismatches > 0 {
		t.Errorf("%d of %d inputs disagree", mismatches, len(inputs))
	}
	t.Logf("%d inputs agree", len(inputs))
}

// reference is what the old phonenumbers-based ParsePhone returned.
func reference(in, region string) (string, string, bool) {
	s := strings.TrimSpace(twiliosetup.Clean(in))
	if rest, ok := strings.CutPrefix(strings.NewReplacer(" ", "", "-", "", ".", "", "(", "", ")", "").Replace(s), "00"); ok {
		s = "+" + rest
	}
	if region == "" {
		region = "ZZ"
	}
	n, err := phonenumbers.Parse(s, region)
	if err != nil || n.GetExtension() != "" || phonenumbers.IsPossibleNumberWithReason(n) != phonenumbers.IS_POSSIBLE {
		return "", "", false
	}
	e := phonenumbers.Format(n, phonenumbers.E164)
	if len(e) > 16 {
		return "", "", false
	}
	r := phonenumbers.GetRegionCodeForNumber(n)
	if r == "" || r == "ZZ" {
		r = phonenumbers.GetRegionCodeForCountryCode(int(n.GetCountryCode()))
	}
	if r == "ZZ" || r == "001" {
		r = ""
	}
	return e, r, true
}
