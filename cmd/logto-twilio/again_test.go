package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
)

func TestAgainCommand(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		o    options
		sub  string
		want string
	}{
		{"plain wizard", options{}, "", "logto-twilio"},
		{"sandbox doctor", options{sandbox: true}, "doctor", "logto-twilio doctor --sandbox"},
		{
			"sandbox with folder and port",
			options{sandbox: true, configDir: "/tmp/sb", port: 3100},
			"doctor",
			"logto-twilio doctor --sandbox --config-dir /tmp/sb", // doctor's --port is not the wizard's
		},
		{
			"sandbox wizard with folder and port",
			options{sandbox: true, configDir: "/tmp/sb", port: 3100},
			"",
			"logto-twilio --sandbox --config-dir /tmp/sb --port 3100",
		},
		{
			"sandbox ignores the service flags",
			options{sandbox: true, endpoint: "http://localhost:3001", twilioBaseURL: "http://127.0.0.1:4010"},
			"rotate",
			"logto-twilio rotate --sandbox",
		},
		{
			"real services",
			options{endpoint: "https://abc.logto.app", twilioBaseURL: "http://127.0.0.1:4010", port: 3005},
			"teardown", // issue 18: teardown takes none of the wizard's flags
			"logto-twilio teardown",
		},
		{
			"real services, the wizard again",
			options{endpoint: "https://abc.logto.app", twilioBaseURL: "http://127.0.0.1:4010", port: 3005},
			"setup",
			"logto-twilio setup --logto-endpoint https://abc.logto.app --twilio-base-url http://127.0.0.1:4010 --port 3005",
		},
		{
			"a workshop card keeps its folder",
			options{preset: "/cards/b-02.yaml", configDir: "/tmp/att"},
			"",
			"logto-twilio --config-dir /tmp/att --preset /cards/b-02.yaml",
		},
		{"a folder with spaces", options{configDir: "/home/me/my setups"}, "", "logto-twilio --config-dir '/home/me/my setups'"},
		{"a folder with a quote", options{configDir: "/tmp/it's"}, "doctor", `logto-twilio doctor --config-dir '/tmp/it'\''s'`},
		{
			"flags that do not choose the setup are left out",
			options{accessible: true, noBrowser: true, testPhone: "+14155550123"},
			"doctor",
			"logto-twilio doctor",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := againCommand(t, tc.o, tc.sub); got != tc.want {
				t.Errorf("againCommand = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestShellQuoteRoundTrip checks with a real shell that a quoted value comes
// back as it was.
func TestShellQuoteRoundTrip(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, v := range []string{"/plain/path", "with space", "it's", `"double" $HOME ; rm -rf x`, "~/x", "a\\b"} {
		out, err := exec.CommandContext(t.Context(), sh, "-c", "printf %s "+cmdline.Quote(v)).Output()
		if err != nil {
			t.Fatalf("sh: %v", err)
		}
		if string(out) != v {
			t.Errorf("cmdline.Quote(%q) comes back from sh as %q", v, out)
		}
		if strings.ContainsAny(v, " '\"$;") && cmdline.Quote(v) == v {
			t.Errorf("cmdline.Quote(%q) did not quote", v)
		}
	}
}
