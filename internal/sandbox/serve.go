package sandbox

import (
	"context"
	"fmt"
	"io"
)

// Serve keeps the sandbox's stand-ins up, from the saved state and on the
// Logto stand-in's saved port when free, until ctx ends (Ctrl-C), so the
// Express starter the wizard wrote has a Logto to talk to. It prints where
// they listen; the state is saved when it stops.
func Serve(ctx context.Context, o Options, stdout io.Writer) error {
	env, err := Open(o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Sandbox Logto:  %s (issuer %s/oidc)\n", env.Answers.Endpoint, env.Answers.Endpoint)
	fmt.Fprintf(stdout, "Sandbox Twilio: %s\n", env.Answers.TwilioBaseURL)
	fmt.Fprintf(stdout, "Saved in:       %s\n", env.Dir)
	for _, n := range env.Notes {
		fmt.Fprintln(stdout, n)
	}
	fmt.Fprintln(stdout, "Press Ctrl-C to stop.")
	<-ctx.Done()
	return env.Close()
}
