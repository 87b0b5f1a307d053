// Command minimalform is the yardstick of scripts/bench: the smallest huh v2 program, one form
// with one input. The first-frame figure of logto-twilio is reported as a ratio to this one's,
// measured in the same run, since absolute times vary between machines.
package main

import (
	"fmt"
	"os"

	"charm.land/huh/v2"
)

func main() {
	var endpoint string
	form := huh.NewForm(huh.NewGroup(huh.NewInput().Title("Logto endpoint").Value(&endpoint)))
	if err := form.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
