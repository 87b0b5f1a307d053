package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// Exit codes, as gum uses them.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitTimeout     = 124
	exitInterrupted = 130
)

const usageText = `logto-twilio sets up SMS (Twilio) sign-in with Logto, step by step, and
checks it with a real sign-in in your browser.

Usage:
  logto-twilio [flags]

Flags:
`

// run parses the arguments and runs the program. It never calls os.Exit, so
// tests can drive it with buffers.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	_ = stdin
	_ = getenv
	fs := flag.NewFlagSet("logto-twilio", flag.ContinueOnError)
	fs.SetOutput(stderr)
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK
		}
		return exitUsage
	}
	if *showVersion {
		fmt.Fprintf(stdout, "logto-twilio %s\n", buildVersion())
		return exitOK
	}
	fmt.Fprintln(stderr, "logto-twilio: the wizard is not built yet; see README.md for what works so far")
	return exitError
}
