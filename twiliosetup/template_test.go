package twiliosetup_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

func TestCountSegments(t *testing.T) {
	t.Parallel()
	rep := strings.Repeat
	tests := []struct {
		name  string
		in    string
		count int
		enc   string
		chars int
	}{
		{"empty", "", 0, "GSM-7", 0},
		{"one char", "a", 1, "GSM-7", 1},
		{"160 gsm", rep("a", 160), 1, "GSM-7", 160},
		{"161 gsm", rep("a", 161), 2, "GSM-7", 161},
		{"306 gsm", rep("a", 306), 2, "GSM-7", 306},
		{"307 gsm", rep("a", 307), 3, "GSM-7", 307},
		{"gsm basic specials", "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà", 1, "GSM-7", 42},
		{"80 extension chars = 160 septets", rep("{", 80), 1, "GSM-7", 80},
		{"81 extension chars = 162 septets", rep("€", 81), 2, "GSM-7", 81},
		{"extension not split", rep("a", 152) + "^" + rep("a", 152), 3, "GSM-7", 305},
		{"each extension char", "\f^{}\\[~]|€", 1, "GSM-7", 10},
		{"emoji forces ucs2", "Code 123456 🙂", 1, "UCS-2", 13},
		{"70 ucs2", rep("ж", 70), 1, "UCS-2", 70},
		{"71 ucs2", rep("ж", 71), 2, "UCS-2", 71},
		{"134 ucs2", rep("ж", 134), 2, "UCS-2", 134},
		{"135 ucs2", rep("ж", 135), 3, "UCS-2", 135},
		{"35 emoji = 70 units", rep("🙂", 35), 1, "UCS-2", 35},
		{"36 emoji = 72 units", rep("🙂", 36), 2, "UCS-2", 36},
		{"surrogate pair not split", rep("ж", 66) + "🙂" + rep("ж", 66), 3, "UCS-2", 133},
		{"curly quote is not gsm", "it’s", 1, "UCS-2", 4},
		{"lowercase ç is not gsm", "ç", 1, "UCS-2", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := twiliosetup.CountSegments(tt.in)
			want := twiliosetup.Segments{Count: tt.count, Encoding: tt.enc, Chars: tt.chars}
			if got != want {
				t.Errorf("CountSegments = %+v, want %+v", got, want)
			}
		})
	}
}

func TestValidateTemplate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		count   int
		enc     string
		wantErr string
	}{
		{name: "ok", in: "Your code is {{code}}.", count: 1, enc: "GSM-7"},
		{name: "code twice", in: "{{code}} is your code ({{code}})", count: 1, enc: "GSM-7"},
		{name: "ucs2", in: "Ваш код {{code}}", count: 1, enc: "UCS-2"},
		// 154 + 6-digit code = 160: one segment once the code is in.
		{name: "fits with the code", in: strings.Repeat("a", 152) + "{{code}}", count: 1, enc: "GSM-7"},
		{name: "two with the code", in: strings.Repeat("a", 155) + "{{code}}", count: 2, enc: "GSM-7"},
		{name: "1600 ok", in: strings.Repeat("a", 1592) + "{{code}}", count: 11, enc: "GSM-7"},
		{name: "1601 too long", in: strings.Repeat("a", 1593) + "{{code}}", wantErr: "1601 characters"},
		{name: "missing", in: "Your code", wantErr: "must contain {{code}}"},
		{name: "spaces inside", in: "Your code {{ code }}", wantErr: "must contain {{code}}"},
		{name: "upper case", in: "Your code {{Code}}", wantErr: "must contain {{code}}"},
		{name: "single braces", in: "Your code {code}", wantErr: "must contain {{code}}"},
		{name: "other placeholder", in: "Hi {{name}}, code {{code}}", wantErr: "only placeholder"},
		{name: "stray braces", in: "code {{code}} }}", wantErr: "only placeholder"},
		{name: "triple braces", in: "code {{{code}}}", wantErr: "only placeholder"},
		{name: "empty", in: "", wantErr: "empty"},
		{name: "blank", in: " \n", wantErr: "empty"},
		{name: "invalid utf8", in: "code {{code}} \xff", wantErr: "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			seg, err := twiliosetup.ValidateTemplate(tt.in)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, twiliosetup.ErrTemplate) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want ErrTemplate containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if seg.Count != tt.count || seg.Encoding != tt.enc {
				t.Errorf("got %+v, want %d %s", seg, tt.count, tt.enc)
			}
		})
	}
}

func TestDefaultTemplates(t *testing.T) {
	t.Parallel()
	got := twiliosetup.DefaultTemplates()
	want := []string{
		"Register", "SignIn", "ForgotPassword", "Generic", "OrganizationInvitation",
		"UserPermissionValidation", "BindNewIdentifier", "MfaVerification", "BindMfa",
	}
	if len(got) != len(want) {
		t.Fatalf("%d templates, want %d", len(got), len(want))
	}
	for i, tpl := range got {
		t.Run(tpl.UsageType, func(t *testing.T) {
			t.Parallel()
			if tpl.UsageType != want[i] {
				t.Errorf("usage type %q, want %q", tpl.UsageType, want[i])
			}
			if strings.HasSuffix(tpl.Content, "\n") {
				t.Error("content ends with a newline")
			}
			seg, err := twiliosetup.ValidateTemplate(tpl.Content)
			if err != nil {
				t.Fatal(err)
			}
			if seg.Count != 1 || seg.Encoding != twiliosetup.EncodingGSM7 {
				t.Errorf("%q: %+v, want one GSM-7 segment", tpl.Content, seg)
			}
		})
	}
}
