package factory

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBrowserUsesBROWSER: with $BROWSER set, its command (with its own
// arguments) opens the URL, as in gh. PATH is empty, so no real opener can
// start whatever the code does.
func TestBrowserUsesBROWSER(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", t.TempDir())
	fifo := filepath.Join(dir, "opened")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" > "+fifo+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	b := NewBrowser(false, func(k string) string {
		if k == "BROWSER" {
			return script + " --new-window"
		}
		return ""
	})
	read := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until the script opens it
		if err != nil {
			read <- err.Error()
			return
		}
		defer f.Close()
		got, _ := io.ReadAll(f)
		read <- strings.TrimSpace(string(got))
	}()
	if err := b.Open("http://localhost:3000/callback"); err != nil {
		t.Fatalf("Open: %v", err)
	}
	select {
	case got := <-read:
		if want := "--new-window http://localhost:3000/callback"; got != want {
			t.Errorf("$BROWSER ran with %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second): // a guard against hanging, not a timing
		t.Fatal("$BROWSER was never run")
	}
}
