package main

import (
	"testing"
)

// TestVersionFlag: -v/--version (our flag, not cobra's, so that no template is linked) prints
// exactly "logto-twilio VERSION" and runs nothing, as cobra's version template did.
func TestVersionFlag(t *testing.T) {
	t.Parallel()
	want := "logto-twilio " + buildVersion() + "\n"
	for _, args := range [][]string{{"--version"}, {"-v"}, {"-version"}, {"--version", "--sandbox"}, {"-v", "extra"}} {
		code, out, errOut, ran := runCaptured(t, args, nil)
		if code != exitOK || out != want || errOut != "" || ran != nil {
			t.Errorf("%q: code %d, stdout %q, stderr %q, wizard ran %v; want %q", args, code, out, errOut, ran != nil, want)
		}
	}
	if code, _, _, _ := runCaptured(t, []string{"doctor", "--version"}, nil); code != exitUsage {
		t.Errorf("doctor --version: code %d, want %d (a root flag, as before)", code, exitUsage)
	}
}
