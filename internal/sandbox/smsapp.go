package sandbox

import "github.com/logto-twilio/logto-twilio/logtoapi/logtotest"

// smsApp is the app a sent code was for.
func smsApp(logtotest.SMS) string { return "" }
