// Package twiliosetup checks Twilio credentials, provisions a Messaging Service, sends a test SMS
// and follows it to a final state, all through github.com/twilio/twilio-go.
//
// It never reads credentials, edges or regions from the environment (twilio-go would fall back to
// TWILIO_* variables): everything comes from the caller, including the *http.Client. It does no
// terminal I/O; errors carry a one-line explanation and a next step (see [Error] and [Explain]) for
// the wizard to show.
package twiliosetup
