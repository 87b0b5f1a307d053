package factory

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os/exec"
	"strings"
	"sync"

	"github.com/cli/browser"
)

// Browser opens URLs in the user's browser: the command in $BROWSER when it
// is set (as gh does), else the system's opener through github.com/cli/browser
// (xdg-open and the like, wslview on WSL). The launcher's output would garble
// the TUI, so it is discarded; the URL is always shown as text by the step
// too, so a browser that does not start loses nothing.
type Browser struct {
	Disabled bool   // --no-browser, or an SSH session without a display
	reason   string // why it is disabled, for the message
	open     func(string) error
}

var silenceBrowser sync.Once

// NewBrowser is the opener of this run: disabled by --no-browser or in an SSH session.
func NewBrowser(noBrowser bool, getenv func(string) string) *Browser {
	silenceBrowser.Do(func() {
		browser.Stdout = io.Discard
		browser.Stderr = io.Discard
	})
	o := &Browser{open: browser.OpenURL}
	if cmd := strings.Fields(getenv("BROWSER")); len(cmd) > 0 {
		o.open = func(u string) error { return startBrowser(cmd, u) }
	}
	switch {
	case noBrowser:
		o.Disabled, o.reason = true, "--no-browser"
	case getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != "":
		o.Disabled, o.reason = true, "this is an SSH session"
	}
	return o
}

// errBrowserDisabled tells the step to print the URL instead.
var errBrowserDisabled = errors.New("not opening a browser")

// Open opens an http or https URL. It must be called from a tea.Cmd or the
// line runner, never from Update.
func (o *Browser) Open(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("open browser: refusing %q: only http and https URLs are opened", raw)
	}
	if o.Disabled {
		return fmt.Errorf("%w (%s): open %s yourself", errBrowserDisabled, o.reason, raw)
	}
	if err := o.open(raw); err != nil {
		return fmt.Errorf("open browser: %w; open %s yourself", err, raw)
	}
	return nil
}

// startBrowser starts the $BROWSER command (its words, then the URL) and
// does not wait for it: a browser started by it may run until the user
// closes it.
func startBrowser(cmd []string, u string) error {
	// Not tied to a context: the browser outlives this call, and may outlive the program.
	c := exec.CommandContext(context.Background(), cmd[0], append(cmd[1:], u)...) //nolint:gosec // the user's own $BROWSER
	c.Stdout, c.Stderr = io.Discard, io.Discard
	if err := c.Start(); err != nil {
		return fmt.Errorf("$BROWSER: %w", err)
	}
	go func() { _ = c.Wait() }()
	return nil
}
