package twiliosetup

import (
	"io/fs"
	"strings"

	"github.com/logto-twilio/logto-twilio/assets"
)

// SMSTemplate is the text Logto sends for one usage type.
type SMSTemplate struct {
	UsageType string
	Content   string
}

// UsageTypes are the nine usage types Logto sends SMS for, in the order the connector lists them.
// Only the first four are required by the connector, but Logto sends all nine (older connectors
// fail with template_not_found on a missing one), so write them all.
var UsageTypes = []string{
	"Register", "SignIn", "ForgotPassword", "Generic",
	"OrganizationInvitation", "UserPermissionValidation", "BindNewIdentifier", "MfaVerification", "BindMfa",
}

// DefaultTemplates returns the default template of every usage type, from assets/sms. Each
// contains {{code}} and fits in one GSM-7 segment (tested). It panics if an embedded file is
// missing, which the package tests rule out.
func DefaultTemplates() []SMSTemplate {
	out := make([]SMSTemplate, 0, len(UsageTypes))
	for _, u := range UsageTypes {
		b, err := fs.ReadFile(assets.SMS, "sms/"+u+".txt")
		if err != nil {
			panic("twiliosetup: missing default template: " + err.Error())
		}
		out = append(out, SMSTemplate{UsageType: u, Content: strings.TrimRight(string(b), "\r\n")})
	}
	return out
}
