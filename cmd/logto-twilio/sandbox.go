package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/steps"
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

// sandboxStarted, when set (by tests only), is told about the stand-ins.
var sandboxStarted func(lg *logtotest.Server, tw *twiliotest.Server)

// buildSandbox starts the Logto and Twilio stand-ins in this process, seeds
// them like a fresh Logto with an M2M app and a Twilio trial account with a
// Messaging Service and a number, and prefills every answer that points at
// them. The setup is saved in --config-dir, or in a temporary directory that
// is removed at exit, so a sandbox run never touches a real setup.
func buildSandbox(o options, prefill *steps.Prefill) (steps.Deps, *inboxPanel, func(), error) {
	tw := twiliotest.NewServer()
	tw.AddAccount(twiliotest.Account{
		SID: sandboxAccountSID, AuthToken: sandboxAuthToken,
		FriendlyName: "Sandbox trial account", Type: "Trial",
	})
	tw.AddNumber(sandboxAccountSID, sandboxSender)
	tw.AddService(sandboxAccountSID, "Sandbox notifications", sandboxSender)
	tw.AddVerifiedCallerID(sandboxAccountSID, sandboxTestPhone)

	lg := logtotest.NewServer(logtotest.WithTwilioBaseURL(tw.URL))
	m2mID, m2mSecret := lg.AddM2MApp(sandboxM2MName, true)
	if sandboxStarted != nil {
		sandboxStarted(lg, tw)
	}

	*prefill = steps.Prefill{
		Endpoint:         lg.URL,
		TwilioBaseURL:    tw.URL,
		Port:             prefill.Port,
		TwilioAccountSID: sandboxAccountSID,
		TwilioAuthToken:  steps.Secret(sandboxAuthToken),
		M2MAppID:         m2mID,
		M2MAppSecret:     steps.Secret(m2mSecret),
		TestPhone:        firstNonEmpty(prefill.TestPhone, sandboxTestPhone),
		NoBrowser:        prefill.NoBrowser,
		Sandbox:          true,
	}

	dir := o.configDir
	removeDir := false
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "logto-twilio-sandbox-"+randomSuffix())
		removeDir = true
	}
	d := steps.DefaultDeps(newHTTPClient(nil), newHTTPClient(tw.Transport()))
	d.Store = &steps.Store{Dir: dir}

	panel := newInboxPanel(tw)
	cleanup := func() {
		panel.stop()
		lg.Close()
		tw.Close()
		if removeDir {
			_ = os.RemoveAll(dir)
		}
	}
	return d, panel, cleanup, nil
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// inboxPanel shows the last SMS the sandbox's Twilio received, so the user
// can read the code the sign-in page asks for.
type inboxPanel struct {
	tw      *twiliotest.Server
	changed chan struct{}
	done    chan struct{}
	once    sync.Once
}

func newInboxPanel(tw *twiliotest.Server) *inboxPanel {
	p := &inboxPanel{tw: tw, changed: make(chan struct{}, 1), done: make(chan struct{})}
	go p.watch()
	return p
}

// watch asks for a redraw when a new message arrives or a status moves on.
func (p *inboxPanel) watch() {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	last := ""
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			if v := p.View(); v != last {
				last = v
				select {
				case p.changed <- struct{}{}:
				default:
				}
			}
		}
	}
}

func (p *inboxPanel) stop() { p.once.Do(func() { close(p.done) }) }

// Changed receives when the panel's text changed.
func (p *inboxPanel) Changed() <-chan struct{} { return p.changed }

// View is the panel's text: the newest three messages, newest first.
func (p *inboxPanel) View() string {
	msgs := p.tw.Inbox()
	var b strings.Builder
	b.WriteString("Sandbox SMS inbox (what Twilio would deliver)\n")
	if len(msgs) == 0 {
		b.WriteString("  no messages yet")
		return b.String()
	}
	for i := len(msgs) - 1; i >= 0 && i >= len(msgs)-3; i-- {
		m := msgs[i]
		line := fmt.Sprintf("  to %s · %s", m.To, m.Status)
		if c := smsCode.FindString(m.Body); c != "" {
			line += " · code " + c
		}
		fmt.Fprintf(&b, "%s · %s\n", line, clip(oneLine(m.Body), 70-len([]rune(line))))
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
