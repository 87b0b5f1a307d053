package steps

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"syscall"

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

// Error returns what happened, followed by the cause in plain words: the
// runner shows it to the user, so Go package prefixes and raw network
// errors are left out (errors.Is/As still see the whole cause).
func (p *Problem) Error() string {
	cause := ""
	if p.Err != nil {
		cause = plainCause(p.Err)
	}
	if cause != "" && strings.Contains(p.Next, cause) {
		cause = "" // the hint says it already
	}
	switch {
	case cause == "":
		return p.What
	case p.What == "":
		return cause
	}
	return p.What + ": " + cause
}

// pkgPrefix matches the prefixes our packages put on their errors:
// "logtoapi: <operation>: " and "twiliosetup: ", "demo: ", "steps: ".
var pkgPrefix = regexp.MustCompile(`\blogtoapi: (?:[a-zA-Z][^:"]{0,40}: )?|\b(?:twiliosetup|demo|steps): `)

// plainCause says what went wrong in words a first-time user can act on.
func plainCause(err error) string {
	var (
		p    *Problem
		se   *logtoapi.ScopeError
		te   *twiliosetup.Error
		lte  *logtoapi.TwilioError
		ae   *logtoapi.APIError
		dns  *net.DNSError
		cert *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		hn   x509.HostnameError
	)
	switch {
	case errors.As(err, &p):
		return p.Error()
	case errors.As(err, &se):
		return "" // explain says it in What and Next
	case errors.As(err, &te):
		return twilioCause(te)
	case errors.As(err, &lte):
		return lte.Error()
	case errors.As(err, &ae):
		s := fmt.Sprintf("Logto answered %d", ae.Status)
		if ae.Code != "" {
			s += " " + ae.Code
		}
		switch {
		case ae.Details != "":
			s += " (" + ae.Details + ")"
		case ae.Message != "":
			s += ": " + ae.Message
		}
		return s
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	case errors.Is(err, context.Canceled):
		return "stopped before it finished"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing answers at that address (connection refused)"
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return fmt.Sprintf("there is no host named %q", dns.Name)
		}
		return fmt.Sprintf("the host name %q could not be looked up", dns.Name)
	case errors.As(err, &cert), errors.As(err, &ua), errors.As(err, &hn):
		return "its HTTPS certificate is not trusted by this computer"
	}
	return pkgPrefix.ReplaceAllString(err.Error(), "")
}

// twilioCause is a Twilio error in words, its code last: "Trial accounts
// can only text verified numbers (Twilio error 21608: <Twilio's message>)".
func twilioCause(te *twiliosetup.Error) string {
	what := strings.TrimSuffix(strings.TrimSpace(te.What), ".")
	msg := strings.TrimSuffix(strings.TrimSpace(te.Message), ".")
	if what == "" {
		what, msg = msg, ""
	}
	var tail []string
	if te.Code != 0 {
		tail = append(tail, fmt.Sprintf("Twilio error %d", te.Code))
	}
	if msg != "" && msg != what {
		tail = append(tail, msg)
	}
	if len(tail) == 0 {
		return what
	}
	return what + " (" + strings.Join(tail, ": ") + ")"
}

// isNetError reports whether err means the server could not be reached.
func isNetError(err error) bool {
	var (
		dns *net.DNSError
		op  *net.OpError
	)
	return errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dns) || errors.As(err, &op) ||
		errors.Is(err, context.DeadlineExceeded)
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
	var se *logtoapi.ScopeError
	if errors.As(err, &se) {
		next := "In the Logto Console, open Applications → this app → Roles, assign the role \"" +
			logtoapi.ManagementRoleName + "\", then press enter to try again."
		if se.ConsoleURL != "" {
			next += " The app's page: " + se.ConsoleURL
		}
		return &Problem{What: what + ": the app lacks the \"" + logtoapi.ManagementRoleName + "\" role", Next: next, Err: err}
	}
	var te *twiliosetup.Error
	if errors.As(err, &te) {
		// te's own text already says what went wrong in plain words.
		return &Problem{What: what, Next: te.Next, Err: err}
	}
	if h := logtoapi.Explain(err); h != "" {
		return &Problem{What: what, Next: h, Err: err}
	}
	if isNetError(err) {
		return &Problem{What: what, Next: "Check your network, and that the server is running, then press enter to try again.", Err: err}
	}
	return &Problem{What: what, Err: err}
}

// plural counts things: "1 change", "3 changes".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
