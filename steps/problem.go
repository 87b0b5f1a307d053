package steps

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/logto-twilio/logto-twilio/internal/docs"
	"github.com/logto-twilio/logto-twilio/logtoapi"
)

// Problem is a user-facing failure: what happened and what to do next. The
// runner shows the error text and Hint. Neither may hold a secret; Next may
// hold placeholders ({key:edit}, see tui.Renderer).
type Problem struct {
	What string // what happened, in plain words
	Next string // what to do next
	Err  error  // the cause, if any
}

// Error returns what happened, followed by the cause in plain words (see
// plainCause); errors.Is/As still see the whole cause.
func (p *Problem) Error() string {
	cause := ""
	if p.Err != nil {
		cause = plainCause(p.Err)
	}
	switch {
	case cause == "":
		return p.What
	case p.What == "":
		return cause
	}
	return p.What + ": " + cause
}

// Unwrap returns the cause.
func (p *Problem) Unwrap() error { return p.Err }

// Hint says what the user should do next (it implements tui.Hinter).
func (p *Problem) Hint() string { return p.Next }

func problem(what, next string, err error) error {
	return &Problem{What: what, Next: next, Err: err}
}

// explainer is a client error with a user-facing form: what went wrong and
// what to do next, in plain words, with no package prefix and no secret.
// logtoapi's and twiliosetup's errors (APIError, ScopeError, TwilioError,
// WouldReplaceError, InputError, twiliosetup.Error) and demo's
// IssuerMismatchError implement it.
type explainer interface {
	error
	Explain() (what, next string)
}

// sentinel is what the steps say about a client's sentinel error.
type sentinel struct {
	err        error
	what, next string
}

// sentinels are the clients' sentinel errors the steps explain themselves.
var sentinels = []sentinel{
	{
		logtoapi.ErrTwilioUnreachable, "Logto could not reach Twilio (Logto answered 500)",
		"Check that the Logto server can make outbound HTTPS requests to api.twilio.com, then {key:retry} to try again.",
	},
	{
		logtoapi.ErrNoUsableSecret, "the app has no client secret that is still valid",
		"Add one on the application's page in the Console, then {key:retry} to try again.",
	},
}

// netKind is how a request failed to reach a server.
type netKind int

const (
	netTimeout  netKind = iota + 1 // no answer in time
	netCanceled                    // stopped by the user
	netRefused                     // nothing listens there
	netNoHost                      // the host name does not exist
	netLookup                      // the host name could not be looked up
	netCert                        // the HTTPS certificate is not trusted
	netOther                       // another connection failure
)

// netError is a request that did not reach a server, classified once from
// the error chain (errors.Is/As only).
type netError struct {
	kind netKind
	host string // for netNoHost and netLookup
	op   *net.OpError
}

// classifyNet reports whether err means the server could not be reached,
// and how.
func classifyNet(err error) (netError, bool) {
	var (
		dns  *net.DNSError
		op   *net.OpError
		cert *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		hn   x509.HostnameError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return netError{kind: netTimeout}, true
	case errors.Is(err, context.Canceled):
		return netError{kind: netCanceled}, true
	case errors.Is(err, syscall.ECONNREFUSED):
		return netError{kind: netRefused}, true
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return netError{kind: netNoHost, host: dns.Name}, true
		}
		return netError{kind: netLookup, host: dns.Name}, true
	case errors.As(err, &cert), errors.As(err, &ua), errors.As(err, &hn):
		return netError{kind: netCert}, true
	case errors.As(err, &op):
		return netError{kind: netOther, op: op}, true
	}
	return netError{}, false
}

// words says the failure in plain words.
func (n netError) words() string {
	switch n.kind {
	case netTimeout:
		return "no answer in time"
	case netCanceled:
		return "stopped before it finished"
	case netRefused:
		return "nothing answers at that address (connection refused)"
	case netNoHost:
		return fmt.Sprintf("there is no host named %q", n.host)
	case netLookup:
		return fmt.Sprintf("the host name %q could not be looked up", n.host)
	case netCert:
		return "its HTTPS certificate is not trusted by this computer"
	case netOther:
		if n.op != nil && n.op.Err != nil {
			return "the connection failed (" + n.op.Err.Error() + ")"
		}
	}
	return "the connection failed"
}

// plainCause says what went wrong in words a first-time user can act on:
// a Problem's own text, a client error's Explain, a sentinel's or a network
// failure's words, else the error as it is. It branches only on the error
// types, never on their text.
func plainCause(err error) string {
	var (
		p  *Problem
		ex explainer
	)
	if errors.As(err, &p) {
		return p.Error()
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.what
		}
	}
	if errors.As(err, &ex) {
		what, _ := ex.Explain()
		return what
	}
	if n, ok := classifyNet(err); ok {
		return n.words()
	}
	return err.Error()
}

// explain turns a client error into a Problem with a plain hint: the
// clients' own explanations (Explain), the sentinels' and, for a server that
// cannot be reached, what to check.
func explain(what string, err error) error {
	if err == nil {
		return nil
	}
	var p *Problem
	if errors.As(err, &p) {
		return err
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return &Problem{What: what, Next: s.next, Err: err}
		}
	}
	var se *logtoapi.ScopeError
	if errors.As(err, &se) {
		next := "In the Logto Console, open Applications → this app → Roles, assign the role \"" +
			logtoapi.ManagementRoleName + "\", then {key:retry} to try again."
		if se.ConsoleURL != "" {
			next += " The app's page: " + se.ConsoleURL
		}
		next += " " + docs.LogtoManagementRole.More()
		return &Problem{What: what, Next: next, Err: err}
	}
	var ex explainer
	if errors.As(err, &ex) {
		_, next := ex.Explain()
		return &Problem{What: what, Next: next, Err: err}
	}
	if n, ok := classifyNet(err); ok && n.kind != netCanceled { // the runner hints at a cancel itself
		return &Problem{What: what, Next: "Check your network, and that the server is running, then {key:retry} to try again.", Err: err}
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
