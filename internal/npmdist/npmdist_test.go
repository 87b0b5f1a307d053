package npmdist

import (
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// The repository's launcher template and license, as scripts/npmpkg uses them.
var (
	template = filepath.Join("..", "..", "npm", "logto-twilio")
	license  = filepath.Join("..", "..", "LICENSE")
)

// fakeDist writes a dist folder the way GoReleaser does (metadata.json,
// artifacts.json naming each binary by "dist/…", a small file per binary)
// for version and the binaries os/arch, and returns it. Its folder is not
// named dist, as the end-to-end test's is not either.
func fakeDist(t *testing.T, version string, binaries ...string) string {
	t.Helper()
	dist := filepath.Join(t.TempDir(), "snapshot")
	write := func(name, body string, mode fs.FileMode) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dist, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dist, name), []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("metadata.json", `{"project_name":"logto-twilio","tag":"v0.1.0","version":"`+version+`","commit":"abc"}`, 0o644)
	arts := []map[string]string{{"name": "metadata.json", "path": "dist/metadata.json", "type": "Metadata"}}
	for _, b := range binaries {
		goos, goarch, _ := strings.Cut(b, "/")
		name := "logto-twilio"
		if goos == "windows" {
			name += ".exe"
		}
		rel := "logto-twilio_" + goos + "_" + goarch + "_v1/" + name
		write(rel, "binary for "+b+"\n", 0o755)
		arts = append(arts,
			map[string]string{"name": name, "path": "dist/" + rel, "goos": goos, "goarch": goarch, "type": "Binary"},
			map[string]string{"name": "x.tar.gz", "path": "dist/x_" + goos + "_" + goarch + ".tar.gz", "goos": goos, "goarch": goarch, "type": "Archive"},
		)
	}
	b, err := json.Marshal(arts)
	if err != nil {
		t.Fatal(err)
	}
	write("artifacts.json", string(b), 0o644)
	return dist
}

var allPlatforms = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"}

// TestGenerate: the launcher and the six platform packages, their
// package.json (golden), files and modes.
func TestGenerate(t *testing.T) {
	t.Parallel()
	dist := fakeDist(t, "0.1.0", allPlatforms...)
	out := filepath.Join(t.TempDir(), "npm")
	thirdParty := filepath.Join(t.TempDir(), "THIRD_PARTY_LICENSES.md")
	if err := os.WriteFile(thirdParty, []byte("# Third-party licenses\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dirs, err := Generate(Options{Dist: dist, Out: out, Template: template, License: license, ThirdParty: thirdParty})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"logto-twilio", "@logto-twilio/linux-x64", "@logto-twilio/linux-arm64", "@logto-twilio/darwin-x64", "@logto-twilio/darwin-arm64", "@logto-twilio/win32-x64", "@logto-twilio/win32-arm64"}
	for i := range want {
		want[i] = filepath.Join(out, want[i])
	}
	if !slices.Equal(dirs, want) {
		t.Errorf("dirs %q, want %q", dirs, want)
	}
	lic, err := os.ReadFile(license)
	if err != nil {
		t.Fatal(err)
	}
	type file struct {
		mode fs.FileMode
		body string // "" for any
	}
	wantFiles := map[string]map[string]file{
		"logto-twilio": {
			"package.json":        {0o644, ""},
			"README.md":           {0o644, ""},
			"LICENSE":             {0o644, string(lic)},
			"bin/logto-twilio.js": {0o755, ""},
		},
		"@logto-twilio/linux-x64": {
			"package.json":            {0o644, ""},
			"README.md":               {0o644, ""},
			"LICENSE":                 {0o644, string(lic)},
			"bin/logto-twilio":        {0o755, "binary for linux/amd64\n"},
			"THIRD_PARTY_LICENSES.md": {0o644, "# Third-party licenses\n"},
		},
		"@logto-twilio/win32-arm64": {
			"package.json":            {0o644, ""},
			"README.md":               {0o644, ""},
			"LICENSE":                 {0o644, string(lic)},
			"bin/logto-twilio.exe":    {0o755, "binary for windows/arm64\n"},
			"THIRD_PARTY_LICENSES.md": {0o644, "# Third-party licenses\n"},
		},
	}
	for pkg, files := range wantFiles {
		got := map[string]file{}
		root := filepath.Join(out, pkg)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			b, err := os.ReadFile(path)
			rel, _ := filepath.Rel(root, path)
			got[filepath.ToSlash(rel)] = file{info.Mode().Perm(), string(b)}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(files) {
			t.Errorf("%s holds %d files, want %d: %v", pkg, len(got), len(files), slices.Sorted(maps.Keys(got)))
		}
		for name, w := range files {
			g, ok := got[name]
			switch {
			case !ok:
				t.Errorf("%s has no %s", pkg, name)
			case g.mode != w.mode:
				t.Errorf("%s/%s has mode %v, want %v", pkg, name, g.mode, w.mode)
			case w.body != "" && g.body != w.body:
				t.Errorf("%s/%s holds %q, want %q", pkg, name, g.body, w.body)
			}
		}
	}
	for _, pkg := range []string{"logto-twilio", "@logto-twilio/linux-x64", "@logto-twilio/win32-arm64"} {
		t.Run(strings.ReplaceAll(pkg, "/", "-"), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join(out, pkg, "package.json"))
			if err != nil {
				t.Fatal(err)
			}
			golden.RequireEqual(t, b)
		})
	}
}

