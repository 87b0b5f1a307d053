package sandbox

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets this test binary be a sandbox host in another process (see
// TestKilledHostIsTakenOver).
func TestMain(m *testing.M) {
	if dir := os.Getenv("SANDBOX_TEST_HOST_DIR"); dir != "" {
		env, err := Open(Options{ConfigDir: dir, Command: "sandbox test host"})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("serving", env.Answers.Endpoint)
		select {} // until killed
	}
	os.Exit(m.Run())
}

// TestKilledHostIsTakenOver: a host killed with SIGKILL cleans up nothing;
// its lock goes with it (the operating system's), and the next Open takes
// its stand-ins over on the same address, from the state it saved.
func TestKilledHostIsTakenOver(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SANDBOX_TEST_HOST_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	endpoint, ok := strings.CutPrefix(strings.TrimSpace(line), "serving ")
	if err != nil || !ok {
		_ = cmd.Process.Kill()
		t.Fatalf("the host process said %q (%v)", line, err)
	}
	// While it runs, an Open here is its guest.
	guest := mustOpen(t, Options{ConfigDir: dir})
	if !guest.Guest() || guest.Host.PID != cmd.Process.Pid || guest.Answers.Endpoint != endpoint {
		t.Fatalf("beside the running host: guest %v, host %+v", guest.Guest(), guest.Host)
	}
	_ = guest.Close()

	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no Close, no cleanup
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if _, err := os.Stat(filepath.Join(dir, ServingFile)); err != nil {
		t.Fatalf("the killed host's %s is gone (%v); this test wants it left behind", ServingFile, err)
	}

	env := mustOpen(t, Options{ConfigDir: dir})
	if env.Guest() {
		t.Fatal("the next Open trusted the killed host")
	}
	if env.Answers.Endpoint != endpoint {
		t.Errorf("taken over at %s, want the killed host's %s", env.Answers.Endpoint, endpoint)
	}
	if note := strings.Join(env.Notes, " "); !strings.Contains(note, fmt.Sprintf(`"sandbox test host" (pid %d) ended without stopping`, cmd.Process.Pid)) {
		t.Errorf("no note names the killed host: %q", note)
	}
}
