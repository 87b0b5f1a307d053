package modcheck

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// manifestOf names, for each package ecosystem we use, what a listed folder
// must hold: a file, or (github-actions) the workflows folder.
var manifestOf = map[string]string{
	"gomod":          "go.mod",
	"npm":            "package.json",
	"github-actions": ".github/workflows",
}

// dependabotConfig is the part of .github/dependabot.yml that we write. It
// is decoded with KnownFields, so a misspelt key is an error, not a setting
// GitHub silently ignores.
type dependabotConfig struct {
	Version int `yaml:"version"`
	Updates []struct {
		Ecosystem string `yaml:"package-ecosystem"`
		Directory string `yaml:"directory"`
		Schedule  struct {
			Interval string `yaml:"interval"`
		} `yaml:"schedule"`
		Limit  *int `yaml:"open-pull-requests-limit"`
		Groups map[string]struct {
			Patterns        []string `yaml:"patterns"`
			ExcludePatterns []string `yaml:"exclude-patterns"`
			UpdateTypes     []string `yaml:"update-types"`
		} `yaml:"groups"`
		Ignore []struct {
			DependencyName string   `yaml:"dependency-name"`
			Versions       []string `yaml:"versions"`
			UpdateTypes    []string `yaml:"update-types"`
		} `yaml:"ignore"`
	} `yaml:"updates"`
}

// dependabotProblems lists what is wrong with the Dependabot config cfg for
// the repository at root: manifests lists the repository's go.mod and
// package.json files (slash paths from root), and modules the module paths
// that go.mod requires (a gomod group pattern that matches none is stale).
func dependabotProblems(root string, cfg []byte, manifests, modules []string) []string {
	var c dependabotConfig
	dec := yaml.NewDecoder(bytes.NewReader(cfg))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return []string{"parse: " + err.Error()}
	}
	var probs []string
	if c.Version != 2 {
		probs = append(probs, fmt.Sprintf("version is %d, want 2", c.Version))
	}
	listed := map[string]bool{}
	for _, u := range c.Updates {
		at := u.Ecosystem + " at " + u.Directory
		if listed[at] {
			probs = append(probs, at+": listed twice")
		}
		listed[at] = true
		manifest, ok := manifestOf[u.Ecosystem]
		switch {
		case !ok:
			probs = append(probs, at+": unknown package-ecosystem")
		case !strings.HasPrefix(u.Directory, "/"):
			probs = append(probs, at+": directory must start with /")
		default:
			dir := filepath.Join(root, filepath.FromSlash(u.Directory))
			_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(manifest)))
			if err != nil {
				probs = append(probs, fmt.Sprintf("%s: the folder has no %s (%v)", at, manifest, err))
			}
		}
		if u.Schedule.Interval != "weekly" {
			probs = append(probs, fmt.Sprintf("%s: schedule interval %q, want weekly", at, u.Schedule.Interval))
		}
		if u.Limit == nil || *u.Limit < 1 || *u.Limit > 10 {
			probs = append(probs, at+": open-pull-requests-limit must be set, 1 to 10")
		}
		for name, g := range u.Groups {
			if len(g.Patterns) == 0 {
				probs = append(probs, at+": group "+name+" has no patterns")
			}
			if u.Ecosystem != "gomod" {
				continue
			}
			for _, p := range g.Patterns {
				if !slices.ContainsFunc(modules, func(m string) bool { return globMatch(p, m) }) {
					probs = append(probs, fmt.Sprintf("%s: group %s: pattern %q matches no module in go.mod", at, name, p))
				}
			}
		}
	}
	for _, m := range manifests {
		eco := map[string]string{"go.mod": "gomod", "package.json": "npm"}[path.Base(m)]
		dir := path.Join("/", path.Dir(m))
		if !listed[eco+" at "+dir] {
			probs = append(probs, fmt.Sprintf("%s is not kept fresh: add %s at %s", m, eco, dir))
		}
	}
	if _, err := os.Stat(filepath.Join(root, ".github", "workflows")); err == nil && !listed["github-actions at /"] {
		probs = append(probs, ".github/workflows is not kept fresh: add github-actions at /")
	}
	return probs
}

// globMatch matches a Dependabot dependency pattern, where * stands for any
// run of characters, slashes included.
func globMatch(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(name)
}

