package tui

import "context"

// progressKey is the context key of the running step's progress channel.
type progressKey struct{}

// progress carries a running step's live status to the view: the latest
// text only (a slow view skips what it missed).
type progress struct{ ch chan string }

func newProgress() *progress { return &progress{ch: make(chan string, 1)} }

// send replaces any text the view has not taken yet with text.
func (p *progress) send(text string) {
	for {
		select {
		case p.ch <- text:
			return
		default:
		}
		select {
		case <-p.ch:
		default:
		}
	}
}

func withProgress(ctx context.Context, p *progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// Report is how a running Execute (or Load) tells the user how it is going,
// e.g. "status: delivered": the interactive runner shows the latest text
// under the spinner, the line runner prints each new one on its own line.
// It is the one channel from a step's I/O to the view; it never blocks, and
// does nothing when ctx does not come from a runner (tests). text must not
// hold a secret.
func Report(ctx context.Context, text string) {
	if p, ok := ctx.Value(progressKey{}).(*progress); ok {
		p.send(text)
	}
}
