package atomicfile

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReplacesWithMode(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "f.json")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "new" {
		t.Fatalf("content %q, %v; want new", b, err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".*.tmp"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestWriteFailureLeavesTargetAndNoTemp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "missing-dir", "f")
	if err := Write(p, []byte("x"), 0o600); err == nil {
		t.Fatal("Write into a missing directory succeeded")
	}
	// A directory in the target's place: the rename fails, the temp goes.
	target := filepath.Join(dir, "d")
	if err := os.MkdirAll(filepath.Join(target, "child"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := Write(target, []byte("x"), 0o600); err == nil {
		t.Fatal("Write over a non-empty directory succeeded")
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestKilledWriteLeavesAStrayThatIsRemovedOnceTheWriterIsGone (issue 20):
// a process killed between writing the temporary file and renaming it
// leaves the temporary file (it holds the new content, secrets too). While
// the writer runs, Stray does not list it (it is being written); once the
// writer is gone, Stray lists it and RemoveStray removes it, and nothing
// else in the folder.
func TestKilledWriteLeavesAStrayThatIsRemovedOnceTheWriterIsGone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "secrets.json")
	if err := os.WriteFile(target, []byte(`{"old":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	// Files Stray must leave alone: another target's temporary file, a
	// name that only looks like one, and the target itself.
	for _, n := range []string{".setup.json.1-2.tmp", ".secrets.json.x-1.tmp", "secrets.json.bak"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperWriterBlocksBeforeRename$")
	cmd.Env = append(os.Environ(), "ATOMICFILE_HELPER_TARGET="+target)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready ") {
		_ = cmd.Process.Kill()
		t.Fatalf("helper said %q, %v", line, err)
	}
	tmp := strings.TrimSpace(strings.TrimPrefix(line, "ready "))
	if s, err := Stray(dir, "secrets.json", "setup.json"); err != nil || len(s) != 0 {
		t.Errorf("while the writer runs, Stray = %v, %v; want nothing", s, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	if b, err := os.ReadFile(tmp); err != nil || string(b) != `{"new":1}` {
		t.Fatalf("the killed write left %s = %q, %v; want the new content", tmp, b, err)
	}
	if b, _ := os.ReadFile(target); string(b) != `{"old":1}` {
		t.Errorf("target = %q, want the old content", b)
	}
	stray, err := Stray(dir, "secrets.json")
	if err != nil || len(stray) != 1 || stray[0] != tmp {
		t.Fatalf("Stray = %v, %v; want [%s]", stray, err, tmp)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("Stray removed the file: %v", err)
	}
	removed, err := RemoveStray(dir, "secrets.json", "setup.json")
	if err != nil || len(removed) != 1 || removed[0] != tmp {
		t.Fatalf("RemoveStray = %v, %v; want [%s]", removed, err, tmp)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{".secrets.json.x-1.tmp", ".setup.json.1-2.tmp", "secrets.json", "secrets.json.bak"}
	if strings.Join(left, " ") != strings.Join(want, " ") {
		t.Errorf("left %v, want %v", left, want)
	}
}

// TestHelperWriterBlocksBeforeRename is the writer the test above kills.
func TestHelperWriterBlocksBeforeRename(t *testing.T) {
	target := os.Getenv("ATOMICFILE_HELPER_TARGET")
	if target == "" {
		t.Skip("run by TestKilledWriteLeavesAStrayThatIsRemovedOnceTheWriterIsGone")
	}
	beforeRename = func(tmp string) {
		fmt.Println("ready " + tmp)
		select {} // killed here
	}
	_ = Write(target, []byte(`{"new":1}`), 0o600)
}

func TestWriterPID(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		pid  int
		ok   bool
	}{
		{".secrets.json.123-456.tmp", 123, true},
		{".secrets.json.3240006676.tmp", 3240006676, true}, // before the pid was in the name
		{".secrets.json.99999999999999999999999.tmp", 0, true},
		{".secrets.json.-456.tmp", 0, false},
		{".secrets.json.12-ab.tmp", 0, false},
		{".secrets.json..tmp", 0, false},
		{".secrets.json.12-3", 0, false},
		{".setup.json.12-3.tmp", 0, false},
		{"secrets.json", 0, false},
	} {
		pid, ok := writerPID(tt.name, "secrets.json")
		if pid != tt.pid || ok != tt.ok {
			t.Errorf("writerPID(%q) = %d, %v; want %d, %v", tt.name, pid, ok, tt.pid, tt.ok)
		}
	}
	if running(3240006676) {
		t.Error("running(3240006676): a number above any pid runs")
	}
}
