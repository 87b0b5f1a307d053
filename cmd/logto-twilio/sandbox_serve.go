package main

import (
	"context"
	"fmt"
	"io"
)

// sandboxServe keeps the sandbox's stand-ins up, from the saved state and
// on the Logto stand-in's saved port when free, until ctx ends (Ctrl-C),
// so the Express starter the wizard wrote has a Logto to talk to. It
// prints where they listen; the state is saved when it stops. The lead
// wires it as `logto-twilio sandbox serve`.
func sandboxServe(ctx context.Context, o options, stdout io.Writer, getenv func(string) string) error {
	o.sandbox = true
	env, err := openSandbox(o, getenv)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Sandbox Logto:  %s (issuer %s/oidc)\n", env.Prefill.Endpoint, env.Prefill.Endpoint)
	fmt.Fprintf(stdout, "Sandbox Twilio: %s\n", env.Prefill.TwilioBaseURL)
	fmt.Fprintf(stdout, "Saved in:       %s\n", env.Dir)
	for _, n := range env.Notes {
		fmt.Fprintln(stdout, n)
	}
	fmt.Fprintln(stdout, "Press Ctrl-C to stop.")
	<-ctx.Done()
	return env.Close()
}
