package demo

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func testValues() ExpressValues {
	return ExpressValues{
		Endpoint:  "http://127.0.0.1:3001/oidc/",
		AppID:     "schcd6fv8p7jad4k1udy3",
		AppSecret: "VerySecretAppSecret123",
		BaseURL:   "http://localhost:3000/",
	}
}

func TestWriteExpressStarter(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "bookstore")
	written, err := WriteExpressStarter(dir, testValues(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range written {
		names = append(names, filepath.Base(p))
	}
	slices.Sort(names)
	want := []string{".env", ".env.example", ".gitignore", "README.md", "app.js", "package.json"}
	if !slices.Equal(names, want) {
		t.Fatalf("written %v, want %v", names, want)
	}

	env := readFile(t, filepath.Join(dir, ".env"))
	for _, line := range []string{
		"LOGTO_ENDPOINT=http://127.0.0.1:3001\n",
		"LOGTO_APP_ID=schcd6fv8p7jad4k1udy3\n",
		"LOGTO_APP_SECRET=VerySecretAppSecret123\n",
		"BASE_URL=http://localhost:3000\n",
	} {
		if !strings.Contains(env, line) {
			t.Errorf(".env lacks %q:\n%s", line, env)
		}
	}
	var secret string
	for l := range strings.Lines(env) {
		if v, ok := strings.CutPrefix(l, "SESSION_SECRET="); ok {
			secret = strings.TrimSpace(v)
		}
	}
	if len(secret) < 32 {
		t.Errorf("session secret %q is too short", secret)
	}
	if fi, err := os.Stat(filepath.Join(dir, ".env")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf(".env mode: %v %v, want 0600", fi.Mode(), err)
	}

	checkPackageJSON(t, readFile(t, filepath.Join(dir, "package.json")))
	app := readFile(t, filepath.Join(dir, "app.js"))
	for _, w := range []string{
		"handleAuthRoutes(config)", "withLogto(config)", "UserScope.Phone", "`+${claims.phone_number}`",
		"const rewriteEnv = \"logto-twilio setup\";\n",
	} {
		if !strings.Contains(app, w) {
			t.Errorf("app.js lacks %q", w)
		}
	}
	readme := readFile(t, filepath.Join(dir, "README.md"))
	if !strings.Contains(readme, "http://localhost:3000/logto/sign-in-callback") || strings.Contains(readme, "VerySecret") {
		t.Errorf("README.md: wrong redirect URI or holds the secret:\n%s", readme)
	}
	example := readFile(t, filepath.Join(dir, ".env.example"))
	checkEnvExample(t, example, env)
	// The README documents every variable .env.example names (HOST too) and the command that
	// writes .env again.
	for _, name := range append(envExampleNames(example), "logto-twilio setup", "npm run dev", "Node.js 22.9") {
		if !strings.Contains(readme, name) {
			t.Errorf("README.md does not mention %s", name)
		}
	}

	// A second run with new content asks before replacing; a refusal keeps the file.
	var asked []string
	written, err = WriteExpressStarter(dir, testValues(), func(p string) bool {
		asked = append(asked, filepath.Base(p))
		return false
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 0 || !slices.Equal(asked, []string{".env"}) {
		t.Errorf("rewrite: written %v, asked %v; want nothing written, only .env (new session secret) asked", written, asked)
	}
	if readFile(t, filepath.Join(dir, ".env")) != env {
		t.Error(".env changed without consent")
	}
	if err := os.WriteFile(filepath.Join(dir, "app.js"), []byte("// mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteExpressStarter(dir, testValues(), nil); err != nil {
		t.Fatal(err)
	}
	if readFile(t, filepath.Join(dir, "app.js")) != "// mine\n" {
		t.Error("a nil overwrite replaced a file")
	}
	written, err = WriteExpressStarter(dir, testValues(), func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if readFile(t, filepath.Join(dir, "app.js")) != app || len(written) != 2 {
		t.Errorf("consented overwrite: written %v", written)
	}
}

func TestWriteExpressStarterRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*ExpressValues)
		want string
	}{
		{"no app id", func(v *ExpressValues) { v.AppID = "" }, "App ID is empty"},
		{"secret with newline", func(v *ExpressValues) { v.AppSecret = "abc\nEVIL=1" }, "App secret has"},
		{"secret with quote", func(v *ExpressValues) { v.AppSecret = `abc"def` }, "App secret has"},
		{"bad endpoint", func(v *ExpressValues) { v.Endpoint = "localhost" }, "endpoint"},
		{"bad base URL", func(v *ExpressValues) { v.BaseURL = "" }, "base URL"},
		{"rerun with a line break", func(v *ExpressValues) { v.Rerun = "logto-twilio\nabc" }, "line break or backquote"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := testValues()
			tc.edit(&v)
			dir := filepath.Join(t.TempDir(), "out")
			_, err := WriteExpressStarter(dir, v, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "abc") {
				t.Errorf("the error shows the secret: %v", err)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("something was written: %v", err)
			}
		})
	}
}

// TestExpressAppSyntax checks app.js parses, when Node.js is installed (the E2E test runs it).
func TestExpressAppSyntax(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; TestE2EExpress covers app.js")
	}
	dir := t.TempDir()
	if _, err := WriteExpressStarter(dir, testValues(), nil); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), node, "--check", filepath.Join(dir, "app.js")).CombinedOutput()
	if err != nil {
		t.Fatalf("node --check app.js: %v\n%s", err, out)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkPackageJSON: the starter runs on a Node.js that is not end-of-life, loads .env only when
// there is one (so the app's own message names what is missing), and has a watch script.
func checkPackageJSON(t *testing.T, data string) {
	t.Helper()
	var pkg struct {
		Type         string            `json:"type"`
		Scripts      map[string]string `json:"scripts"`
		Engines      map[string]string `json:"engines"`
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal([]byte(data), &pkg); err != nil {
		t.Fatalf("package.json: %v", err)
	}
	for _, d := range []string{"@logto/express", "cookie-parser", "express-session", "express"} {
		if pkg.Dependencies[d] == "" {
			t.Errorf("package.json lacks %s", d)
		}
	}
	if pkg.Type != "module" {
		t.Errorf("package.json type %q, want module", pkg.Type)
	}
	for script, want := range map[string]string{
		"start": "node --env-file-if-exists=.env app.js",
		"dev":   "node --watch --env-file-if-exists=.env app.js",
	} {
		if got := pkg.Scripts[script]; got != want {
			t.Errorf("package.json script %s = %q, want %q", script, got, want)
		}
	}
	// --env-file-if-exists came in Node.js 22.9 (Node.js 20 is end-of-life).
	if got := pkg.Engines["node"]; got != ">=22.9" {
		t.Errorf("package.json engines.node = %q, want >=22.9", got)
	}
}

// checkEnvExample: .env.example names every variable .env sets (and HOST), each after a
// comment, with no secret value.
func checkEnvExample(t *testing.T, example, env string) {
	t.Helper()
	names := envExampleNames(example)
	for l := range strings.Lines(env) {
		if name, _, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") && !slices.Contains(names, name) {
			t.Errorf(".env.example lacks %s", name)
		}
	}
	if !slices.Contains(names, "HOST") {
		t.Error(".env.example does not document HOST")
	}
	prevComment := false
	for l := range strings.Lines(example) {
		l = strings.TrimSpace(l)
		// A set variable, or one commented out ("# HOST=…"), follows its comment.
		name, value, assigns := strings.Cut(strings.TrimPrefix(l, "# "), "=")
		if assigns && slices.Contains(names, name) {
			if !prevComment {
				t.Errorf(".env.example: %s has no comment above it", name)
			}
			if (name == "LOGTO_APP_SECRET" || name == "SESSION_SECRET") && value != "" {
				t.Errorf(".env.example holds a value for the secret %s", name)
			}
		}
		prevComment = strings.HasPrefix(l, "#") && !assigns
	}
	for _, secret := range []string{"VerySecretAppSecret123", envValue(env, "SESSION_SECRET")} {
		if strings.Contains(example, secret) {
			t.Errorf(".env.example holds a secret")
		}
	}
}

// envExampleNames are the variables .env.example names, set or commented out ("# HOST=…").
func envExampleNames(example string) []string {
	var names []string
	for l := range strings.Lines(example) {
		name, _, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(l), "# "), "=")
		if ok && name != "" && strings.ToUpper(name) == name && !strings.ContainsAny(name, " ") {
			names = append(names, name)
		}
	}
	return names
}

func envValue(env, key string) string {
	for l := range strings.Lines(env) {
		if v, ok := strings.CutPrefix(l, key+"="); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