// TestGenerateAgain: a second run replaces the packages (no stale binary of
// an earlier release is left behind).
func TestGenerateAgain(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "npm")
	stale := filepath.Join(out, "@logto-twilio", "linux-x64", "bin", "stale")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(Options{Dist: fakeDist(t, "0.2.0-rc.1", allPlatforms...), Out: out, Template: template, License: license}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale file is still there: %v", err)
	}
	var p struct {
		Version  string            `json:"version"`
		Optional map[string]string `json:"optionalDependencies"`
	}
	b, err := os.ReadFile(filepath.Join(out, "logto-twilio", "package.json"))
	if err == nil {
		err = json.Unmarshal(b, &p)
	}
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "0.2.0-rc.1" || len(p.Optional) != len(Platforms) {
		t.Errorf("launcher version %q, optional dependencies %v", p.Version, p.Optional)
	}
	for name, v := range p.Optional {
		if v != "0.2.0-rc.1" {
			t.Errorf("%s at %q, want exactly the launcher's version", name, v)
		}
	}
}

// TestGenerateRefuses: a release the packages cannot be made from is
// refused with the cause, and nothing is written.
func TestGenerateRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		dist    func(t *testing.T) string
		tmpl    func(t *testing.T) string
		wantErr string
	}{
		{
			name:    "a platform missing",
			dist:    func(t *testing.T) string { return fakeDist(t, "0.1.0", allPlatforms[:5]...) },
			wantErr: "has no binary for windows/arm64: the launcher needs one for each of linux/amd64, linux/arm64, darwin/amd64, darwin/arm64, windows/amd64, windows/arm64",
		},
		{
			name:    "two missing",
			dist:    func(t *testing.T) string { return fakeDist(t, "0.1.0", allPlatforms[1:5]...) },
			wantErr: "has no binary for linux/amd64, windows/arm64:",
		},
		{
			name: "an unknown platform",
			dist: func(t *testing.T) string {
				return fakeDist(t, "0.1.0", append([]string{"freebsd/amd64"}, allPlatforms...)...)
			},
			wantErr: "lists a binary for freebsd/amd64, which has no npm package",
		},
		{
			name: "two binaries for one platform",
			dist: func(t *testing.T) string {
				return fakeDist(t, "0.1.0", append([]string{"linux/amd64"}, allPlatforms...)...)
			},
			wantErr: "lists two binaries for linux/amd64",
		},
		{
			name: "a binary not there",
			dist: func(t *testing.T) string {
				d := fakeDist(t, "0.1.0", allPlatforms...)
				if err := os.Remove(filepath.Join(d, "logto-twilio_darwin_arm64_v1", "logto-twilio")); err != nil {
					t.Fatal(err)
				}
				return d
			},
			wantErr: "the darwin/arm64 binary listed in",
		},
		{
			name:    "a version with a v",
			dist:    func(t *testing.T) string { return fakeDist(t, "v0.1.0", allPlatforms...) },
			wantErr: `is "v0.1.0", which npm does not take`,
		},
		{
			name:    "no version",
			dist:    func(t *testing.T) string { return fakeDist(t, "", allPlatforms...) },
			wantErr: `is "", which npm does not take`,
		},
		{
			name:    "no dist",
			dist:    func(t *testing.T) string { return filepath.Join(t.TempDir(), "dist") },
			wantErr: "reading the release's version: open",
		},
		{
			name: "a template field the generator does not know",
			dist: func(t *testing.T) string { return fakeDist(t, "0.1.0", allPlatforms...) },
			tmpl: func(t *testing.T) string {
				dir := t.TempDir()
				pkg := `{"name": "logto-twilio", "license": "MIT", "scripts": {"postinstall": "x"}}`
				if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644); err != nil {
					t.Fatal(err)
				}
				return dir
			},
			wantErr: `unknown field "scripts"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmpl := template
			if tt.tmpl != nil {
				tmpl = tt.tmpl(t)
			}
			out := filepath.Join(t.TempDir(), "npm")
			_, err := Generate(Options{Dist: tt.dist(t), Out: out, Template: tmpl, License: license})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s was written (%v)", out, err)
			}
		})
	}
}

// TestLauncherPlatforms: the launcher looks for exactly the packages the
// generator makes (its PLATFORMS list is Platforms, by Node's names).
func TestLauncherPlatforms(t *testing.T) {
	t.Parallel()
	js, err := os.ReadFile(filepath.Join(template, "bin", "logto-twilio.js"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`const PLATFORMS = \[([^\]]*)\];`).FindSubmatch(js)
	if m == nil {
		t.Fatal("the launcher has no PLATFORMS list")
	}
	var got []string
	if err := json.Unmarshal([]byte("["+strings.ReplaceAll(string(m[1]), "'", `"`)+"]"), &got); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range Platforms {
		want = append(want, strings.TrimPrefix(p.Package(), Scope+"/"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("the launcher's PLATFORMS are %q, the generator makes %q", got, want)
	}
	if !strings.Contains(string(js), "`"+Scope+"/${platform}`") {
		t.Errorf("the launcher does not look for %s/<platform>-<arch>", Scope)
	}
}
