package steps

import (
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/tui"
)

// TestVerifyOverSSH: over SSH, http://localhost:PORT is on the machine the wizard runs on,
// so the waiting text gives the tunnel to run on the user's own computer (user from $USER,
// host from SSH_CONNECTION's server address), says Logto's redirect to the callback needs it,
// and forwards a Logto on this machine's loopback (the sandbox's stand-in) too.
func TestVerifyOverSSH(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, conn, user, endpoint string
		want, not                  []string
	}{
		{
			name: "real Logto", conn: "203.0.113.9 52311 198.51.100.7 22", user: "alice", endpoint: "https://logto.example.com",
			want: []string{
				"Demo app: http://localhost:3000",
				"On your own computer, run ssh -L 3000:localhost:3000 alice@198.51.100.7 and leave it running; then open http://localhost:3000 in the browser there.",
				"Logto sends that browser back to http://localhost:3000/logto/sign-in-callback, which reaches the demo app only through this tunnel.",
			},
			not: []string{"3001"},
		},
		{
			name: "sandbox Logto on loopback", conn: "::1 52311 ::1 22", user: "bob", endpoint: "http://127.0.0.1:41234",
			want: []string{"run ssh -L 3000:localhost:3000 -L 41234:127.0.0.1:41234 bob@::1 and leave it running"},
		},
		{
			name: "local Logto on localhost, no $USER", conn: "10.0.0.2 52311 10.0.0.1 22", endpoint: "http://localhost:3001",
			want: []string{"run ssh -L 3000:localhost:3000 -L 3001:localhost:3001 10.0.0.1 and leave it running"},
		},
		{name: "not over SSH", user: "alice", endpoint: "https://logto.example.com", not: []string{"ssh", "SSH"}},
		{name: "SSH_CONNECTION without a server address", conn: "203.0.113.9", user: "alice", endpoint: "https://logto.example.com", not: []string{"ssh -L"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld()
			st := readyState()
			st.Setup.Endpoint = tc.endpoint
			st.Prefill.NoBrowser = tc.conn != ""
			st.Prefill.SSHConnection, st.Prefill.User = tc.conn, tc.user
			s := newVerify(st, &w.deps)
			text := tui.RendererFor(true, s.Actions()).Render(s.WaitingText())
			for _, want := range tc.want {
				if !strings.Contains(text, want) {
					t.Errorf("waiting text lacks %q:\n%s", want, text)
				}
			}
			for _, not := range tc.not {
				if strings.Contains(text, not) {
					t.Errorf("waiting text has %q:\n%s", not, text)
				}
			}
		})
	}
}

// TestPrefillFromEnvSSH: the wizard learns it runs over SSH, and as whom, from sshd's
// SSH_CONNECTION and $USER.
func TestPrefillFromEnvSSH(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SSH_CONNECTION": "203.0.113.9 52311 198.51.100.7 22", "USER": "alice"}
	p := PrefillFromEnv(func(k string) string { return env[k] })
	if p.SSHConnection != env["SSH_CONNECTION"] || p.User != "alice" {
		t.Errorf("PrefillFromEnv: SSHConnection %q, User %q", p.SSHConnection, p.User)
	}
}
