package demo

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// nodeStubs are stand-ins for the starter's npm dependencies, enough for app.js to load and
// reach app.listen without npm install (TestE2EExpressSignIn runs it with the real ones).
var nodeStubs = map[string]string{
	"@logto/express": `export const handleAuthRoutes = () => (q, r, next) => next();
export const withLogto = () => (q, r, next) => next();
export const UserScope = { Phone: 'phone' };`,
	"cookie-parser":   `export default () => (q, r, next) => next();`,
	"express-session": `export default () => (q, r, next) => next();`,
	"express": `export default () => ({
  use() {}, get() {},
  listen(port, host, callback) { console.log('stub: listen', port, host); callback(); },
});`,
}

// startScript is package.json's start script with node's path for "node", as npm runs it.
func startScript(t *testing.T, dir, node string) []string {
	t.Helper()
	var pkg struct {
		Scripts map[string]string `json:"scripts"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "package.json"))), &pkg); err != nil {
		t.Fatal(err)
	}
	words := strings.Fields(pkg.Scripts["start"])
	if len(words) < 2 || words[0] != "node" {
		t.Fatalf("the start script %q does not run node", pkg.Scripts["start"])
	}
	return append([]string{node}, words[1:]...)
}

// TestExpressAppStartMessages runs app.js as npm start does (with stubbed dependencies): without
// .env, or with .env.example's values only, it names what is missing and how to write .env again;
// configured, it prints the base URL and no other address.
func TestExpressAppStartMessages(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; TestE2EExpressSignIn covers app.js")
	}
	if out, err := exec.CommandContext(t.Context(), node, "--env-file-if-exists=/nonexistent/.env", "-e", "0").CombinedOutput(); err != nil {
		t.Skipf("this node does not know --env-file-if-exists (Node.js 22.9 or newer does): %v %s", err, out)
	}
	rerun := `logto-twilio --config-dir '/tmp/my setup'`
	tests := []struct {
		name     string
		env      func(t *testing.T, dir string) string // the .env to write ("" = none)
		exitCode int
		want     []string
		notWant  []string
	}{
		{
			name:     "no .env",
			env:      func(*testing.T, string) string { return "" },
			exitCode: 1,
			want: []string{
				"There is no .env in this folder, so LOGTO_ENDPOINT, LOGTO_APP_ID, LOGTO_APP_SECRET, BASE_URL, SESSION_SECRET are not set.\n",
				`To write it, run ` + rerun + ` and answer Yes to "Write the Express starter?" with this folder.` + "\n",
				"Or copy .env.example to .env and fill in the two secrets",
				"npm start",
			},
			notWant: []string{"Error", "    at "}, // node itself may say ".env not found. Continuing without it."
		},
		{
			name:     ".env copied from .env.example",
			env:      func(t *testing.T, dir string) string { return readFile(t, filepath.Join(dir, ".env.example")) },
			exitCode: 1,
			want: []string{
				".env does not set LOGTO_APP_SECRET, SESSION_SECRET.\n",
				"Fill them in (.env.example says",
				// The wizard leaves an existing .env as it is.
				`or delete .env, then run ` + rerun + ` and answer Yes to "Write the Express starter?" with this folder: it writes a new .env.`,
			},
		},
		{
			name: "configured",
			env: func(t *testing.T, dir string) string {
				return readFile(t, filepath.Join(dir, ".env")) + "HOST=0.0.0.0\n"
			},
			exitCode: 0,
			want:     []string{"stub: listen 3000 0.0.0.0\nListening on http://localhost:3000\n"},
			notWant:  []string{"127.0.0.1", "Missing", "does not set"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			v := testValues()
			v.Rerun = rerun
			if _, err := WriteExpressStarter(dir, v, nil); err != nil {
				t.Fatal(err)
			}
			for name, src := range nodeStubs {
				pkg := filepath.Join(dir, "node_modules", filepath.FromSlash(name))
				if err := os.MkdirAll(pkg, 0o755); err != nil {
					t.Fatal(err)
				}
				manifest := `{"name": "` + name + `", "type": "module", "main": "index.js"}`
				if err := os.WriteFile(filepath.Join(pkg, "package.json"), []byte(manifest), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(pkg, "index.js"), []byte(src+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			env := tc.env(t, dir)
			if err := os.Remove(filepath.Join(dir, ".env")); err != nil {
				t.Fatal(err)
			}
			if env != "" {
				if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(env), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			args := startScript(t, dir, node)
			cmd := exec.CommandContext(t.Context(), args[0], args[1:]...)
			cmd.Dir = dir
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
			out, err := cmd.CombinedOutput()
			code := 0
			if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.exitCode {
				t.Errorf("exit code %d, want %d", code, tc.exitCode)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("the output lacks %q:\n%s", w, out)
				}
			}
			for _, nw := range tc.notWant {
				if strings.Contains(string(out), nw) {
					t.Errorf("the output has %q:\n%s", nw, out)
				}
			}
		})
	}
}
