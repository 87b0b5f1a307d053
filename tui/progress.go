package tui

import (
	"context"
	"sync"
)

// progressKey is the context key of the running step's progress channel.
type progressKey struct{}

// progress carries a running step's live status to the view. Texts queue
// up in order; the interactive runner shows only the latest it takes, the
// line runner prints each.
type progress struct {
	mu     sync.Mutex
	queue  []string
	notify chan struct{} // one pending signal: the queue is not empty
}

func newProgress() *progress { return &progress{notify: make(chan struct{}, 1)} }

// send queues text and signals the view; it never blocks.
func (p *progress) send(text string) {
	p.mu.Lock()
	p.queue = append(p.queue, text)
	p.mu.Unlock()
	select {
	case p.notify <- struct{}{}:
	default:
	}
}

// take returns the texts queued so far, oldest first, and empties the queue.
func (p *progress) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	q := p.queue
	p.queue = nil
	return q
}

func withProgress(ctx context.Context, p *progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// Report is how a running Execute (or Load) tells the user how it is going,
// e.g. "status: delivered": the interactive runner shows the latest text
// under the waiting text, the line runner prints each new one on its own line.
// It is the one channel from a step's I/O to the view; it never blocks, and
// does nothing when ctx does not come from a runner (tests). text must not
// hold a secret.
func Report(ctx context.Context, text string) {
	if p, ok := ctx.Value(progressKey{}).(*progress); ok {
		p.send(text)
	}
}
