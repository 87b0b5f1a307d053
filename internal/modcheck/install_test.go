package modcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	modpath "golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// TestGoInstallAtVersion builds ./cmd/logto-twilio the way
//
//	go install github.com/logto-twilio/logto-twilio/cmd/logto-twilio@v0.1.0
//
// does for a user, outside any module: from a module zip of the repository's
// committed HEAD, served by a file proxy. The zip is made by golang.org/x/mod/zip
// (CreateFromVCS, the code the go command's own proxy path uses: `git archive`
// of one revision, folders with their own go.mod left out). It works from a
// revision, so uncommitted changes in the work tree are not in it: commit
// before trusting this test. The installed binary must then say its version.
// A `replace` or `exclude` in go.mod, or a package moved into a nested module,
// makes this fail (TestGoInstallFromZip shows each).
func TestGoInstallAtVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole program from a module zip (about a minute cold); runs without -short")
	}
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".git")); errors.Is(err, os.ErrNotExist) {
		t.Skip("not a git checkout: the module zip is made from the committed HEAD")
	}
	proxy := t.TempDir()
	serveModule(t, proxy, root, module, "v0.1.0")
	gobin, out, err := goInstall(t, proxy, module, module+"/cmd/logto-twilio@v0.1.0")
	if err != nil {
		t.Fatalf("go install …/cmd/logto-twilio@v0.1.0 from the module zip: %v\n%s", err, out)
	}
	bin := filepath.Join(gobin, "logto-twilio")
	cmd := exec.CommandContext(t.Context(), bin, "--version")
	cmd.Dir = t.TempDir()
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("logto-twilio --version: %v\n%s", err, got)
	}
	// The version from the module, the day from internal/build's release table, no commit
	// (a module zip has none): as internal/build's TestResolve says.
	const want = "logto-twilio version 0.1.0 (2026-12-07)\nhttps://github.com/logto-twilio/logto-twilio/releases/tag/v0.1.0\n"
	if string(got) != want {
		t.Errorf("logto-twilio --version of a go install …@v0.1.0 printed\n%s\nwant\n%s", got, want)
	}
}

