// Package cmdline is how a command line for the user to run is written down. A domain package
// (doctor, rotate, teardown, workshop, the steps) never spells out "logto-twilio …" itself: it
// asks a Func for the command by its name and arguments, and the command layer's Func (the
// Invocation in internal/cmd/factory) adds the flags that reach the same setup, names the
// program the way this user can run it, and quotes for the shell. Split reads such a line back,
// so tests can parse every suggestion through the real command tree.
//
// It imports nothing of the project and nothing outside the standard library.
package cmdline

import (
	"errors"
	"regexp"
	"strings"
)

// Program is the program's name as installed.
const Program = "logto-twilio"

// Func renders the command line the user should run: command is the command path under the
// program ("" for the wizard, "doctor", "workshop prepare", "sandbox serve") and args are its
// own arguments, unquoted (e.g. "--send-test-sms", "+14155550123").
type Func func(command string, args ...string) string

// Line renders command and args with f, or with Plain when f is nil.
func (f Func) Line(command string, args ...string) string {
	if f == nil {
		return Plain(command, args...)
	}
	return f(command, args...)
}

// Plain is "logto-twilio <command> <args…>", each argument quoted for the shell when needed.
func Plain(command string, args ...string) string {
	return Join(Program, command, args...)
}

// Join is prog, then command's words, then args, each argument quoted for the shell when it
// needs it; prog is taken as it is (it may be "go run ./cmd/logto-twilio").
func Join(prog, command string, args ...string) string {
	parts := []string{prog}
	parts = append(parts, strings.Fields(command)...)
	for _, a := range args {
		parts = append(parts, Quote(a))
	}
	return strings.Join(parts, " ")
}

// safe are the words a POSIX shell takes as they are.
var safe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// Quote quotes s for a POSIX shell when it needs it: the whole value in single quotes, each
// single quote inside it closed, escaped with a backslash and reopened. A leading ~ is quoted
// too (the shell would expand it, but the value was given after expansion), and so is "".
func Quote(s string) string {
	if safe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ErrUnterminated is Split's error for a quote that is never closed.
var ErrUnterminated = errors.New("cmdline: unterminated quote")

// Split splits a command line into words as a POSIX shell would for the quoting Quote writes:
// single quotes, double quotes without expansions, and backslash escapes outside quotes. It is
// for reading suggested lines back (tests); it expands nothing.
func Split(line string) ([]string, error) {
	var (
		words []string
		cur   strings.Builder
		in    bool // inside a word
		quote rune
		esc   bool
	)
	for _, r := range line {
		switch {
		case esc:
			cur.WriteRune(r)
			esc = false
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\\':
			esc, in = true, true
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 || esc {
		return nil, ErrUnterminated
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}
