// Command logto-twilio is a terminal wizard that sets up SMS (Twilio) sign-in
// with Logto and verifies it with a real sign-in in the browser.
package main

import (
	"os"
	"runtime/debug"
)

func main() {
	// A soft memory limit keeps the heap (and the peak RSS of a whole run,
	// browser sign-in included) small: the garbage collector runs before the
	// heap grows past it. GOMEMLIMIT, when set, wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(16 << 20)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
