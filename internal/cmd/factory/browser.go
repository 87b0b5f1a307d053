package factory

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"sync"

	"github.com/pkg/browser"
)

// Browser opens URLs in the user's browser. pkg/browser writes the
// launcher's output to the process's stdout and stderr by default, which would
// garble the TUI, so both are silenced once; the URL is always shown as text
// by the step too, so a browser that does not start loses nothing.
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
