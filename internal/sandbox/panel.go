package sandbox

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Panel shows the SMS messages the sandbox's Twilio received, so the user
// can read the code a sign-in page asks for: the newest first, on a line of
// its own, and the older ones folded into one line, so the newest code fits
// on the smallest screen the wizard draws (50×14).
type Panel struct {
	src    inboxSource
	footer string // the sandbox's notes, below the messages until the first one arrives

	mu   sync.Mutex
	msgs []InboxMessage
	tag  string

	changed chan struct{}
	ctx     context.Context
	stop    context.CancelFunc
	done    chan struct{}
}

// retryAfter is how long a panel reading another process's inbox waits
// after a failed read (that process stopped, say) before trying again.
const retryAfter = time.Second

// newPanel watches src's inbox; footer (the sandbox's notes, may be empty)
// shows below the messages until the first message arrives.
func newPanel(src inboxSource, footer string) *Panel {
	ctx, stop := context.WithCancel(context.Background())
	p := &Panel{src: src, footer: footer, changed: make(chan struct{}, 1), ctx: ctx, stop: stop, done: make(chan struct{})}
	go p.watch()
	return p
}

// watch asks for a redraw whenever the inbox changes. It sleeps until the
// source has a change to tell (see localInbox.wait), so a wizard waiting with
// a settled inbox does not wake.
func (p *Panel) watch() {
	defer close(p.done)
	for {
		p.mu.Lock()
		seen := p.tag
		p.mu.Unlock()
		msgs, tag, err := p.src.wait(p.ctx, seen, maxInboxWait)
		if p.ctx.Err() != nil {
			return
		}
		if err != nil {
			select {
			case <-p.ctx.Done():
				return
			case <-time.After(retryAfter):
			}
			continue
		}
		if tag != seen {
			p.set(msgs, tag)
		}
	}
}

// set shows msgs (whose tag is tag) and asks for a redraw.
func (p *Panel) set(msgs []InboxMessage, tag string) {
	p.mu.Lock()
	p.msgs, p.tag = msgs, tag
	p.mu.Unlock()
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

// Close stops watching the inbox.
func (p *Panel) Close() {
	p.stop()
	<-p.done
}

// Changed receives when the panel's text changed.
func (p *Panel) Changed() <-chan struct{} { return p.changed }

// Messages are the messages the panel shows, oldest first.
func (p *Panel) Messages() []InboxMessage {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.msgs
}

// View is the panel's text.
func (p *Panel) View() string { return renderInbox(p.Messages(), p.footer) }

// renderInbox draws the inbox: the newest message, the older ones folded
// into one line, then what the panel is (the wizard cuts a panel that does
// not fit from its end, so the newest code goes first); footer while there
// is no message. Every line fits in 48 columns (the panel's inside at the
// wizard's 50-column minimum); a long folded line is cut.
func renderInbox(msgs []InboxMessage, footer string) string {
	if len(msgs) == 0 {
		s := "Sandbox SMS inbox: no messages yet"
		if footer != "" {
			s += "\n\n" + footer
		}
		return s
	}
	var b strings.Builder
	b.WriteString(messageLine(msgs[len(msgs)-1]))
	if older := msgs[:len(msgs)-1]; len(older) > 0 {
		parts := make([]string, 0, len(older))
		for i := len(older) - 1; i >= 0; i-- {
			m := older[i]
			s := m.Code
			if s == "" {
				s = "no code"
			}
			if u := usageName(m.UsageType); u != "" {
				s += " (" + u + ")"
			}
			parts = append(parts, s)
		}
		b.WriteString("\n" + clip(fmt.Sprintf("%d earlier: %s", len(older), strings.Join(parts, ", ")), 48))
	}
	b.WriteString("\n(the sandbox's SMS inbox, newest first)")
	return b.String()
}

// messageLine is one message on one line: its code, what it is for, where
// it went and how far it got ("123456 · sign-in · +14155550123 · delivered").
func messageLine(m InboxMessage) string {
	parts := []string{}
	if m.Code != "" {
		parts = append(parts, m.Code)
	} else {
		parts = append(parts, clip(oneLine(m.Body), 15))
	}
	if u := usageName(m.UsageType); u != "" {
		parts = append(parts, u)
	}
	parts = append(parts, m.To, m.Status)
	return strings.Join(parts, " · ")
}

// usageName is a usage type as the user reads it: what the code is for.
func usageName(usage string) string {
	switch usage {
	case "":
		return ""
	case "SignIn":
		return "sign-in"
	case "Register":
		return "sign-up"
	case "ForgotPassword":
		return "reset"
	case "Generic":
		return "generic"
	case "Test":
		return "test"
	default:
		return strings.ToLower(usage)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip shortens s to n runes, ending with "…" when cut.
func clip(s string, n int) string {
	r := []rune(s)
	if n < 2 {
		n = 2
	}
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
