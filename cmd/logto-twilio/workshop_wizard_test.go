package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// TestWorkshopPrepareRunsTheWizardFirst (issue 18, item 2): on a folder
// with no setup, workshop prepare asks to run the wizard, runs it on the
// same piped input (one reader for the confirm and every question after
// it), then prepares the apps on the setup the wizard saved.
func TestWorkshopPrepareRunsTheWizardFirst(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole wizard")
	}
	dir := t.TempDir()
	var lg *logtotest.Server
	started := make(chan struct{})
	opens := 0
	// The wizard's is the second sandbox of the run (prepare opened one to look).
	setSandboxStarted(func(l *logtotest.Server, _ *twiliotest.Server) {
		if opens++; opens == 2 {
			lg = l
			close(started)
		}
	})
	t.Cleanup(func() { setSandboxStarted(nil) })

	out, errOut := newWatchedBuffer(), newWatchedBuffer()
	in := strings.NewReader("y\n" + "y\n" + strings.Repeat("\n", 60)) // the confirm, then the wizard
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	signedIn := signInInBackground(ctx, cancel, out, started, &lg)
	code := run([]string{
		"workshop", "prepare", "--sandbox", "--no-browser", "--config-dir", dir,
		"--attendees", "2", "--out", filepath.Join(dir, "cards"),
	}, in, out, errOut, noEnv)
	if err := <-signedIn; err != nil {
		t.Fatalf("signing in: %v\ntranscript:\n%s", err, out)
	}
	if code != exitOK {
		t.Fatalf("exit code %d, stderr %q\ntranscript:\n%s", code, errOut, out)
	}
	s := out.String()
	for _, want := range []string{
		"Run the setup wizard now? [y/N]", "✓ Sign in for real", "2 created, 0 reused",
		// The cards name stand-ins that stopped with this run.
		"which runs only while a --sandbox command does: run logto-twilio sandbox serve --sandbox --config-dir " + dir + " in a terminal",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the transcript lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "cannot reach a local address") {
		t.Errorf("a sandbox rehearsal is warned that its Logto is local:\n%s", s)
	}
	cards, _ := filepath.Glob(filepath.Join(dir, "cards", "*.yaml"))
	if len(cards) != 2 {
		t.Errorf("cards: %q", cards)
	}
	if _, err := os.Stat(filepath.Join(dir, "setup.json")); err != nil {
		t.Errorf("the wizard's setup: %v", err)
	}
}
