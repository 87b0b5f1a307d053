package twiliosetup_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

func TestParsePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, region      string
		e164, digits, region2 string
		wantErr               string
	}{
		{name: "e164", in: "+14155550100", e164: "+14155550100", digits: "14155550100", region2: "US"},
		{name: "fictional 555 accepted", in: "+15551234567", e164: "+15551234567", digits: "15551234567", region2: "US"},
		{name: "spaces dashes parens", in: "+1 (415) 555-0100", e164: "+14155550100", digits: "14155550100", region2: "US"},
		{name: "dots", in: "+44.20.7946.0958", e164: "+442079460958", digits: "442079460958", region2: "GB"},
		{name: "00 prefix no region", in: "0044 20 7946 0958", e164: "+442079460958", digits: "442079460958", region2: "GB"},
		{name: "00 prefix with US region", in: "0033 6 12 34 56 78", region: "US", e164: "+33612345678", digits: "33612345678", region2: "FR"},
		{name: "national US", in: "(415) 555-0100", region: "US", e164: "+14155550100", digits: "14155550100", region2: "US"},
		{name: "national GB trunk 0", in: "07700 900123", region: "GB", e164: "+447700900123", digits: "447700900123", region2: "GB"},
		{name: "national DE", in: "030 123456", region: "de", e164: "+4930123456", digits: "4930123456", region2: "DE"},
		{name: "international wins over region", in: "+33 6 12 34 56 78", region: "US", e164: "+33612345678", digits: "33612345678", region2: "FR"},
		{name: "pasted with quotes", in: "\"+14155550100\"\n", e164: "+14155550100", digits: "14155550100", region2: "US"},
		{name: "national without region", in: "4155550100", wantErr: "country code"},
		{name: "empty", in: "  ", wantErr: "empty"},
		{name: "letters", in: "call me", region: "US", wantErr: "invalid phone number: use digits only"},
		{name: "too short", in: "+1 415", wantErr: "too short"},
		{name: "too long", in: "+1 415 555 0100 1234", wantErr: "too long"},
		{name: "local only", in: "555-0100", region: "US", wantErr: "area code"},
		{name: "unknown country code", in: "+999 123 4567", wantErr: "invalid phone number"},
		{name: "unknown region", in: "4155550100", region: "XX", wantErr: "unknown region"},
		{name: "letters no region", in: "+abc", wantErr: "invalid phone number"},
		{name: "extension", in: "+1 415 555 0100 ext. 12", wantErr: "extension"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := twiliosetup.ParsePhone(tt.in, tt.region)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParsePhone(%q, %q) = %q, want error containing %q", tt.in, tt.region, p.E164(), tt.wantErr)
				}
				if !errors.Is(err, twiliosetup.ErrPhone) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v: want ErrPhone containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "supplied") || strings.Contains(err.Error(), "the string") {
					t.Errorf("error %q: libphonenumber's wording, not ours", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePhone(%q, %q): %v", tt.in, tt.region, err)
			}
			if p.E164() != tt.e164 || p.Digits() != tt.digits || p.Region() != tt.region2 {
				t.Errorf("got (%q, %q, %q), want (%q, %q, %q)", p.E164(), p.Digits(), p.Region(), tt.e164, tt.digits, tt.region2)
			}
			if p.String() != p.E164() || p.IsZero() {
				t.Errorf("String/IsZero inconsistent: %q %v", p.String(), p.IsZero())
			}
		})
	}
}

// The sender's region is the natural default for a national number.
func TestParsePhoneRegionFromSender(t *testing.T) {
	t.Parallel()
	sender, err := twiliosetup.ParsePhone("+447700900123", "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := twiliosetup.ParsePhone("07700 900456", sender.Region())
	if err != nil {
		t.Fatal(err)
	}
	if p.E164() != "+447700900456" {
		t.Errorf("got %q", p.E164())
	}
}
