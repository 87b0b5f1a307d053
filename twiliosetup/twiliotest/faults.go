package twiliotest

import (
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Fault is what Inject does to matching requests. The zero Fault does nothing. Latency
// applies first; then Drop, or Status, answers instead of the real handler. A Fault with
// only Latency delays the real answer.
type Fault struct {
	Status     int           // answer with this HTTP status and a Twilio error body
	Code       int           // the body's Twilio code; default from Status: 401→20003, 404→20404, 429→20429, 5xx→20500
	Message    string        // the body's message; a default per code when empty
	RetryAfter time.Duration // adds a Retry-After header (whole seconds, rounded up)
	Latency    time.Duration // wait this long first (cut short when the request is cancelled)
	Drop       bool          // close the connection without answering
	Times      int           // how many matching requests it applies to; 0 = all of them
}

// WrongCredentials answers as Twilio does to a bad SID/token pair: 401, code 20003.
func WrongCredentials() Fault { return Fault{Status: http.StatusUnauthorized} }

// UnknownSID answers as Twilio does to a SID that does not exist: 404, code 20404.
func UnknownSID() Fault { return Fault{Status: http.StatusNotFound} }

// TooManyRequests answers 429, code 20429, with a Retry-After header.
func TooManyRequests(retryAfter time.Duration) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// ServerError answers with a 5xx status (500, 502, 503, ...), code 20500.
func ServerError(status int) Fault { return Fault{Status: status} }

type injected struct {
	method string
	re     *regexp.Regexp
	f      Fault
	left   int // remaining uses when f.Times > 0
}

// Inject makes requests that match method ("" or "*" for any) and pathPattern apply f.
// pathPattern is a path as in Twilio's OpenAPI specs, with {Name} wildcards
// ("/2010-04-01/Accounts/{AccountSid}/Messages.json", "/v1/Services/{Sid}"), a concrete
// path, or "" / "*" for every path. Faults are tried in the order they were injected; the
// first that matches and has uses left applies.
func (s *Server) Inject(method, pathPattern string, f Fault) {
	in := &injected{method: strings.ToUpper(method), f: f, left: f.Times}
	if pathPattern != "" && pathPattern != "*" {
		in.re, _ = compile(pathPattern)
	}
	if in.method == "*" {
		in.method = ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, in)
}

// takeFault returns the fault that applies to this request, using one of its uses.
func (s *Server) takeFault(method, path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range s.faults {
		if in.method != "" && in.method != method {
			continue
		}
		if in.re != nil && !in.re.MatchString(path) {
			continue
		}
		if in.f.Times > 0 {
			if in.left == 0 {
				continue
			}
			in.left--
		}
		return in.f, true
	}
	return Fault{}, false
}
