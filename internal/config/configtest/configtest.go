// Package configtest damages saved setups the ways the fault probe of issue
// 20 found (truncated and corrupt files, files of a newer version, a secrets
// file others can read, temporary files left by a killed save), and takes
// snapshots of a folder to check that a read-only command changed nothing.
package configtest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
)

// Case is one way a saved setup can be damaged.
type Case struct {
	Name string
	// Damage changes the folder dir, which holds a good saved setup.
	Damage func(t *testing.T, dir string)
	// File is the base name of the file the damage is named by ("" when
	// nothing is unusable, e.g. only a stray temporary file).
	File string
	// Kind is what Read reports.
	Kind config.DamageKind
}

// StrayName is the temporary file the Stray case leaves: a save by a
// process that no longer runs (no pid is that large).
const StrayName = ".secrets.json.2147483646-12345.tmp"

// Cases are the damaged-file cases.
func Cases() []Case {
	return []Case{
		{"secrets.json truncated", func(t *testing.T, dir string) { truncate(t, dir, config.SecretsFile, 60) }, config.SecretsFile, config.Corrupt},
		{"secrets.json empty", func(t *testing.T, dir string) { write(t, dir, config.SecretsFile, "") }, config.SecretsFile, config.Corrupt},
		{"secrets.json not JSON", func(t *testing.T, dir string) { write(t, dir, config.SecretsFile, "m2mAppSecret = x\n") }, config.SecretsFile, config.Corrupt},
		{"secrets.json of a newer version", func(t *testing.T, dir string) { setVersion(t, dir, config.SecretsFile, 99) }, config.SecretsFile, config.Newer},
		{"secrets.json missing", func(t *testing.T, dir string) { remove(t, dir, config.SecretsFile) }, config.SecretsFile, config.Missing},
		{"setup.json truncated", func(t *testing.T, dir string) { truncate(t, dir, config.SetupFile, 60) }, config.SetupFile, config.Corrupt},
		{"setup.json not JSON", func(t *testing.T, dir string) { write(t, dir, config.SetupFile, "<html>\n") }, config.SetupFile, config.Corrupt},
		{"setup.json with text after it", func(t *testing.T, dir string) { appendTo(t, dir, config.SetupFile, "}\n") }, config.SetupFile, config.Corrupt},
		{"setup.json field of the wrong type", func(t *testing.T, dir string) { setField(t, dir, config.SetupFile, "demoPort", `"3000"`) }, config.SetupFile, config.Corrupt},
		{"setup.json of a newer version", func(t *testing.T, dir string) { setVersion(t, dir, config.SetupFile, 99) }, config.SetupFile, config.Newer},
		{"secrets.json readable by others", func(t *testing.T, dir string) { chmod(t, dir, config.SecretsFile, 0o644) }, "", config.Exposed},
		{"a stray temporary file", func(t *testing.T, dir string) { write(t, dir, StrayName, `{"m2mAppSecret":"x"}`) }, "", config.Stray},
	}
}

func path(dir, name string) string { return filepath.Join(dir, name) }

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path(dir, name)); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := os.WriteFile(path(dir, name), []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(path(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func truncate(t *testing.T, dir, name string, n int) {
	t.Helper()
	b := read(t, dir, name)
	write(t, dir, name, string(b[:min(n, len(b)-2)]))
}

func appendTo(t *testing.T, dir, name, s string) {
	t.Helper()
	write(t, dir, name, string(read(t, dir, name))+s)
}

func setField(t *testing.T, dir, name, key, raw string) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(read(t, dir, name), &m); err != nil {
		t.Fatal(err)
	}
	m[key] = json.RawMessage(raw)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, name, string(b))
}

func setVersion(t *testing.T, dir, name string, v int) {
	t.Helper()
	setField(t, dir, name, "version", fmt.Sprint(v))
}

func remove(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.Remove(path(dir, name)); err != nil {
		t.Fatal(err)
	}
}

func chmod(t *testing.T, dir, name string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path(dir, name), mode); err != nil {
		t.Fatal(err)
	}
}

// File is one entry of a Snapshot.
type File struct {
	Mode    fs.FileMode
	Content string
}

// Snapshot is every file under a folder: its mode and content (and the
// folder's own mode, under ".").
type Snapshot map[string]File

// Take snapshots dir.
func Take(t *testing.T, dir string) Snapshot {
	t.Helper()
	s := Snapshot{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
		rel, _ := filepath.Rel(dir, p)
		f := File{Mode: fi.Mode()}
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(filepath.Clean(p)) //nolint:gosec // a test's own temporary folder
			if err != nil {
				return fmt.Errorf("snapshot: %w", err)
			}
			f.Content = string(b)
		}
		s[rel] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Diff lists how after differs from s ("" when it does not).
func (s Snapshot) Diff(after Snapshot) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(s)) {
		a, ok := after[k]
		switch {
		case !ok:
			out = append(out, k+" was removed or renamed")
		case a.Mode != s[k].Mode:
			out = append(out, fmt.Sprintf("%s: mode %v → %v", k, s[k].Mode, a.Mode))
		case a.Content != s[k].Content:
			out = append(out, k+": content changed")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(after)) {
		if _, ok := s[k]; !ok {
			out = append(out, k+" was created")
		}
	}
	return strings.Join(out, "; ")
}
