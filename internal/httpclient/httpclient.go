// Package httpclient builds the HTTP clients of Logto and Twilio calls: a whole-request timeout,
// the User-Agent, the rewrite that sends *.twilio.com to a Twilio-compatible server, and the
// redacted trace of --debug (Trace).
package httpclient

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/build"
)

// UserAgent names this program to Logto and Twilio:
// "logto-twilio/0.1.0 (+https://github.com/logto-twilio/logto-twilio)". It is
// the User-Agent of every request that has none (Logto's), and twilio-go's
// UserAgentExtensions (twiliosetup), so Twilio sees
// "twilio-go/1.31.0 (linux amd64) go/go1.26.8 logto-twilio/0.1.0 (+…)".
func UserAgent() string { return "logto-twilio/" + build.Version() + " (+" + build.Repository + ")" }

// uaTransport adds the User-Agent header to a request that has none; one
// that has one (twilio-go's, with ours as its extension) keeps it.
type uaTransport struct{ next http.RoundTripper }

func (t uaTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("User-Agent") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("User-Agent", UserAgent())
	}
	return t.next.RoundTrip(r)
}

// New is the client for Logto and Twilio calls: a whole-request
// timeout, since twilio-go takes no context.
func New(rt http.RoundTripper) *http.Client {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: uaTransport{next: rt}}
}

// Rewrite sends requests for *.twilio.com to a Twilio-compatible
// server at base (--twilio-base-url): twilio-go's base URLs are fixed, so the
// host is swapped below it.
type Rewrite struct {
	Base *url.URL
	Next http.RoundTripper
}

// ParseTwilioBaseURL reads --twilio-base-url: an http(s) root URL.
func ParseTwilioBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--twilio-base-url %q: give a URL such as http://127.0.0.1:4010", s)
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("--twilio-base-url %q: give the server's root URL, without a path", s)
	}
	return u, nil
}

// RoundTrip implements http.RoundTripper.
func (t Rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	if host := r.URL.Hostname(); host == "twilio.com" || strings.HasSuffix(host, ".twilio.com") {
		r = r.Clone(r.Context())
		r.URL.Scheme = t.Base.Scheme
		r.URL.Host = t.Base.Host
		r.Host = t.Base.Host
	}
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}
