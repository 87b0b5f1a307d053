//go:build linux

package factory

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
)

// TestLineSecretOnATerminal: a secret asked in line mode on a terminal
// (--accessible, TERM=dumb) is read without echo, so it never shows on
// screen.
func TestLineSecretOnATerminal(t *testing.T) {
	t.Parallel()
	master, slave, err := e2etest.OpenPTY(24, 80)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer func() { _ = master.Close() }()
	ios := NewIOStreams(slave, slave, io.Discard, nil)
	p := linePrompter{io: ios}
	type answer struct {
		s   string
		err error
	}
	got := make(chan answer, 1)
	go func() {
		s, err := p.Secret(context.Background(), "Token")
		got <- answer{s, err}
	}()
	// Type only once the terminal no longer echoes (ReadPassword turned it off).
	for {
		select {
		case a := <-got:
			t.Fatalf("Secret returned before anything was typed: %q, %v", a.s, a.err)
		default:
		}
		tio, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		if tio.Lflag&unix.ECHO == 0 {
			break
		}
	}
	if _, err := master.WriteString("s3cr3t-token\n"); err != nil {
		t.Fatal(err)
	}
	a := <-got
	if a.err != nil || a.s != "s3cr3t-token" {
		t.Fatalf("Secret = %q, %v", a.s, a.err)
	}
	// With the terminal's other end closed, reading the screen ends (EIO).
	_ = slave.Close()
	var screen bytes.Buffer
	_, _ = io.Copy(&screen, master)
	if !strings.Contains(screen.String(), "Token:") || strings.Contains(screen.String(), "s3cr3t") {
		t.Errorf("the screen shows %q", screen.String())
	}
}
