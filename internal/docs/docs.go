// Package docs links the program's messages to the project's documentation:
// the troubleshooting page's entries (docs/troubleshooting.md) and Twilio's
// own page for an error code. It only builds URLs; it never reads a file.
package docs

import (
	"strconv"

	"github.com/logto-twilio/logto-twilio/internal/build"
)

// Anchor is the anchor of an entry of docs/troubleshooting.md: the GitHub
// slug of its heading. Every Anchor the program links to is one of the
// constants below; a test checks each is a heading of the page.
type Anchor string

// The entries of docs/troubleshooting.md.
const (
	Twilio20003         Anchor = "twilio-20003"
	Twilio21211         Anchor = "twilio-21211"
	Twilio21408         Anchor = "twilio-21408"
	Twilio21608         Anchor = "twilio-21608"
	Twilio21610         Anchor = "twilio-21610"
	Twilio21705         Anchor = "twilio-21705"
	Twilio30003         Anchor = "twilio-30003"
	Twilio30004         Anchor = "twilio-30004"
	Twilio30005         Anchor = "twilio-30005"
	Twilio30006         Anchor = "twilio-30006"
	Twilio30007         Anchor = "twilio-30007"
	Twilio30008         Anchor = "twilio-30008"
	Twilio30034         Anchor = "twilio-30034"
	TwilioTrial         Anchor = "twilio-trial-account-limits"
	LogtoInvalidClient  Anchor = "logto-invalid-client"
	LogtoManagementRole Anchor = "logto-management-api-role-missing"
	LogtoRedirectURI    Anchor = "logto-invalid-redirect-uri"
	LogtoIssuerMismatch Anchor = "logto-issuer-mismatch"
	LogtoNoSMSConnector Anchor = "logto-has-no-sms-connector"
	// LogtoMessageRateLimited: 429 request.message_rate_limited (Logto 1.41+).
	LogtoMessageRateLimited Anchor = "logto-too-many-codes-to-one-phone"
	// LogtoSignInOnly: signInMode "SignIn", no code for a phone without an account.
	LogtoSignInOnly Anchor = "logto-sign-in-only-mode"
	KeyringOverSSH  Anchor = "keyring-over-ssh"
	PortInUse       Anchor = "port-in-use"
)

// TroubleshootingPage is the troubleshooting page on the project's main branch.
const TroubleshootingPage = build.Repository + "/blob/main/docs/troubleshooting.md"

// URL is the address of the entry a on the troubleshooting page.
func (a Anchor) URL() string { return TroubleshootingPage + "#" + string(a) }

// More is the sentence a hint ends with to point at the entry a.
func (a Anchor) More() string { return "Troubleshooting: " + a.URL() }

// twilioAnchors are the Twilio error codes the troubleshooting page explains.
var twilioAnchors = map[int]Anchor{
	20003: Twilio20003,
	21211: Twilio21211,
	21408: Twilio21408,
	21608: Twilio21608,
	21610: Twilio21610,
	21705: Twilio21705,
	30003: Twilio30003,
	30004: Twilio30004,
	30005: Twilio30005,
	30006: Twilio30006,
	30007: Twilio30007,
	30008: Twilio30008,
	30034: Twilio30034,
	// The limits of a trial account.
	10002:  TwilioTrial,
	21607:  TwilioTrial,
	30044:  TwilioTrial,
	572002: TwilioTrial,
	572005: TwilioTrial,
}

// TwilioAnchor returns the troubleshooting entry of a Twilio error code, if
// the page has one.
func TwilioAnchor(code int) (Anchor, bool) {
	a, ok := twilioAnchors[code]
	return a, ok
}

// TwilioErrorURL is Twilio's own page on an error code.
func TwilioErrorURL(code int) string {
	return "https://www.twilio.com/docs/errors/" + strconv.Itoa(code)
}

// TwilioMore is the sentence a hint about Twilio error code ends with: the
// troubleshooting entry when the page has one, else Twilio's own page.
func TwilioMore(code int) string {
	if a, ok := TwilioAnchor(code); ok {
		return a.More()
	}
	return "Twilio's page on this error: " + TwilioErrorURL(code)
}
