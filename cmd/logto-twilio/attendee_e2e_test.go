package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/e2etest"
)

// TestE2EAttendeeFromCard is a workshop attendee's whole run: the facilitator's Logto
// (the stand-in, with the shared Twilio connector and phone sign-in, in this process)
// and the cards workshop.Prepare wrote; the real binary under tmux with only
// `--preset <card>`; the phone typed for the test SMS; the sign-in in headless Chromium
// with the code Logto's connector sent. It counts the attendee's keystrokes (tm.keys
// calls) and checks that nothing the attendee sees or keeps holds the facilitator's
// M2M secret or Twilio Auth Token.
func TestE2EAttendeeFromCard(t *testing.T) {
	e2etest.SkipShort(t)
	e2etest.Need(t, "chromium", "/usr/bin/chromium")
	e2etest.Need(t, "tmux")
	const phone = "+14155550177"
	port := freePort(t)
	r := newWorkshopRoom(t, 3, port)
	card := r.cards[1] // Bookstore 02
	bin := buildBinary(t)
	home := t.TempDir() // the attendee's config directory (LOGTO_TWILIO_CONFIG_DIR)

	tm := newTmux(t, 100, 40, []string{"NO_COLOR=1", "TERM=xterm-256color", "LOGTO_TWILIO_CONFIG_DIR=" + home},
		bin, "--preset", card, "--no-browser")
	keys := 0
	press := func(k ...string) { keys++; tm.keys(k...) }

	// The welcome asks nothing with a card: the first question is the test SMS's.
	tm.waitForm("Step 10/14 · Test SMS")
	// The lines of the steps before: they may have scrolled out of the screen, and the
	// runner may print the last one just after the form shows.
	waitHistory(tm, "✓ Welcome — workshop card Bookstore 02 · starting fresh", "✓ Logto endpoint",
		"✓ App credentials — app ", "– Twilio credentials — the workshop's connector sends the codes",
		"– Logto SMS connector — the workshop's shared Twilio connector")
	sentBefore := len(r.twilioBodies())
	press("-l", phone)
	press("Enter")
	tm.waitText("Step 12/14 · Sign in for real")
	waitHistory(tm, "✓ Test SMS — "+phone+" · a sign-in code, sent through the workshop's connector")
	testSMS := r.twilioBodies()
	if len(testSMS) != sentBefore+1 || !strings.Contains(testSMS[len(testSMS)-1], "To=14155550177") {
		t.Fatalf("the test SMS did not go through the workshop's Twilio: %q", testSMS[sentBefore:])
	}
	checkpointKeys := keys

	demoURL := fmt.Sprintf("http://localhost:%d", port)
	browser := e2etest.Chromium(t)
	shown := e2etest.SignInByPhone(browser, t, e2etest.PhoneSignIn{
		AppURL:   demoURL,
		Number:   phone,
		Code:     func(ctx context.Context) (string, error) { return r.nextCode(ctx, len(testSMS)) },
		Diagnose: func() string { return "screen:\n" + tm.screen() },
	})
	if shown != phone {
		t.Errorf("the demo shows phone %q, want %s", shown, phone)
	}
	tm.waitText("✓ Sign in for real — signed in as " + phone)
	tm.waitForm("Step 13/14 · Express starter")
	press("Enter") // no starter; the summary needs no key
	// The summary's "Next:" line runs the card again; it names this binary by its path (it is
	// not on PATH) and may wrap at the terminal's edge.
	if s := tm.waitText("EXIT="); !strings.Contains(s, "EXIT=0") || !strings.Contains(strings.Join(strings.Fields(s), " "), "/logto-twilio --preset ") {
		t.Errorf("the attendee's run did not exit 0:\n%s", s)
	}
	t.Logf("attendee keystrokes (tm.keys calls): %d to the signed-in checkpoint, %d in all; "+
		"plus typing the command, and in the browser: sign in, the phone, the code, \"create a new one?\" (a new phone)",
		checkpointKeys, keys)

	// Nothing the attendee sees or keeps holds the facilitator's secrets.
	history := tm.run("capture-pane", "-p", "-S", "-", "-t", "w")
	assertNoFacilitatorSecret(t, "the terminal", history, r.m2mSecret)
	assertNoSecretFiles(t, home, r.m2mSecret)
	cardText, err := os.ReadFile(card)
	if err != nil {
		t.Fatal(err)
	}
	assertNoFacilitatorSecret(t, "the card", string(cardText), r.m2mSecret)
	dir := filepath.Join(home, "workshop-bookstore-02")
	if _, err := os.Stat(filepath.Join(dir, "setup.json")); err != nil {
		t.Errorf("the attendee's setup is not in its own folder %s: %v", dir, err)
	}
	if _, err := os.Stat(filepath.Join(home, "setup.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the attendee's run wrote the shared config folder's setup.json: %v", err)
	}
}

// waitHistory waits until the terminal's history and screen hold every text.
func waitHistory(tm *tmuxTerm, texts ...string) {
	tm.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h := tm.run("capture-pane", "-p", "-S", "-", "-t", "w")
		missing := ""
		for _, want := range texts {
			if !strings.Contains(h, want) {
				missing = want
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the terminal never showed %q:\n%s", missing, h)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var codeInBody = regexp.MustCompile(`\b\d{6}\b`)

// nextCode waits for a message after the first `after` ones and returns its code.
func (r *workshopRoom) nextCode(ctx context.Context, after int) (string, error) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if bodies := r.twilioBodies(); len(bodies) > after {
			form, err := url.ParseQuery(bodies[len(bodies)-1])
			if err != nil {
				return "", fmt.Errorf("the SMS form: %w", err)
			}
			return codeInBody.FindString(form.Get("Body")), nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("no sign-in SMS: %w", ctx.Err())
		case <-tick.C:
		}
	}
}