// TestDependabotConfig (issue 21): .github/dependabot.yml keeps every
// dependency fresh: each go.mod and package.json the repository tracks, and
// the GitHub Actions of its workflows, weekly, with a limit on open pull
// requests; each listed folder holds its manifest, and each Go group names
// modules go.mod really requires.
func TestDependabotConfig(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(filepath.Join(root, ".github", "dependabot.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var manifests []string
	if _, err := os.Stat(filepath.Join(root, ".git")); err == nil {
		for _, f := range strings.Split(git(t, root, "ls-files", "--", "*go.mod", "*package.json"), "\n") {
			if b := path.Base(f); b == "go.mod" || b == "package.json" {
				manifests = append(manifests, f)
			}
		}
		if !slices.Contains(manifests, "go.mod") {
			t.Fatalf("git ls-files found no go.mod at the root: %q", manifests)
		}
	}
	out, err := exec.CommandContext(t.Context(), "go", "list", "-m", "-f", "{{.Path}}", "all").Output()
	if err != nil {
		t.Fatalf("go list -m all: %v", err)
	}
	modules := strings.Fields(string(out))
	for _, p := range dependabotProblems(root, cfg, manifests, modules) {
		t.Error(p)
	}
}

// TestDependabotProblems: the check above finds each kind of mistake.
func TestDependabotProblems(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for name, text := range map[string]string{
		"go.mod":                     "module example.com/m\n",
		"web/package.json":           "{}\n",
		".github/workflows/ci.yml":   "on: push\n",
		"assets/express/placeholder": "",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	manifests := []string{"go.mod", "web/package.json"}
	modules := []string{"example.com/m", "charm.land/bubbletea/v2", "golang.org/x/sys"}
	entry := func(eco, dir, extra string) string {
		return "  - package-ecosystem: " + eco + "\n    directory: " + dir +
			"\n    schedule:\n      interval: weekly\n    open-pull-requests-limit: 3\n" + extra
	}
	good := "version: 2\nupdates:\n" + entry("gomod", "/", "    groups:\n      charm:\n        patterns: [charm.land/*]\n") +
		entry("npm", "/web", "") + entry("github-actions", "/", "")
	tests := []struct {
		name, cfg string
		want      string // in the one problem found; "" means none
	}{
		{name: "good", cfg: good},
		{
			name: "a folder that is not there",
			cfg:  good + entry("npm", "/npm/logto-twilio", ""),
			want: "npm at /npm/logto-twilio: the folder has no package.json",
		},
		{name: "version 1", cfg: strings.Replace(good, "version: 2", "version: 1", 1), want: "version is 1"},
		{
			name: "misspelt key",
			cfg:  strings.Replace(good, "open-pull-requests-limit: 3\n", "open-pull-request-limit: 3\n", 1),
			want: "parse: ",
		},
		{name: "no limit", cfg: strings.Replace(good, "    open-pull-requests-limit: 3\n", "", 1), want: "open-pull-requests-limit"},
		{name: "daily", cfg: strings.Replace(good, "interval: weekly", "interval: daily", 1), want: "want weekly"},
		{name: "folder without manifest", cfg: good + entry("npm", "/assets/express", ""), want: "npm at /assets/express: the folder has no package.json"},
		{name: "manifest not listed", cfg: strings.Replace(good, entry("npm", "/web", ""), "", 1), want: "web/package.json is not kept fresh"},
		{name: "workflows not listed", cfg: strings.Replace(good, entry("github-actions", "/", ""), "", 1), want: ".github/workflows is not kept fresh"},
		{name: "stale group", cfg: strings.Replace(good, "charm.land/*", "github.com/charmbracelet/*", 1), want: `pattern "github.com/charmbracelet/*" matches no module`},
		{name: "listed twice", cfg: good + entry("npm", "/web", ""), want: "npm at /web: listed twice"},
		{name: "unknown ecosystem", cfg: good + entry("pip", "/", ""), want: "pip at /: unknown package-ecosystem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := dependabotProblems(root, []byte(tt.cfg), manifests, modules)
			if tt.want == "" {
				if len(got) > 0 {
					t.Errorf("problems = %q, want none", got)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0], tt.want) {
				t.Errorf("problems = %q, want one saying %q", got, tt.want)
			}
		})
	}
}
