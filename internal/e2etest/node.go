package e2etest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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

// StartScript is the start script of the package.json in dir (the Express
// starter's, e.g. node --env-file-if-exists=.env app.js) with node's path for
// "node": the command npm start runs. It fails the test when this node does
// not know a flag of the script.
func StartScript(tb testing.TB, node, dir string) []string {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "package.json")) //nolint:gosec // G304: the starter folder the test wrote
	if err != nil {
		tb.Fatal(err)
	}
	var pkg struct {
		Scripts map[string]string `json:"scripts"`
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		tb.Fatalf("%s/package.json: %v", dir, err)
	}
	words := strings.Fields(pkg.Scripts["start"])
	if len(words) < 2 || words[0] != "node" {
		tb.Fatalf("the start script %q does not run node", pkg.Scripts["start"])
	}
	empty := filepath.Join(tb.TempDir(), "empty.env")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		tb.Fatal(err)
	}
	for _, w := range words[1 : len(words)-1] {
		// Each flag on its own, a file flag with an empty file.
		flag, _, hasValue := strings.Cut(w, "=")
		if hasValue {
			w = flag + "=" + empty
		}
		if out, err := exec.CommandContext(tb.Context(), node, w, "-e", "0").CombinedOutput(); err != nil { //nolint:gosec // G204: node and a flag of the starter's start script
			v, _ := exec.CommandContext(tb.Context(), node, "--version").Output()
			tb.Fatalf("node %s cannot run the starter's start script %q (%s: %v %s); the starter needs the Node.js its package.json engines names",
				strings.TrimSpace(string(v)), pkg.Scripts["start"], flag, err, out)
		}
	}
	return append([]string{node}, words[1:]...)
}

// StartExpress runs the Express starter in dir as `npm start` does (its
// StartScript) and waits until it listens on base; the process is killed
// when the test ends. It returns the process's output so far.
func StartExpress(tb testing.TB, node, dir, base string) func() string {
	tb.Helper()
	args := StartScript(tb, node, dir)
	cmd := exec.CommandContext(tb.Context(), args[0], args[1:]...) //nolint:gosec // G204: node and the starter's own start script; killed when the test ends
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
