package modcheck

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// refused lists the directives of the go.mod file at path that make
// `go install <module>/cmd/…@version` (and `go run …@version`) refuse the
// module: replace and exclude. The go command reads a module's go.mod the same
// way whether it is the main module or not, except for these two; so it fails
// with "The go.mod file for the module providing named packages contains one
// or more replace directives…" (cmd/go/internal/load,
// PackagesAndErrorsOutsideModule). The file is parsed by the go command
// itself (go mod edit -json), so no parser of ours can disagree with it.
func refused(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "go", "mod", "edit", "-json", path).Output()
	if err != nil {
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			t.Fatalf("go mod edit -json %s: %v\n%s", path, err, ee.Stderr)
		}
		t.Fatalf("go mod edit -json %s: %v", path, err)
	}
	type version struct{ Path, Version string }
	var mf struct {
		Replace []struct{ Old, New version }
		Exclude []version
	}
	if err := json.Unmarshal(out, &mf); err != nil {
		t.Fatalf("go mod edit -json %s: %v", path, err)
	}
	var got []string
	at := func(v version) string {
		if v.Version == "" {
			return v.Path
		}
		return v.Path + " " + v.Version
	}
	for _, r := range mf.Replace {
		got = append(got, "replace "+at(r.Old)+" => "+at(r.New))
	}
	for _, e := range mf.Exclude {
		got = append(got, "exclude "+at(e))
	}
	return got
}

// TestGoModInstallable: this module's go.mod has no replace and no exclude
// directive. With one, `go install
// github.com/logto-twilio/logto-twilio/cmd/logto-twilio@latest` fails for
// every user: the go command refuses a module whose go.mod would mean
// something else as the main module. A patched dependency belongs in a
// released version (or a fork with its own module path), not in a replace.
func TestGoModInstallable(t *testing.T) {
	t.Parallel()
	if got := refused(t, filepath.Join("..", "..", "go.mod")); len(got) > 0 {
		t.Errorf("go.mod has directives that make `go install …/cmd/logto-twilio@latest` refuse the module "+
			"(\"contains one or more replace directives\"): %q", got)
	}
}

// TestRefused: the check above finds each directive the go command refuses,
// one line or in a block, and nothing in a go.mod without them.
func TestRefused(t *testing.T) {
	t.Parallel()
	const head = "module example.com/m\n\ngo 1.26\n\nrequire charm.land/bubbletea/v2 v2.2.0\n"
	tests := []struct {
		name, gomod string
		want        []string
	}{
		{name: "none", gomod: head + "\n// replace charm.land/bubbletea/v2 => ./third_party/bubbletea\n"},
		{
			name:  "replace with a folder",
			gomod: head + "\nreplace charm.land/bubbletea/v2 => ./third_party/bubbletea\n",
			want:  []string{"replace charm.land/bubbletea/v2 => ./third_party/bubbletea"},
		},
		{
			name: "replace block with a module",
			gomod: head + "\nreplace (\n\tcharm.land/bubbletea/v2 v2.2.0 => example.com/fork/bubbletea/v2 v2.2.1\n" +
				"\tgolang.org/x/sys => ../sys\n)\n",
			want: []string{
				"replace charm.land/bubbletea/v2 v2.2.0 => example.com/fork/bubbletea/v2 v2.2.1",
				"replace golang.org/x/sys => ../sys",
			},
		},
		{
			name:  "exclude",
			gomod: head + "\nexclude charm.land/bubbletea/v2 v2.1.1\n",
			want:  []string{"exclude charm.land/bubbletea/v2 v2.1.1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "go.mod")
			if err := os.WriteFile(path, []byte(tt.gomod), 0o600); err != nil {
				t.Fatal(err)
			}
			if got := refused(t, path); !slices.Equal(got, tt.want) {
				t.Errorf("refused = %q, want %q", got, tt.want)
			}
		})
	}
}
