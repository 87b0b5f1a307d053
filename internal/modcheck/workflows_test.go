package modcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// actionlint runs actionlint v1.7.12 (built from the module proxy, then from
// the build cache) in dir on the given workflow files, or on
// .github/workflows when none is given, and returns its findings. shellcheck
// and pyflakes are left out even where they are installed, so that the
// findings are the same on every machine (the run: scripts were checked with
// shellcheck 0.9.0 when written).
func actionlint(t *testing.T, dir string, files ...string) (string, error) {
	t.Helper()
	args := append([]string{
		"run", "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12",
		"-no-color", "-shellcheck=", "-pyflakes=",
	}, files...)
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestWorkflowsLint (issue 21): the GitHub Actions workflows pass actionlint:
// syntax, expressions, the inputs of the actions they use, the permissions.
func TestWorkflowsLint(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ci.yml", "release.yml"} {
		if _, err := os.Stat(filepath.Join(root, ".github", "workflows", name)); err != nil {
			t.Errorf("workflow: %v", err)
		}
	}
	if out, err := actionlint(t, root); err != nil {
		t.Errorf("actionlint found problems in .github/workflows (%v):\n%s", err, out)
	}
}

// TestActionlintFindsMistakes: the check above fails on a workflow with a
// mistake, so its passing means something.
func TestActionlintFindsMistakes(t *testing.T) {
	t.Parallel()
	const head = "name: t\non: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
	tests := []struct {
		name, steps, want string // want: in actionlint's output; "" means no finding
	}{
		{name: "fine", steps: "      - uses: actions/setup-go@v6\n        with:\n          go-version-file: go.mod\n"},
		{
			name:  "unknown input",
			steps: "      - uses: actions/setup-go@v6\n        with:\n          go-version-files: go.mod\n",
			want:  `input "go-version-files" is not defined`,
		},
		{
			name:  "unknown secret context",
			steps: "      - run: echo \"${{ secret.NPM_TOKEN }}\"\n",
			want:  `undefined variable "secret"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "w.yml"), []byte(head+tt.steps), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := actionlint(t, dir, "w.yml")
			if tt.want == "" {
				if err != nil {
					t.Errorf("actionlint: %v\n%s", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(out, tt.want) {
				t.Errorf("actionlint: err = %v, output:\n%s\nwant a finding saying %q", err, out, tt.want)
			}
		})
	}
}

// TestReleaseWorkflow: release.yml runs GoReleaser v2.17.0, the same version
// the release snapshot tests use (internal/release), and makes the npm
// packages with the generator's fixed command line.
func TestReleaseWorkflow(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", "release.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On struct {
			Push struct {
				Tags []string `yaml:"tags"`
			} `yaml:"push"`
		} `yaml:"on"`
		Jobs map[string]struct {
			Permissions map[string]string `yaml:"permissions"`
			Steps       []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	if strings.Join(wf.On.Push.Tags, " ") != "v*" {
		t.Errorf("release.yml runs on tags %q, want [v*]", wf.On.Push.Tags)
	}
	var goreleaser, npmpkg, publish int
	for name, job := range wf.Jobs {
		for _, s := range job.Steps {
			switch {
			case strings.HasPrefix(s.Uses, "goreleaser/goreleaser-action@"):
				goreleaser++
				want := map[string]string{"distribution": "goreleaser", "version": "v2.17.0", "args": "release --clean"}
				for k, v := range want {
					if s.With[k] != v {
						t.Errorf("job %s: goreleaser-action with %s = %q, want %q", name, k, s.With[k], v)
					}
				}
				if s.Env["HOMEBREW_TAP_GITHUB_TOKEN"] == "" || s.Env["GITHUB_TOKEN"] == "" {
					t.Errorf("job %s: goreleaser-action needs GITHUB_TOKEN and HOMEBREW_TAP_GITHUB_TOKEN: %q", name, s.Env)
				}
			case strings.Contains(s.Run, "go run ./scripts/npmpkg --dist dist --out dist/npm"):
				npmpkg++
			case strings.Contains(s.Run, "npm publish --access public --provenance"):
				publish++
				if job.Permissions["id-token"] != "write" {
					t.Errorf("job %s: npm publish --provenance needs permissions id-token: write, have %q", name, job.Permissions)
				}
			}
		}
	}
	if goreleaser != 1 || npmpkg != 1 || publish != 1 {
		t.Errorf("release.yml has %d goreleaser-action steps, %d npm package steps, %d npm publish steps; want one of each",
			goreleaser, npmpkg, publish)
	}
}
