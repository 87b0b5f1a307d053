// Command logto-twilio is a terminal wizard that sets up SMS (Twilio) sign-in
// with Logto and verifies it with a real sign-in in the browser.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
