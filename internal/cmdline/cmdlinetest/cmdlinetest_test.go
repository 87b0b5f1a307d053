package cmdlinetest

import "testing"

// TestProblems: the check can fail, in both styles.
func TestProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text  string
		style Style
		bad   bool
	}{
		{"Run `logto-twilio setup` again.", Backquoted, true},
		{"Run `⟦setup⟧` again.", Backquoted, false},
		{"Run ⟦setup⟧ again.", Backquoted, true},
		{"Run `⟦doctor --send-test-sms <phone>⟧` again.", Backquoted, true},
		{"run `⟦workshop prepare --attendees N⟧` first", Backquoted, true},
		{"The service is named logto-twilio 2026-12-07.", Backquoted, false},
		{"Cards are in /tmp/logto-twilio/cards.", Backquoted, false},
		{"quit and run logto-twilio --sandbox --port 3004 instead.", Spaced, true},
		{"Tell the facilitator (logto-twilio setup).", Spaced, true},
		{"run ⟦--port 3004⟧ to use port 3004", Spaced, false},
		{"run ⟦⟧ now", Spaced, false}, // the wizard
		{"run ⟦⟧.", Spaced, true},
		{"run ⟦rotate⟧.", Spaced, true},
		{"run ⟦--port <a free port>⟧ again", Spaced, true},
		{"  ⟦doctor⟧\n      (check)", Spaced, false},
	}
	for _, tt := range tests {
		if got := len(Problems(tt.text, tt.style)) > 0; got != tt.bad {
			t.Errorf("%q (style %d): caught %v, want %v", tt.text, tt.style, got, tt.bad)
		}
	}
	if Mark("workshop prepare", "--attendees", "3") != "⟦workshop prepare --attendees 3⟧" {
		t.Error(Mark("workshop prepare", "--attendees", "3"))
	}
}
