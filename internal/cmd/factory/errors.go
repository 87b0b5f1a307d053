package factory

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/tui"
)

// Exit codes. 0, 1, 2, 124 and 130 are gum's; 3 is doctor's.
const (
	ExitOK          = 0   // done
	ExitFailure     = 1   // something failed; the message says what to do
	ExitUsage       = 2   // bad flags or arguments
	ExitFindings    = 3   // doctor: at least one check FAILed
	ExitTimeout     = 124 // a wait timed out
	ExitInterrupted = 130 // Ctrl-C (or SIGTERM)
)

// ExitError asks for a specific exit code. With a nil Err the command has
// already told the user what happened and nothing more is printed.
type ExitError struct {
	Code int
	Err  error
}

// Error implements error.
func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit code %d", e.Code)
	}
	return e.Err.Error()
}

// Unwrap returns the cause.
func (e *ExitError) Unwrap() error { return e.Err }

// WithCode returns an error that makes the program exit with code; err (may
// be nil: already reported) is what the user sees.
func WithCode(code int, err error) error { return &ExitError{Code: code, Err: err} }

// UsageError is a bad flag or argument: exit code 2 and a line that points
// at the command's --help.
type UsageError struct {
	Command string // the command path, e.g. "logto-twilio setup"
	Err     error
}

// Error implements error.
func (e *UsageError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *UsageError) Unwrap() error { return e.Err }

// UsageErrorf reports a bad flag or argument of c.
func UsageErrorf(c *cobra.Command, format string, a ...any) error {
	return &UsageError{Command: c.CommandPath(), Err: fmt.Errorf(format, a...)}
}

// Usage makes err a usage error of c (nil stays nil).
func Usage(c *cobra.Command, err error) error {
	if err == nil {
		return nil
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		return err
	}
	return &UsageError{Command: c.CommandPath(), Err: err}
}

// ExitCodeOf maps a command's error to the process's exit code.
func ExitCodeOf(err error) int {
	var ee *ExitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, new(*UsageError)), errors.As(err, new(*config.MissingInputError)), errors.Is(err, tui.ErrNeedsInput):
		return ExitUsage
	case errors.Is(err, tui.ErrInterrupted), errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.Is(err, context.DeadlineExceeded):
		return ExitTimeout
	default:
		return ExitFailure
	}
}
