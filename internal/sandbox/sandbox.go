// Package sandbox runs every command offline against stand-ins of Logto
// (logtoapi/logtotest) and Twilio (twiliosetup/twiliotest) inside this
// process. Its stand-ins keep their state between runs, so that
// `logto-twilio --sandbox` and then `logto-twilio doctor --sandbox` (or
// rotate, teardown, workshop) see the same Logto and Twilio:
//
//   - The sandbox folder is --config-dir when given, else "sandbox" inside
//     the setup's folder (LOGTO_TWILIO_CONFIG_DIR, or the user's config
//     directory + "/logto-twilio"); never the real setup's folder itself,
//     and a --config-dir holding a setup for a non-loopback Logto is
//     refused. The default persists: a returning user finds the sandbox
//     again with just --sandbox, the summary may name the folder, and the
//     Express starter has a Logto to talk to (`sandbox serve`). Someone who
//     only tried it offline has a few kilobytes of made-up data in a folder
//     the welcome panel names, with how to remove it.
//   - The folder holds the sandbox's setup.json and secrets.json (the steps'
//     Store) and sandbox-state.json: both stand-ins' snapshots (versioned
//     JSON), the stand-ins' addresses and the M2M app's id, mode 0600.
//     It is saved at start, after every call that changes a stand-in (a
//     transport wrapper, so a Ctrl-C or a kill loses at most a browser
//     sign-up), and at Close (which runs on Ctrl-C too).
//   - The Logto stand-in's URL is its issuer: it comes back on the same
//     127.0.0.1 port when that is free, else on a new one; the sandbox's
//     saved setup is then pointed at the new endpoint and issuer, and a note
//     says so. Its signing key is new on each start (ID tokens from an
//     earlier run no longer verify; clients fetch the new keys), and browser
//     sessions with it end. The Twilio stand-in also comes back on its port
//     when free (else the saved Twilio base URL follows it silently: Logto's
//     connector is told its URL at start, and twilio-go reaches it in memory).
//   - The demo port without --port: the saved one when free (its redirect
//     URI is registered), else 3000 when free, else any free port, decided
//     at start and passed on as Prefill.Port; a note says why it is not 3000.
package sandbox

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// Sandbox identities, made up: they exist only in the in-process Twilio
// stand-in and are no one's credentials. The Twilio account is a trial
// account, so the sandbox also shows the trial rules: the test phone is its
// verified caller ID.
const (
	sandboxAccountSID = "AC" + "5a4d0b0c0ffee0000000000000000001"
	sandboxAuthToken  = "5a4d0b0c0ffee000000000000000beef"
	sandboxSender     = "+14155550199"
	sandboxTestPhone  = "+14155550123"
	sandboxM2MName    = "logto-twilio sandbox (M2M)"
)

// OnStart is, when set (by tests only), told about the stand-ins of every Open.
var OnStart func(lg *logtotest.Server, tw *twiliotest.Server)

// Panel shows the last SMS the sandbox's Twilio received, so the user
// can read the code the sign-in page asks for.
type Panel struct {
	tw      *twiliotest.Server
	footer  string // the sandbox's notes, below the messages
	changed chan struct{}
	done    chan struct{}
	once    sync.Once
}

// newPanel watches tw's inbox; footer (the sandbox's notes, may be
// empty) shows below the messages.
func newPanel(tw *twiliotest.Server, footer string) *Panel {
	p := &Panel{tw: tw, footer: footer, changed: make(chan struct{}, 1), done: make(chan struct{})}
	go p.watch()
	return p
}

// watch asks for a redraw when a new message arrives or a status moves on. It
// sleeps until the stand-in says the inbox changed; only while a message is
// still on its way (not Final: its status moves on with time) does it also
// look every 250 ms, so a wizard waiting with a settled inbox does not wake.
func (p *Panel) watch() {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	last := ""
	for {
		changed := p.tw.InboxChanged() // before reading, so no change is missed
		msgs := p.tw.Inbox()
		if v := p.render(msgs); v != last {
			last = v
			select {
			case p.changed <- struct{}{}:
			default:
			}
		}
		var poll <-chan time.Time
		if !settled(msgs) {
			poll = t.C
		}
		select {
		case <-p.done:
			return
		case <-changed:
		case <-poll:
		}
	}
}

// settled tells whether every message has reached its last status.
func settled(msgs []twiliotest.Message) bool {
	for _, m := range msgs {
		if !m.Final {
			return false
		}
	}
	return true
}

func (p *Panel) stop() { p.once.Do(func() { close(p.done) }) }

// Changed receives when the panel's text changed.
func (p *Panel) Changed() <-chan struct{} { return p.changed }

// View is the panel's text: the newest three messages, newest first.
func (p *Panel) View() string { return p.render(p.tw.Inbox()) }

func (p *Panel) render(msgs []twiliotest.Message) string {
	var b strings.Builder
	b.WriteString("Sandbox SMS inbox (what Twilio would deliver)\n")
	if len(msgs) == 0 {
		b.WriteString("  no messages yet")
	}
	for i := len(msgs) - 1; i >= 0 && i >= len(msgs)-3; i-- {
		m := msgs[i]
		line := fmt.Sprintf("  to %s · %s", m.To, m.Status)
		if c := smsCode.FindString(m.Body); c != "" {
			line += " · code " + c
		}
		fmt.Fprintf(&b, "%s · %s\n", line, clip(oneLine(m.Body), 70-len([]rune(line))))
	}
	if p.footer != "" {
		b.WriteString("\n" + p.footer)
	}
	return strings.TrimRight(b.String(), "\n")
}

// smsCode finds the one-time code in an SMS body.
var smsCode = regexp.MustCompile(`\b\d{6}\b`)

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
