// Command logto-twilio is a terminal wizard that sets up SMS (Twilio) sign-in
// with Logto and verifies it with a real sign-in in the browser.
package main

import (
	"os"
	"runtime/debug"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/cmd/root"
)

func main() {
	// A soft memory limit keeps the heap (and the peak RSS of a whole run,
	// browser sign-in included) small. GOMEMLIMIT, when set, wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(16 << 20)
	}
	os.Exit(root.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv, factory.ProgramName(os.Args[0])))
}
