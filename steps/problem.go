package steps

import (
	"errors"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// Problem is a user-facing failure: what happened and what to do next. The
// runner shows the error text and Hint. Neither may hold a secret.
type Problem struct {
	What string // what happened, in plain words
	Next string // what to do next
	Err  error  // the cause, if any
}

// Error returns what happened, followed by the cause.
func (p *Problem) Error() string {
	switch {
	case p.Err == nil:
		return p.What
	case p.What == "":
		return p.Err.Error()
	}
	return p.What + ": " + p.Err.Error()
}

// Unwrap returns the cause.
func (p *Problem) Unwrap() error { return p.Err }

// Hint says what the user should do next (it implements tui.Hinter).
func (p *Problem) Hint() string { return p.Next }

func problem(what, next string, err error) error {
	return &Problem{What: what, Next: next, Err: err}
}

// explain turns a client error into a Problem with a plain hint, using the
// clients' own explanations (twiliosetup.Error, logtoapi.Explain).
func explain(what string, err error) error {
	if err == nil {
		return nil
	}
	var p *Problem
	if errors.As(err, &p) {
		return err
	}
	var te *twiliosetup.Error
	if errors.As(err, &te) {
		// te's own text already says what went wrong in plain words.
		return &Problem{What: what, Next: te.Next, Err: err}
	}
	if h := logtoapi.Explain(err); h != "" {
		return &Problem{What: what, Next: h, Err: err}
	}
	return &Problem{What: what, Err: err}
}
