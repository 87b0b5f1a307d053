package release

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/e2etest"
	"github.com/logto-twilio/logto-twilio/internal/npmdist"
)

// npmEnv is the environment of every npm, npx and node the test runs: the
// test's own HOME and npm cache (the user's are not touched), no npm_*
// variables of the caller, and npm offline. Offline, npm reaches no
// registry: the packages come from the tarballs alone, and a broken local
// install cannot make npx fetch the published logto-twilio instead.
func npmEnv(t *testing.T, home string) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(strings.ToLower(name), "npm_") || name == "HOME" || name == "TMUX" || name == "LOGTO_TWILIO_LAUNCHER" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+home,
		"npm_config_cache="+filepath.Join(home, ".npm"),
		"npm_config_offline=true",
		"npm_config_update_notifier=false",
		"npm_config_audit=false",
		"npm_config_fund=false",
		"NO_COLOR=1",
	)
}

// run runs name with args in dir and returns its combined output and exit
// code; it fails the test when the command cannot start or is killed.
func run(t *testing.T, env []string, dir, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return string(out), exit.ExitCode()
	default:
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		return "", 0
	}
}

// mustRun is run for a command that must succeed.
func mustRun(t *testing.T, env []string, dir, name string, args ...string) string {
	t.Helper()
	out, code := run(t, env, dir, name, args...)
	if code != 0 {
		t.Fatalf("%s %s exited with %d:\n%s", name, strings.Join(args, " "), code, out)
	}
	return out
}

// suggestion is a command line the program prints for the user to run:
// doctor shows each between backquotes.
var suggestion = regexp.MustCompile("`([^`]+)`")

