package twiliosetup_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

const (
	sidOK     = "AC0123456789abcdef0123456789abcdef"
	tokenOK   = "0123456789abcdef0123456789abcdef"
	serviceOK = "MG0123456789abcdef0123456789abcdef"
)

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"plain", sidOK, sidOK},
		{"trailing newline", sidOK + "\n", sidOK},
		{"crlf", sidOK + "\r\n", sidOK},
		{"spaces and tabs", " \t" + sidOK + "  ", sidOK},
		{"double quotes", `"` + sidOK + `"`, sidOK},
		{"single quotes", "'" + sidOK + "'", sidOK},
		{"curly quotes", "\u201c" + sidOK + "\u201d", sidOK},
		{"backticks", "`" + sidOK + "`", sidOK},
		{"inner space kept", "a b", "a b"},
		{"empty", "", ""},
		{"only junk", " \"'\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := twiliosetup.Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidateSIDs(t *testing.T) {
	t.Parallel()
	type check func(string) error
	tests := []struct {
		name    string
		fn      check
		in      string
		wantErr string // "" = valid
	}{
		{"account ok lower", twiliosetup.ValidateAccountSID, sidOK, ""},
		{"account ok upper hex", twiliosetup.ValidateAccountSID, "AC0123456789ABCDEF0123456789ABCDEF", ""},
		{"account empty", twiliosetup.ValidateAccountSID, "", "empty"},
		{"account wrong prefix", twiliosetup.ValidateAccountSID, "MG0123456789abcdef0123456789abcdef", `start with "AC"`},
		{"account API key", twiliosetup.ValidateAccountSID, "SK0123456789abcdef0123456789abcdef", "an API key SID (SK…), not the Account SID"},
		{"account lower prefix", twiliosetup.ValidateAccountSID, "ac0123456789abcdef0123456789abcdef", "upper-case"},
		{"account short", twiliosetup.ValidateAccountSID, sidOK[:33], "34 characters"},
		{"account long", twiliosetup.ValidateAccountSID, sidOK + "0", "34 characters"},
		{"account non hex", twiliosetup.ValidateAccountSID, "AC0123456789abcdef0123456789abcdeg", "hex digits"},
		{"account newline not cleaned", twiliosetup.ValidateAccountSID, sidOK + "\n", "34 characters"},
		{"service ok", twiliosetup.ValidateServiceSID, serviceOK, ""},
		{"service empty", twiliosetup.ValidateServiceSID, "", "empty"},
		{"service account sid", twiliosetup.ValidateServiceSID, sidOK, `start with "MG"`},
		{"service short", twiliosetup.ValidateServiceSID, "MG123", "34 characters"},
		{"service non hex", twiliosetup.ValidateServiceSID, "MGzz23456789abcdef0123456789abcdef", "hex digits"},
		{"service unicode", twiliosetup.ValidateServiceSID, "MG0123456789abcdef0123456789abcdé", "hex digits"},
		{"token ok", twiliosetup.ValidateAuthToken, tokenOK, ""},
		{"token upper", twiliosetup.ValidateAuthToken, strings.ToUpper(tokenOK), ""},
		{"token empty", twiliosetup.ValidateAuthToken, "", "empty"},
		{"token short", twiliosetup.ValidateAuthToken, tokenOK[:31], "32 characters, got 31"},
		{"token long", twiliosetup.ValidateAuthToken, tokenOK + "a", "32 characters, got 33"},
		{"token non hex", twiliosetup.ValidateAuthToken, "0123456789abcdef0123456789abcdeZ", "0-9 and a-f"},
		{"token space", twiliosetup.ValidateAuthToken, "0123456789abcdef 123456789abcdef", "0-9 and a-f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.fn(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got nil, want error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "twiliosetup: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if tt.in == "" && !errors.Is(err, twiliosetup.ErrEmpty) {
				t.Errorf("error %v is not ErrEmpty", err)
			}
		})
	}
}

// A token is a secret: no validation error may repeat it.
func TestValidateAuthTokenNeverEchoes(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"0123456789abcdef0123456789abcdeZ", "secret-secret", tokenOK + "ff"} {
		err := twiliosetup.ValidateAuthToken(in)
		if err == nil {
			t.Fatalf("ValidateAuthToken(%q) = nil", in)
		}
		if strings.Contains(err.Error(), in) {
			t.Errorf("error %q contains the token", err)
		}
	}
}
