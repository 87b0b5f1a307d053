package steps

import (
	"fmt"
	"sync"
)

// DemoHost owns the demo sign-in server across steps: the verify step asks
// it for the running server (started once, kept for a retry), and whoever
// built the Deps closes it when the wizard ends (cmd, after tui.Run). The
// State never holds the server.
type DemoHost struct {
	mu  sync.Mutex
	srv Demo
	url string
}

// Serve returns the running server and its URL, starting one with start
// when none runs. A failed start leaves none running.
func (h *DemoHost) Serve(start func() (Demo, string, error)) (Demo, string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.srv != nil {
		return h.srv, h.url, nil
	}
	srv, u, err := start()
	if err != nil {
		return nil, "", err
	}
	h.srv, h.url = srv, u
	return srv, u, nil
}

// Close stops the server if one runs. It is safe to call more than once,
// and on a nil DemoHost.
func (h *DemoHost) Close() error {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	srv := h.srv
	h.srv, h.url = nil, ""
	h.mu.Unlock()
	if srv == nil {
		return nil
	}
	if err := srv.Close(); err != nil {
		return fmt.Errorf("steps: stop demo server: %w", err)
	}
	return nil
}

// signOuter is a Demo that reports completed sign-outs (*demo.Server does).
type signOuter interface{ SignOuts() <-chan struct{} }

// Running returns the URL of the running demo server and the channel that
// reports each sign-out completed through it (nil when the server does not
// report them); ok is false when none runs.
func (h *DemoHost) Running() (url string, signOuts <-chan struct{}, ok bool) {
	if h == nil {
		return "", nil, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.srv == nil {
		return "", nil, false
	}
	if so, isSO := h.srv.(signOuter); isSO {
		signOuts = so.SignOuts()
	}
	return h.url, signOuts, true
}
