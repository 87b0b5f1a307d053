// Package modcheck holds only tests: checks on the module's go.mod that keep
// `go install github.com/logto-twilio/logto-twilio/cmd/logto-twilio@latest`
// working for users (see gomod_test.go).
package modcheck
