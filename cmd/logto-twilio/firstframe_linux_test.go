//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// firstFrame starts the binary on a fresh pseudo-terminal (80×24) and returns
// how long it took until the first frame of the wizard was written. The
// process is killed afterwards.
func firstFrame(tb testing.TB, bin, configDir string) time.Duration {
	tb.Helper()
	master, slave, err := openPTY(24, 80)
	if err != nil {
		tb.Fatal(err)
	}
	defer master.Close()
	cmd := exec.Command(bin, "--config-dir", configDir, "--no-browser")
	cmd.Env = []string{"TERM=xterm-256color", "HOME=" + configDir, "PATH=" + os.Getenv("PATH")}
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
		if strings.Contains(seen.String(), "Welcome") {
			return time.Since(start)
		}
		if err != nil {
			tb.Fatalf("no first frame: %v; the terminal got %q", err, seen.String())
		}
	}
}

// BenchmarkFirstFrame measures the time from exec to the first frame of the
// real binary on a real (pseudo-)terminal. Run it with
//
//	go test -run '^$' -bench FirstFrame ./cmd/logto-twilio
//
// It reports ms/frame; README.md lists the result on our machines.
func BenchmarkFirstFrame(b *testing.B) {
	bin := buildBinary(b)
	dir := b.TempDir()
	var total time.Duration
	for b.Loop() {
		total += firstFrame(b, bin, dir)
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/frame")
}

// TestFirstFrameOnPTY checks the binary draws its first frame on a terminal
// (it says nothing about speed: that is the benchmark's job).
func TestFirstFrameOnPTY(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	firstFrame(t, buildBinary(t), t.TempDir())
}
