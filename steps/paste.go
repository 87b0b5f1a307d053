package steps

import (
	"errors"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// clean trims what a paste brings along around a value: spaces, tabs,
// newlines and quotes (straight or curly). It is the one trim every field
// goes through (twiliosetup.Clean is its home, as twilio-go rejects such
// characters).
func clean(s string) string { return twiliosetup.Clean(s) }

// validateAppID checks the shape of a Logto App ID before any call: Logto
// makes them of 21 lower-case letters and digits. A value with capitals or
// of secret length is most likely the App secret pasted in the wrong
// field; the message never repeats the value.
func validateAppID(v string) error {
	id := clean(v)
	switch {
	case id == "":
		return errors.New("enter the App ID")
	case len(id) >= 32 || strings.ContainsFunc(id, func(r rune) bool { return r >= 'A' && r <= 'Z' }):
		return errors.New("this looks like a secret, not an App ID: the App ID is the shorter value " +
			"(21 lower-case letters and digits); paste each into its own field")
	case strings.ContainsFunc(id, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '_'
	}):
		return errors.New("an App ID has only lower-case letters and digits: copy it again from the app's page in the Console")
	}
	return nil
}

// redacted is an error whose texts never show the given values (what the
// user typed into secret fields): Logto echoes a client ID it does not know
// ("invalid client <id>"), and that ID may be a secret pasted in the wrong
// field.
type redacted struct {
	err    error
	values []string
}

// redact hides values (blank ones are ignored) in err's texts; nil stays nil.
func redact(err error, values ...string) error {
	if err == nil {
		return nil
	}
	keep := slicesNonBlank(values)
	if len(keep) == 0 {
		return err
	}
	return &redacted{err: err, values: keep}
}

func (r *redacted) hide(s string) string {
	for _, v := range r.values {
		s = strings.ReplaceAll(s, v, config.Secret(v).String())
	}
	return s
}

func (r *redacted) Error() string { return r.hide(r.err.Error()) }

func (r *redacted) Unwrap() error { return r.err }

// Explain is the cause's plain words, values hidden.
func (r *redacted) Explain() (what, next string) {
	var ex explainer
	if errors.As(r.err, &ex) {
		what, next = ex.Explain()
	} else {
		what = plainCause(r.err)
	}
	return r.hide(what), r.hide(next)
}

// hideIn hides values in a step's error: a Problem keeps its hint (from
// the cause's own type) with the values hidden in every text.
func hideIn(err error, values ...string) error {
	var p *Problem
	if !errors.As(err, &p) {
		return redact(err, values...)
	}
	r := &redacted{values: slicesNonBlank(values)}
	return &Problem{What: r.hide(p.What), Next: r.hide(p.Next), Err: redact(p.Err, values...)}
}

func slicesNonBlank(vs []string) []string {
	var out []string
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}
