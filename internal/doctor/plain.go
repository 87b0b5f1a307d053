package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"io"
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
//
// It reads the error's chain (errors.Is, errors.As), never its text: the clients put the
// cause of a failure in the chain, also where the library they call gives only text
// (logtoapi's token endpoint, net/http's "server closed idle connection"; see
// logtoapi.ErrNoAccessToken and httpclient.RestoreEOF). An error it does not know reads as
// its Explain() when it has one (the clients' input errors), else as its whole text.
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
		ex  explainer
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time (the check gave up)"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (nothing listens at " + host(err) + ")"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF):
		// io.EOF: the server closed the connection before answering (net/http's io.EOF, its
		// "server closed idle connection", a stand-in's dropped connection), or an empty
		// answer where twilio-go expected JSON.
		return "the connection was closed without an answer"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the answer was cut short (a dropped connection or a broken proxy?)"
	case errors.Is(err, logtoapi.ErrNoAccessToken):
		return "the token endpoint answered without an access token (a proxy or an error page?)"
	case errors.As(err, &te):
		return trimDot(twilioPhrase(te))
	case errors.As(err, &syn), errors.As(err, &typ):
		return "the answer was not the JSON expected (a proxy or an error page?)"
	case logtoapi.Explain(err) != "":
		return trimDot(logtoapi.Explain(err))
	case errors.As(err, &ae):
		return trimDot(ae.Error())
	case errors.As(err, &ne) && ne.Timeout():
		return "no answer in time (the check gave up)"
	case errors.Is(err, twiliosetup.ErrMessageNotFound):
		return "message not found"
	case errors.As(err, &ue):
		return trimDot(ue.Err.Error())
	case errors.As(err, &ex):
		what, _ := ex.Explain()
		return trimDot(what)
	}
	return trimDot(err.Error())
}

// explainer is an error that says itself in plain words, without a package prefix: the
// clients' input errors (logtoapi.InputError, twiliosetup.InputError, a bad credential),
// logtoapi.DiscoveryError.
type explainer interface {
	Explain() (what, next string)
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

func trimDot(s string) string { return strings.TrimRight(strings.TrimSpace(s), ".") }

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
