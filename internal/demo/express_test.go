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
	want := []string{".env", ".gitignore", "README.md", "app.js", "package.json"}
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

	var pkg struct {
		Type         string            `json:"type"`
		Scripts      map[string]string `json:"scripts"`
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "package.json"))), &pkg); err != nil {
		t.Fatalf("package.json: %v", err)
	}
	for _, d := range []string{"@logto/express", "cookie-parser", "express-session", "express"} {
		if pkg.Dependencies[d] == "" {
			t.Errorf("package.json lacks %s", d)
		}
	}
	if pkg.Type != "module" || !strings.Contains(pkg.Scripts["start"], "--env-file=.env") {
		t.Errorf("package.json type %q start %q", pkg.Type, pkg.Scripts["start"])
	}
	app := readFile(t, filepath.Join(dir, "app.js"))
	for _, w := range []string{"handleAuthRoutes(config)", "withLogto(config)", "UserScope.Phone", "`+${claims.phone_number}`"} {
		if !strings.Contains(app, w) {
			t.Errorf("app.js lacks %q", w)
		}
	}
	readme := readFile(t, filepath.Join(dir, "README.md"))
	if !strings.Contains(readme, "http://localhost:3000/logto/sign-in-callback") || strings.Contains(readme, "VerySecret") {
		t.Errorf("README.md: wrong redirect URI or holds the secret:\n%s", readme)
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
