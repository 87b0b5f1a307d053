package sandbox

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"
)

// Serve keeps the sandbox's stand-ins up, from the saved state and on the
// Logto stand-in's saved port when free, until ctx ends (Ctrl-C), so the
// Express starter the wizard wrote has a Logto to talk to. It prints where
// they listen, then each SMS as the Twilio stand-in accepts it (the code
// and which page it is for); the state is saved when it stops.
//
// When another process runs the stand-ins (a wizard started first), Serve
// says so, prints the SMS of that process's stand-ins, and takes them over
// when that process ends.
func Serve(ctx context.Context, o Options, stdout io.Writer) error {
	o.NoDemo = true
	var printed map[string]bool
	for {
		env, err := Open(o)
		if err != nil {
			return err
		}
		if printed == nil {
			// Messages from before this serve are in the wizard's history,
			// not news: only later ones print.
			printed = map[string]bool{}
			msgs, _, _ := env.Panel.src.wait(ctx, "", 0)
			for _, m := range msgs {
				printed[m.SID] = true
			}
		}
		if env.Guest() {
			fmt.Fprintf(stdout, "%s runs the sandbox's stand-ins now:\n", env.Host)
		}
		fmt.Fprintf(stdout, "Sandbox Logto:  %s (issuer %s/oidc)\n", env.Answers.Endpoint, env.Answers.Endpoint)
		fmt.Fprintf(stdout, "Sandbox Twilio: %s\n", env.Answers.TwilioBaseURL)
		fmt.Fprintf(stdout, "Saved in:       %s\n", env.Dir)
		for _, n := range env.Notes {
			fmt.Fprintln(stdout, n)
		}
		if env.Guest() {
			fmt.Fprintln(stdout, "This serve prints their SMS codes, and runs them itself once that process ends. Press Ctrl-C to stop.")
		} else {
			fmt.Fprintln(stdout, "SMS codes the sandbox sends show here. Press Ctrl-C to stop.")
		}
		hostGone := serveInbox(ctx, env, stdout, printed)
		err = env.Close()
		if !hostGone || ctx.Err() != nil || err != nil {
			return err
		}
		fmt.Fprintln(stdout, "\nThat process ended; this serve runs the stand-ins from now on.")
	}
}

// hostCheck is how often a guest's Serve checks whether the host ended.
const hostCheck = time.Second

// serveInbox prints each new message of env's inbox until ctx ends, or, for
// a guest, until the host ends (then it reports true).
func serveInbox(ctx context.Context, env *Env, out io.Writer, printed map[string]bool) (hostGone bool) {
	var check <-chan time.Time
	if env.Guest() {
		t := time.NewTicker(hostCheck)
		defer t.Stop()
		check = t.C
	}
	show := func() {
		for _, m := range env.Panel.Messages() {
			if printed[m.SID] || m.Pending {
				continue // a pending one prints once it is known what it is for
			}
			printed[m.SID] = true
			fmt.Fprintln(out, smsLine(m))
		}
	}
	show()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-env.Panel.Changed():
			show()
		case <-check:
			if l, err := tryLock(filepath.Join(env.Dir, LockFile)); err == nil && l != nil {
				_ = l.Unlock()
				return true
			}
		}
	}
}

// smsLine is one SMS as serve prints it: when, to whom, the code and what
// it is for, and where to type it.
func smsLine(m InboxMessage) string {
	at := m.Time.Local().Format("15:04:05")
	if m.Code == "" {
		return fmt.Sprintf("%s  SMS to %s: %s", at, m.To, oneLine(m.Body))
	}
	s := fmt.Sprintf("%s  SMS to %s: code %s", at, m.To, m.Code)
	if u := usageName(m.UsageType); u != "" {
		s += " (" + u + ")"
	}
	switch m.UsageType {
	case "":
		return s + " — the wizard's test message; no page asks for it"
	case "ForgotPassword":
		return s + " — type it on the password reset page in your browser"
	default:
		return s + ` — type it on the "Verify your phone number" page in your browser`
	}
}
