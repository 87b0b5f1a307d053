package main

import (
	"net/http"

	"github.com/logto-twilio/logto-twilio/steps"
)

// buildDeps wires the steps to the real services, or to in-process stand-ins
// with --sandbox. For a real Logto it only builds values: no request is sent
// and no file is touched, so the first frame is not delayed. The sandbox
// restores its stand-ins from its folder and starts them on loopback sockets
// (about 3 ms; see BenchmarkOpenSandbox).
func buildDeps(o options, prefill *steps.Prefill, getenv func(string) string) (steps.Deps, *inboxPanel, func(), error) {
	if o.sandbox {
		return buildSandbox(o, prefill, getenv)
	}
	store, err := storeFor(o, getenv)
	if err != nil {
		return steps.Deps{}, nil, nil, err
	}
	logtoHC := newHTTPClient(nil)
	twilioHC := logtoHC
	if o.twilioBaseURL != "" {
		base, err := parseTwilioBaseURL(o.twilioBaseURL)
		if err != nil {
			return steps.Deps{}, nil, nil, err
		}
		twilioHC = newHTTPClient(rewriteTransport{base: base, next: http.DefaultTransport})
	}
	d := steps.DefaultDeps(logtoHC, twilioHC)
	d.Store = store
	return d, nil, func() {}, nil
}
