// Package e2e holds the browser end-to-end tests (TestE2E…): headless Chromium signs in by SMS
// code through the demo server and through the written-out Express starter, against the
// in-process Logto and Twilio stand-ins. It has no non-test code.
package e2e
