// Package rotate rotates the credentials a saved setup uses, without a moment in which the
// live sign-in is broken: the Twilio Auth Token in Logto's Twilio connector (through a
// secondary token, or a token the user already rotated in Twilio's Console), the Traditional
// app's secret (secrets.json and the Express starter's .env) and the M2M app's secret.
//
// Every rotation is write-ahead: before each external change the phase reached (and the new
// value, once one exists) is saved atomically in config.Setup.Rotation and
// config.Secrets.Pending, so a crash or Ctrl-C at any point leaves a state from which Resume
// finishes or cleanly undoes the rotation. docs/rotate.md lists the phases and what Resume
// does from each.
//
// The package talks to Logto and Twilio only through the small interfaces of env.go; the
// command (cmd) builds them from the saved setup, and the tests from the stand-ins. It
// never prints: progress goes to Env.Report, and every text it produces is secret-free
// (values are masked).
package rotate
