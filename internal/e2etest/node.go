package e2etest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// NPMInstall runs `npm install` in dir (the Express starter), quietly.
func NPMInstall(tb testing.TB, npm, dir string) {
	tb.Helper()
	install := exec.CommandContext(tb.Context(), npm, "install", "--no-audit", "--no-fund", "--loglevel=error")
	install.Dir = dir
	if out, err := install.CombinedOutput(); err != nil {
		tb.Fatalf("npm install: %v\n%s", err, out)
	}
}

// StartExpress runs the Express starter in dir as `npm start` does (node
// --env-file=.env app.js) and waits until it listens on base; the process
// is killed when the test ends. It returns the process's output so far.
func StartExpress(tb testing.TB, node, dir, base string) func() string {
	tb.Helper()
	cmd := exec.CommandContext(tb.Context(), node, "--env-file=.env", "app.js") // killed when the test ends
	cmd.Dir = dir
	var (
		mu  sync.Mutex
		out strings.Builder
	)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting node: %v", err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); _ = pw.Close(); close(exited) }()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			out.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.HasPrefix(sc.Text(), "Listening on "+base) {
				once.Do(func() { close(ready) })
			}
		}
	}()
	logs := func() string { mu.Lock(); defer mu.Unlock(); return out.String() }
	select {
	case <-ready:
	case <-exited:
		tb.Fatalf("node exited before listening: %v\n%s", waitErr, logs())
	case <-time.After(30 * time.Second):
		tb.Fatalf("node did not listen within 30 s:\n%s", logs())
	}
	return logs
}

// WatchedBuffer is a writer (a command's output) that a test can wait on.
type WatchedBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

// NewWatchedBuffer returns an empty WatchedBuffer.
func NewWatchedBuffer() *WatchedBuffer { return &WatchedBuffer{changed: make(chan struct{}, 1)} }

func (w *WatchedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.b.Write(p)
	select {
	case w.changed <- struct{}{}:
	default:
	}
	return n, err //nolint:wrapcheck // bytes.Buffer's, never an error
}

// String is what was written so far.
func (w *WatchedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// WaitMatch waits until the output matches re and returns the submatches;
// the error names re and holds the output when ctx ends first.
func (w *WatchedBuffer) WaitMatch(ctx context.Context, re *regexp.Regexp) ([]string, error) {
	for {
		if m := re.FindStringSubmatch(w.String()); m != nil {
			return m, nil
		}
		select {
		case <-w.changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %s: %w in:\n%s", re, ctx.Err(), w.String())
		}
	}
}