// TestE2ENpx (issue 21): the npm packages made by scripts/npmpkg from the
// release snapshot, packed and installed from the tarballs into an empty
// project, run through npx as a user runs them: the stamped version, doctor's
// exit code and suggested command lines (which name `npx logto-twilio`, not
// the program's path in node_modules), and the wizard in a real terminal,
// stopped with Ctrl-C (exit 130). Then the same packages installed globally
// (the name on PATH) and run by node with the launcher's path, and the
// launcher without its platform package (installed with --omit=optional).
func TestE2ENpx(t *testing.T) {
	e2etest.SkipShort(t)
	npm := e2etest.Need(t, "npm")
	npx := e2etest.Need(t, "npx")
	node := e2etest.Need(t, "node")
	e2etest.Need(t, "tmux")
	dist := distDir(t)
	start := time.Now()
	defer func() {
		t.Logf("TestE2ENpx took %s (after the snapshot)", time.Since(start).Round(100*time.Millisecond))
	}()

	i := slices.IndexFunc(npmdist.Platforms, func(p npmdist.Platform) bool { return p.GOOS == runtime.GOOS && p.GOARCH == runtime.GOARCH })
	if i < 0 {
		t.Fatalf("no npm package is made for this machine (%s/%s)", runtime.GOOS, runtime.GOARCH)
	}
	host := npmdist.Platforms[i]
	var meta struct {
		Version string `json:"version"`
	}
	if b, err := os.ReadFile(filepath.Join(dist, "metadata.json")); err != nil || json.Unmarshal(b, &meta) != nil || meta.Version == "" {
		t.Fatalf("the snapshot's version: %v", err)
	}

	// The packages, as the release workflow makes them (the same command line).
	root := repoRoot(t)
	work := t.TempDir()
	out := filepath.Join(work, "npm")
	goBin := e2etest.Need(t, "go")
	gen := exec.CommandContext(t.Context(), goBin, "run", "./scripts/npmpkg", "--dist", dist, "--out", out)
	gen.Dir = root
	if b, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("go run ./scripts/npmpkg: %v\n%s", err, b)
	}
	home := filepath.Join(work, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	env := npmEnv(t, home)
	tarballs := filepath.Join(work, "tarballs")
	if err := os.Mkdir(tarballs, 0o755); err != nil {
		t.Fatal(err)
	}
	packed := strings.Fields(mustRun(t, env, work, npm, "pack", "--pack-destination", tarballs, "--loglevel=error",
		filepath.Join(out, npmdist.Launcher), filepath.Join(out, host.Package())))
	if len(packed) != 2 {
		t.Fatalf("npm pack made %q", packed)
	}
	launcherTgz, platformTgz := filepath.Join(tarballs, packed[0]), filepath.Join(tarballs, packed[1])

	// An empty project, and `npm install` of the two tarballs. What npm does
	// with the launcher's optional dependencies here is what it does for a
	// user's `npm install logto-twilio` once the packages are published:
	// there npm reads all six platform packages from the registry and
	// installs only the one whose "os" and "cpu" match the machine; here the
	// host's comes from its tarball (it satisfies the launcher's optional
	// dependency, same name and exact version: npm ls shows it "deduped", not
	// unmet), and the five others cannot be fetched (npm is offline, and
	// they are not published) — npm leaves an optional dependency it cannot
	// fetch out, as it leaves out one for another platform, and the install
	// succeeds. Either way node_modules holds logto-twilio and
	// @logto-twilio/<host> side by side, which is where the launcher looks.
	project := filepath.Join(work, "project")
	if err := os.Mkdir(project, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(project, "package.json"), []byte(`{"name": "npx-e2e", "private": true}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, env, project, npm, "install", "--loglevel=error", launcherTgz, platformTgz)
	var tree struct {
		Dependencies map[string]struct {
			Version      string `json:"version"`
			Dependencies map[string]struct {
				Version string `json:"version"`
				Missing bool   `json:"missing"`
				Invalid string `json:"invalid"`
			} `json:"dependencies"`
		} `json:"dependencies"`
		Problems []string `json:"problems"`
	}
	// npm ls exits non-zero for an invalid dependency; its JSON is on stdout.
	lsCmd := exec.CommandContext(t.Context(), npm, "ls", "--all", "--json")
	lsCmd.Dir, lsCmd.Env = project, env
	var lsErr strings.Builder
	lsCmd.Stderr = &lsErr
	ls, _ := lsCmd.Output()
	if err := json.Unmarshal(ls, &tree); err != nil {
		t.Fatalf("npm ls --json: %v\n%s%s", err, ls, lsErr.String())
	}
	launcher := tree.Dependencies[npmdist.Launcher]
	if dep := launcher.Dependencies[host.Package()]; launcher.Version != meta.Version || dep.Version != meta.Version || dep.Missing || dep.Invalid != "" || len(tree.Problems) > 0 {
		t.Fatalf("the launcher's optional dependency on %s is not met by its tarball:\n%s%s", host.Package(), ls, lsErr.String())
	}

	t.Run("version", func(t *testing.T) {
		got := mustRun(t, env, project, npx, npmdist.Launcher, "--version")
		if want := cmdline.Program + " version " + meta.Version; !strings.HasPrefix(got, want) {
			t.Errorf("npx logto-twilio --version printed %q, want a first line starting with %q", got, want)
		}
	})

	// doctor with an empty folder fails (no setup): the launcher passes its
	// exit code on, and the command lines it suggests name npx.
	binary := filepath.Join(project, "node_modules", host.Package(), "bin", host.Binary())
	doctor := func(t *testing.T, env []string, name string, args ...string) (string, int) {
		t.Helper()
		// Each run its own empty folder, named the same length, so the
		// outputs differ by the program's name alone.
		dir := filepath.Join(t.TempDir(), "config")
		out, code := run(t, env, project, name, append(args, "doctor", "--sandbox", "--config-dir", dir)...)
		return strings.ReplaceAll(out, dir, "<config>"), code
	}
	direct, directCode := doctor(t, env, binary)
	if directCode == 0 || !suggestion.MatchString(direct) {
		t.Fatalf("doctor on an empty folder exited with %d and suggests nothing:\n%s", directCode, direct)
	}
	checkSuggestions := func(t *testing.T, env []string, prog, name string, args ...string) {
		t.Helper()
		got, code := doctor(t, env, name, args...)
		if code != directCode {
			t.Errorf("through the launcher, doctor exited with %d; run directly, with %d", code, directCode)
		}
		for _, m := range suggestion.FindAllStringSubmatch(got, -1) {
			if !strings.HasPrefix(m[1], prog+" ") {
				t.Errorf("doctor suggests %q, which does not start with %q", m[1], prog)
			}
		}
		// Apart from the program's name, what it prints is what the
		// program run directly prints.
		if want := strings.ReplaceAll(direct, "`"+cmdline.Quote(binary)+" ", "`"+prog+" "); got != want {
			t.Errorf("through the launcher, doctor printed:\n%s\nwant (as run directly, with %s):\n%s", got, prog, want)
		}
	}
	t.Run("doctor", func(t *testing.T) {
		checkSuggestions(t, env, "npx "+npmdist.Launcher, npx, npmdist.Launcher)
	})

	t.Run("wizard under tmux, Ctrl-C", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		line := "cd " + e2etest.ShellQuote(project) + " && " +
			e2etest.ShellQuote(npx, npmdist.Launcher, "--sandbox", "--no-browser", "--port", fmt.Sprint(port), "--config-dir", t.TempDir()) +
			`; echo "exit=$?"`
		tm := e2etest.NewTmux(t, 100, 40, append(env, "TERM=xterm-256color"), line)
		// The first screen: the welcome step's form (a focused field is
		// drawn with "┃"), which the program shows only on a terminal.
		tm.WaitFor("the welcome step's form", func(s string) bool {
			i := strings.Index(s, "· Welcome")
			return i >= 0 && strings.Contains(s[i:], "\n┃ ")
		})
		tm.Keys("C-c")
		// The program stops (130) and says how to resume, by npx; only then
		// does the shell see the launcher end, with the same status.
		s := strings.ReplaceAll(tm.WaitText("exit="), "\n", "")
		resume := strings.Index(s, "Run npx "+npmdist.Launcher+" --sandbox ")
		if exit := strings.Index(s, "exit=130"); exit < 0 || resume < 0 || resume > exit {
			t.Errorf("after Ctrl-C the screen does not show the program's resume line (by npx), then exit=130:\n%s", tm.Screen())
		}
	})

	// Installed globally, the launcher is the name on PATH.
	t.Run("npm install -g", func(t *testing.T) {
		prefix := filepath.Join(t.TempDir(), "global")
		mustRun(t, env, work, npm, "install", "--global", "--prefix", prefix, "--loglevel=error", launcherTgz, platformTgz)
		genv := append(slices.Clone(env), "PATH="+filepath.Join(prefix, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
		checkSuggestions(t, genv, npmdist.Launcher, filepath.Join(prefix, "bin", npmdist.Launcher))
		// Not on PATH: node and the launcher's path.
		script := filepath.Join(prefix, "lib", "node_modules", npmdist.Launcher, "bin", "logto-twilio.js")
		got, _ := run(t, env, work, node, script, "version")
		if !strings.HasPrefix(got, cmdline.Program+" version "+meta.Version) {
			t.Errorf("node %s version printed %q", script, got)
		}
		checkSuggestions(t, env, "node "+cmdline.Quote(script), node, script)
	})

	// Without the platform package (npm install --omit=optional) the
	// launcher says what is missing and how to fix it.
	t.Run("no platform package", func(t *testing.T) {
		bare := t.TempDir()
		if err := os.WriteFile(filepath.Join(bare, "package.json"), []byte(`{"name": "npx-e2e-bare", "private": true}`+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		mustRun(t, env, bare, npm, "install", "--omit=optional", "--loglevel=error", launcherTgz)
		if _, err := os.Stat(filepath.Join(bare, "node_modules", host.Package())); !os.IsNotExist(err) {
			t.Fatalf("npm installed %s with --omit=optional: %v", host.Package(), err)
		}
		got, code := run(t, env, bare, npx, npmdist.Launcher, "--version")
		for _, want := range []string{host.Package() + " is not installed", "(" + host.OS + ", " + host.CPU + ")", "--omit=optional", "go install github.com/logto-twilio/logto-twilio/cmd/logto-twilio@latest"} {
			if !strings.Contains(got, want) {
				t.Errorf("the launcher's message does not say %q:\n%s", want, got)
			}
		}
		if code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
	})
}
