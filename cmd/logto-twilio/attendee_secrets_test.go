package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAttendeeNeverHoldsFacilitatorSecrets runs an attendee from a card (in this
// process, the real command line) on a machine whose environment even has the
// facilitator's M2M and Twilio credentials: neither the M2M secret nor the Twilio
// Auth Token appears in the attendee's output, saved files or card; and the run
// reaches Logto only through OIDC and the sign-in page's Experience API, never the
// Management API, so nothing of Logto's (a connector config) can bring them either.
func TestAttendeeNeverHoldsFacilitatorSecrets(t *testing.T) {
	port := distinctFreePorts(t, 1)[0]
	r := newWorkshopRoom(t, 2, port)
	card := r.cards[0]
	before := len(r.lg.Requests())
	home := t.TempDir()
	env := map[string]string{
		"TERM":                 "dumb",
		"LOGTO_M2M_APP_ID":     "from-the-facilitator",
		"LOGTO_M2M_APP_SECRET": r.m2mSecret,
		"TWILIO_ACCOUNT_SID":   roomTwilioSID,
		"TWILIO_AUTH_TOKEN":    roomTwilioToken,
	}
	code, out, signErr := runAttendee(t, r, card, filepath.Join(home, "attendee"), port, "+14155550142", env)
	if code != 0 || signErr != nil {
		t.Fatalf("exit %d, sign-in %v\n%s", code, signErr, out)
	}
	assertNoFacilitatorSecret(t, "the output", out, r.m2mSecret)
	assertNoSecretFiles(t, home, r.m2mSecret)
	b, err := os.ReadFile(card)
	if err != nil {
		t.Fatal(err)
	}
	assertNoFacilitatorSecret(t, "the card", string(b), r.m2mSecret)
	if strings.Contains(out, "from-the-facilitator") {
		t.Error("the output names the facilitator's M2M app")
	}
	for _, req := range r.lg.Requests()[before:] {
		// The Experience API and the public /api/.well-known/ routes (the sign-in mode) are
		// what the sign-in page uses; every other /api/ route is the Management API.
		public := strings.HasPrefix(req.Path, "/api/experience") || strings.HasPrefix(req.Path, "/api/.well-known/")
		mgmt := strings.HasPrefix(req.Path, "/api/") && !public
		if mgmt || strings.HasPrefix(req.Header.Get("Authorization"), "Bearer ") {
			t.Errorf("the attendee's run called the Management API: %s %s", req.Method, req.Path)
		}
		if strings.Contains(string(req.Body), r.m2mSecret) || strings.Contains(req.Header.Get("Authorization"), "from-the-facilitator") {
			t.Errorf("the attendee's run sent the facilitator's M2M credentials: %s %s", req.Method, req.Path)
		}
	}
}
