package factory

import (
	"testing"

	"github.com/spf13/cobra"
)

// TestProgramName: the program is named the way this user can run it again
// (issue 18: after the README's `go run`, "logto-twilio doctor" was not
// found).
func TestProgramName(t *testing.T) {
	t.Parallel()
	const npxCache = "/home/me/.npm/_npx/0a1b/node_modules/@logto-twilio/linux-x64/bin/logto-twilio"
	tests := []struct {
		name           string
		launcher       string
		arg0, exe      string
		onPath, module bool
		want           string
	}{
		{"installed", "", "logto-twilio", "/home/me/go/bin/logto-twilio", true, false, "logto-twilio"},
		{"go run in the clone", "", "/tmp/go-build123/b001/exe/logto-twilio", "/tmp/go-build123/b001/exe/logto-twilio", false, true, "go run ./cmd/logto-twilio"},
		{"go run elsewhere", "", "/tmp/go-build123/b001/exe/logto-twilio", "/tmp/go-build123/b001/exe/logto-twilio", false, false, "logto-twilio"},
		{"a built binary by path", "", "./bin/logto-twilio", "/src/lt/bin/logto-twilio", false, true, "./bin/logto-twilio"},
		{"a path with a space", "", "/opt/my tools/logto-twilio", "/opt/my tools/logto-twilio", false, false, "'/opt/my tools/logto-twilio'"},
		{"another name on PATH", "", "lt", "/usr/local/bin/lt", false, false, "/usr/local/bin/lt"},
		{"the executable unknown", "", "lt", "", false, false, "logto-twilio"},
		// Issue 21: under npm the program is in node_modules or npx's
		// cache; the launcher says how it is run again.
		{"npx", "npx logto-twilio", npxCache, npxCache, false, false, "npx logto-twilio"},
		{"npm install -g", "logto-twilio", "/usr/lib/node_modules/@logto-twilio/linux-x64/bin/logto-twilio", "/usr/lib/node_modules/@logto-twilio/linux-x64/bin/logto-twilio", false, false, "logto-twilio"},
		{"node and the launcher's path", "node '/srv/my app/node_modules/logto-twilio/bin/logto-twilio.js'", npxCache, npxCache, false, false, "node '/srv/my app/node_modules/logto-twilio/bin/logto-twilio.js'"},
		{"the launcher's words requoted", `node "/a b/l.js"`, npxCache, npxCache, false, false, "node '/a b/l.js'"},
		{"the launcher wins over PATH", "npx logto-twilio", "logto-twilio", "/usr/bin/logto-twilio", true, false, "npx logto-twilio"},
		{"a shell operator is only a word", "npx logto-twilio; rm -rf ~", npxCache, npxCache, false, false, "npx 'logto-twilio;' rm -rf '~'"},
		{"a substitution is only a word", "npx $(evil)", npxCache, npxCache, false, false, "npx '$(evil)'"},
		{"an unclosed quote is not used", "npx 'logto-twilio", "logto-twilio", "/usr/bin/logto-twilio", true, false, "logto-twilio"},
		{"a newline is not used", "npx logto-twilio\nrm", npxCache, npxCache, false, false, npxCache},
		{"an escape sequence is not used", "npx \x1b[2Jlogto-twilio", npxCache, npxCache, false, false, npxCache},
		{"blank is not used", "  ", "logto-twilio", "/usr/bin/logto-twilio", true, false, "logto-twilio"},
		{"an empty word is not used", "npx ''", "logto-twilio", "/usr/bin/logto-twilio", true, false, "logto-twilio"},
	}
	for _, tt := range tests {
		if got := programName(tt.launcher, tt.arg0, tt.exe, tt.onPath, tt.module); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestInvocationLine: the flags that reach the same setup go to every target
// that takes them; the wizard's own flags only to the wizard; an argument
// given wins over a recorded flag; values are quoted.
func TestInvocationLine(t *testing.T) {
	t.Parallel()
	inv := NewInvocation("logto-twilio")
	if got := inv.Line("doctor"); got != "logto-twilio doctor" {
		t.Errorf("before Record: %q", got)
	}
	inv.given = []flagArg{{name: "sandbox", value: "true", isBool: true}, {name: "config-dir", value: "/tmp/a b"}}
	if got := inv.Line("doctor", "--send-test-sms", "+14155550123"); got != "logto-twilio doctor --send-test-sms +14155550123" {
		t.Errorf("without a tree nothing is carried: %q", got)
	}
	inv.root = &cobra.Command{Use: "logto-twilio"}
	inv.root.PersistentFlags().Bool("sandbox", false, "")
	inv.root.PersistentFlags().String("config-dir", "", "")
	inv.root.AddCommand(&cobra.Command{Use: "doctor", Run: func(*cobra.Command, []string) {}})
	if got := inv.Line("doctor"); got != "logto-twilio doctor --sandbox --config-dir '/tmp/a b'" {
		t.Errorf("carried: %q", got)
	}
	inv.given, inv.sandbox = []flagArg{{name: "config-dir", value: "/home/me/real"}}, false
	if got := inv.Line("", "--sandbox"); got != "logto-twilio --sandbox" {
		t.Errorf("a sandbox suggested from a real run carries the real folder: %q", got)
	}
	if len(inv.Built()) != 4 {
		t.Errorf("built %q", inv.Built())
	}
}