// TestGoInstallFromZip: the harness above installs a module that is
// installable, and refuses (with the go command's own words) one that a user
// could not install, so TestGoInstallAtVersion cannot pass by accident.
// Each case is a tiny throwaway module in its own git repository.
func TestGoInstallFromZip(t *testing.T) {
	t.Parallel()
	const mod = "example.com/tiny"
	const gomod = "module " + mod + "\n\ngo 1.26\n"
	const mainGo = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"tiny ok\") }\n"
	const mainLibGo = "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/tiny/lib\"\n)\n\n" +
		"func main() { fmt.Println(lib.Word) }\n"
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string // in go install's output; "" means it installs and runs
	}{
		{
			name:  "installable",
			files: map[string]string{"go.mod": gomod, "cmd/tiny/main.go": mainGo},
		},
		{
			name:  "package in the module",
			files: map[string]string{"go.mod": gomod, "cmd/tiny/main.go": mainLibGo, "lib/lib.go": "package lib\n\nconst Word = \"tiny ok\"\n"},
		},
		{
			name: "replace",
			files: map[string]string{
				"go.mod":           gomod + "\nreplace example.com/other => ./other\n",
				"cmd/tiny/main.go": mainGo,
			},
			wantErr: "more replace directives",
		},
		{
			name: "exclude",
			files: map[string]string{
				"go.mod":           gomod + "\nexclude example.com/other v1.0.0\n",
				"cmd/tiny/main.go": mainGo,
			},
			wantErr: "more exclude directives",
		},
		{
			name: "package moved into a nested module",
			files: map[string]string{
				"go.mod":           gomod,
				"cmd/tiny/main.go": mainLibGo,
				"lib/go.mod":       "module example.com/tiny/lib\n\ngo 1.26\n",
				"lib/lib.go":       "package lib\n\nconst Word = \"tiny ok\"\n",
			},
			wantErr: "does not contain package example.com/tiny/lib",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			repo := t.TempDir()
			for name, text := range tt.files {
				p := filepath.Join(repo, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			git(t, repo, "init", "-q")
			git(t, repo, "add", ".")
			git(t, repo, "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false",
				"commit", "-q", "-m", "tiny")
			proxy := t.TempDir()
			serveModule(t, proxy, repo, mod, "v0.1.0")
			gobin, out, err := goInstall(t, proxy, mod, mod+"/cmd/tiny@v0.1.0")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(string(out), tt.wantErr) {
					t.Fatalf("go install: err = %v, output:\n%s\nwant a failure saying %q", err, out, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("go install: %v\n%s", err, out)
			}
			got, err := exec.CommandContext(t.Context(), filepath.Join(gobin, "tiny")).CombinedOutput()
			if err != nil || string(got) != "tiny ok\n" {
				t.Errorf("installed tiny: err = %v, output %q, want \"tiny ok\\n\"", err, got)
			}
		})
	}
}

// serveModule writes, in the GOPROXY=file:// folder proxy, version of module
// modPath made from the committed HEAD of the git repository at repo: the
// version list, the .info (version and commit time), the .mod and the .zip,
// as `go mod download` would find them on a module proxy.
func serveModule(t *testing.T, proxy, repo, modPath, version string) {
	t.Helper()
	line := strings.Fields(git(t, repo, "log", "-1", "--format=%H %cI", "HEAD"))
	if len(line) != 2 {
		t.Fatalf("git log: %q", line)
	}
	rev := line[0]
	when, err := time.Parse(time.RFC3339, line[1])
	if err != nil {
		t.Fatalf("commit time: %v", err)
	}
	// CreateFromVCS wants repo/.git to be the git folder, which a linked
	// worktree (git worktree add) does not have; a --shared clone (no copy,
	// the objects are read from repo) gives it one, and holds every commit.
	clone := t.TempDir()
	git(t, repo, "clone", "-q", "--shared", "--no-checkout", ".", clone)

	esc, err := modpath.EscapePath(modPath)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(proxy, filepath.FromSlash(esc), "@v")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	var zip bytes.Buffer
	if err := modzip.CreateFromVCS(&zip, modpath.Version{Path: modPath, Version: version}, clone, rev, ""); err != nil {
		t.Fatalf("module zip of %s at %s: %v", repo, rev, err)
	}
	info, err := json.Marshal(struct {
		Version string
		Time    time.Time
	}{version, when.UTC()})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"list":            []byte(version + "\n"),
		version + ".info": info,
		version + ".mod":  []byte(git(t, repo, "show", rev+":go.mod")),
		version + ".zip":  zip.Bytes(),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// goInstall runs `go install target` as a user outside any module would,
// with proxy first in GOPROXY, then the module cache's download folder (so
// dependencies come from this machine when they can: offline and fast), then
// the usual GOPROXY. The module cache and GOBIN are temporary, so the fake
// version never reaches the user's cache; -trimpath only lets the build cache
// serve the dependencies again on the next run (their folder is new each time).
// As for a user, the dependencies are checked against the checksum database
// (GONOSUMDB spares only the module under test), which the go command reaches
// through the module proxy of the usual GOPROXY.
// It returns GOBIN and the command's output.
func goInstall(t *testing.T, proxy, modPath, target string) (gobin string, out []byte, err error) {
	t.Helper()
	env, err := exec.CommandContext(t.Context(), "go", "env", "GOMODCACHE", "GOPROXY").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	vals := strings.Split(strings.TrimSpace(string(env)), "\n")
	if len(vals) != 2 {
		t.Fatalf("go env GOMODCACHE GOPROXY: %q", env)
	}
	fileURL := func(dir string) string {
		return (&url.URL{Scheme: "file", Path: path.Clean(filepath.ToSlash(dir))}).String()
	}
	gobin = t.TempDir()
	cmd := exec.CommandContext(t.Context(), "go", "install", target)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(),
		"GOPROXY="+fileURL(proxy)+","+fileURL(filepath.Join(vals[0], "cache", "download"))+","+vals[1],
		"GOMODCACHE="+t.TempDir(),
		"GOBIN="+gobin,
		"GONOSUMDB="+modPath,
		"GOFLAGS=-modcacherw -trimpath",
		"GOTOOLCHAIN=local",
		"GOWORK=off",
	)
	out, err = cmd.CombinedOutput()
	return gobin, out, err
}

// git runs git in dir and returns its standard output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return string(out)
}
