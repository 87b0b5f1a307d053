// Package modcheck holds only tests: checks on the module as a whole. Its
// go.mod keeps `go install
// github.com/logto-twilio/logto-twilio/cmd/logto-twilio@latest` working for
// users (gomod_test.go, install_test.go); the layers keep to their
// dependencies (layers_test.go); no command line is spelt out
// (hints_test.go); the repository's automation files are valid
// (dependabot_test.go, workflows_test.go).
package modcheck
