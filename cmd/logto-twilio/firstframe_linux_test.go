//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
)

// firstFrame starts the binary on a fresh pseudo-terminal (80×24) and returns
// how long it took until the first frame of the wizard was written. The
// process is killed afterwards.
func firstFrame(tb testing.TB, bin, configDir string) time.Duration {
	tb.Helper()
	return firstFrameOf(tb, []string{bin, "--config-dir", configDir, "--no-browser"}, configDir, "Welcome")
}

// firstFrameOf starts argv on a fresh pseudo-terminal (80×24) and returns how
// long it took until want was written.
func firstFrameOf(tb testing.TB, argv []string, home, want string) time.Duration {
	tb.Helper()
	master, slave, err := e2etest.OpenPTY(24, 80)
	if err != nil {
		tb.Fatal(err)
	}
	defer master.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = []string{"TERM=xterm-256color", "HOME=" + home, "PATH=" + os.Getenv("PATH")}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		slave.Close()
		tb.Fatal(err)
	}
	slave.Close()
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	_ = master.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		n, err := master.Read(buf)
		seen.Write(buf[:n])
		if strings.Contains(seen.String(), want) {
			return time.Since(start)
		}
		if err != nil {
			tb.Fatalf("no first frame: %v; the terminal got %q", err, seen.String())
		}
	}
}

// BenchmarkFirstFrame measures the time from exec to the first frame of the
// real binary on a real (pseudo-)terminal, and in the same loop that of a
// minimal huh v2 form (internal/bench/minimalform), since absolute times vary
// between machines. Run it with
//
//	go test -run '^$' -bench FirstFrame ./cmd/logto-twilio
//
// It reports ms/frame, the minimal form's ms/frame and their ratio; make bench
// (scripts/bench) prints the same with medians, and docs/speed.md lists them.
func BenchmarkFirstFrame(b *testing.B) {
	bin := buildBinary(b)
	minimal := filepath.Join(b.TempDir(), "minimalform")
	if out, err := exec.CommandContext(b.Context(), "go", "build", "-o", minimal, "../../internal/bench/minimalform").CombinedOutput(); err != nil {
		b.Fatalf("go build minimalform: %v\n%s", err, out)
	}
	dir := b.TempDir()
	var total, base time.Duration
	for b.Loop() {
		total += firstFrame(b, bin, dir)
		base += firstFrameOf(b, []string{minimal}, dir, "Logto endpoint")
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/frame")
	b.ReportMetric(float64(base.Microseconds())/1000/float64(b.N), "minimal-ms/frame")
	b.ReportMetric(float64(total)/float64(base), "ratio")
}

// TestFirstFrameOnPTY checks the binary draws its first frame on a terminal
// (it says nothing about speed: that is the benchmark's job).
func TestFirstFrameOnPTY(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	firstFrame(t, buildBinary(t), t.TempDir())
}
