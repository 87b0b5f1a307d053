package main

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
)

// againFunc is againCommand as the cmdline.Func the domain packages ask for their hints:
// args follow the run's flags, and --port, --logto-endpoint or --twilio-base-url in args
// replaces the run's own. --sandbox in args names the sandbox: no flag of a real run goes
// with it.
func againFunc(o options) cmdline.Func {
	return func(sub string, args ...string) string {
		var rest []string
		for _, a := range args {
			switch a {
			case "--sandbox":
				if !o.sandbox {
					o = options{sandbox: true}
				}
				continue
			case "--port":
				o.port = 0
			case "--logto-endpoint":
				o.endpoint = ""
			case "--twilio-base-url":
				o.twilioBaseURL = ""
			}
			rest = append(rest, a)
		}
		return cmdline.Join(againCommand(o, sub), "", rest...)
	}
}

// againCommand is the command line to suggest for sub ("" for the wizard,
// or "doctor", "rotate", "teardown", ...) that reaches the same setup as this
// run: it repeats the flags that choose the setup and the services
// (--sandbox, --config-dir, --logto-endpoint, --twilio-base-url, --port), and
// no others. With --sandbox the endpoint and Twilio URL are the stand-ins',
// so those two flags are left out. Values are quoted for a POSIX shell
// when they need it.
func againCommand(o options, sub string) string {
	parts := []string{"logto-twilio"}
	if sub = strings.TrimSpace(sub); sub != "" {
		parts = append(parts, sub)
	}
	if o.sandbox {
		parts = append(parts, "--sandbox")
	}
	if p := strings.TrimSpace(o.preset); p != "" {
		parts = append(parts, "--preset", shellQuote(p))
	}
	if d := strings.TrimSpace(o.configDir); d != "" && d != o.presetDir {
		parts = append(parts, "--config-dir", shellQuote(d))
	}
	if !o.sandbox {
		if e := strings.TrimSpace(o.endpoint); e != "" {
			parts = append(parts, "--logto-endpoint", shellQuote(e))
		}
		if u := strings.TrimSpace(o.twilioBaseURL); u != "" {
			parts = append(parts, "--twilio-base-url", shellQuote(u))
		}
	}
	if o.port > 0 {
		parts = append(parts, "--port", strconv.Itoa(o.port))
	}
	return strings.Join(parts, " ")
}

// shellSafe are the words a POSIX shell takes as they are.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./~-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it: the whole value
// in single quotes, each single quote inside it closed, escaped with a
// backslash and reopened. A leading ~ is quoted too (the shell would
// expand it, but the flag's value was given after expansion).
func shellQuote(s string) string {
	if shellSafe.MatchString(s) && !strings.HasPrefix(s, "~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
