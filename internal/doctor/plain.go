package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/twiliosetup"
)

// plain turns an error from the clients into a short plain phrase (no trailing period):
// what happened, in words a user can act on. It never contains a secret (the clients'
// errors do not, and run.scrub masks them anyway).
func plain(err error) string {
	if err == nil {
		return ""
	}
	var (
		te  *twiliosetup.Error
		ae  *logtoapi.APIError
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		ue  *url.Error
		ne  net.Error
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time (the check gave up)"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (nothing listens at " + host(err) + ")"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, errUnexpectedEOF(err)):
		return "the connection was closed without an answer"
	case strings.Contains(err.Error(), "unexpected EOF"):
		return "the answer was cut short (a dropped connection or a broken proxy?)"
	case strings.Contains(err.Error(), "missing access_token"):
		return "the token endpoint answered without an access token (a proxy or an error page?)"
	case errors.As(err, &te):
		return trimDot(twilioPhrase(te))
	case errors.As(err, &syn), errors.As(err, &typ), notJSON(err.Error()):
		return "the answer was not the JSON expected (a proxy or an error page?)"
	case logtoapi.Explain(err) != "":
		return trimDot(logtoapi.Explain(err))
	case errors.As(err, &ae):
		return trimDot(ae.Error())
	case errors.As(err, &ne) && ne.Timeout():
		return "no answer in time (the check gave up)"
	case errors.As(err, &ue):
		return trimDot(ue.Err.Error())
	}
	return trimDot(stripPrefixes(err.Error()))
}

// twilioPhrase is a Twilio error in words: its explanation, else Twilio's message, with
// the code and HTTP status.
func twilioPhrase(te *twiliosetup.Error) string {
	what := te.What
	if what == "" {
		what = te.Message
	}
	if what == "" {
		if u := te.Unwrap(); u != nil {
			return plain(u)
		}
		what = "Twilio refused the request"
	}
	switch {
	case te.Code != 0 && te.Status != 0:
		return trimDot(what) + " (Twilio error " + itoa(te.Code) + ", HTTP " + itoa(te.Status) + ")"
	case te.Code != 0:
		return trimDot(what) + " (Twilio error " + itoa(te.Code) + ")"
	}
	return what
}

// errUnexpectedEOF returns the io.ErrUnexpectedEOF-like sentinel found in err's text, so
// that a dropped connection ("EOF") reads as one; nil when there is none.
func errUnexpectedEOF(err error) error {
	msg := err.Error()
	if strings.HasSuffix(msg, ": EOF") || strings.Contains(msg, "connection dropped") || strings.Contains(msg, "server closed idle connection") {
		return err
	}
	return errNever
}

var errNever = errors.New("never")

// host names the address of a refused connection.
func host(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Addr != nil {
		return oe.Addr.String()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			return u.Host
		}
	}
	return "that address"
}

// stripPrefixes drops Go package prefixes ("logtoapi: get SMS connector: ") from a message.
func stripPrefixes(s string) string {
	for _, p := range []string{"logtoapi: ", "twiliosetup: ", "doctor: "} {
		if i := strings.LastIndex(s, p); i >= 0 {
			s = s[i+len(p):]
		}
	}
	return s
}

func trimDot(s string) string { return strings.TrimRight(strings.TrimSpace(s), ".") }

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// notJSON reports whether an error text says an answer could not be decoded (oauth2 and
// twilio-go flatten the decoder's error into text).
func notJSON(msg string) bool {
	for _, m := range []string{"cannot parse json", "unexpected end of JSON", "invalid character", "cannot unmarshal"} {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}
