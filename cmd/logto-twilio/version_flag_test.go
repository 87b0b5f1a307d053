package main

import (
	"testing"
)

// TestVersionFlag: -v/--version (our flag, not cobra's, so that no template is linked) and the
// version command print the same description ("logto-twilio version X (day)", the commit, the
// release's page: build.Info.String) and run nothing else.
func TestVersionFlag(t *testing.T) {
	t.Parallel()
	want := buildInfo()
	if want == "" || want[:len("logto-twilio version ")] != "logto-twilio version " {
		t.Fatalf("build.Read().String() = %q", want)
	}
	for _, args := range [][]string{{"--version"}, {"-v"}, {"-version"}, {"--version", "--sandbox"}, {"-v", "extra"}, {"version"}} {
		code, out, errOut, ran := runCaptured(t, args, nil)
		if code != exitOK || out != want || errOut != "" || ran != nil {
			t.Errorf("%q: code %d, stdout %q, stderr %q, wizard ran %v; want %q", args, code, out, errOut, ran != nil, want)
		}
	}
	for _, args := range [][]string{{"doctor", "--version"}, {"version", "extra"}} {
		if code, _, _, _ := runCaptured(t, args, nil); code != exitUsage {
			t.Errorf("%q: code %d, want %d", args, code, exitUsage)
		}
	}
}
