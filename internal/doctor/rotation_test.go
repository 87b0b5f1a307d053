package doctor

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/rotate"
)

// crashingStore is rotate's Saver that stops the rotation as a crash would: when the
// rotation records phase at, it keeps that save (what setup.json and the secrets then
// hold) and ends the run's context, so the rotation stops there without undoing anything.
type crashingStore struct {
	at     string
	cancel context.CancelFunc

	mu    sync.Mutex
	setup config.Setup
	sec   config.Secrets
	hit   bool
}

func (c *crashingStore) Save(s config.Setup, sec config.Secrets) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hit {
		return errors.New("crashed: nothing is saved any more")
	}
	c.setup, c.sec = s, sec
	if s.Rotation != nil && s.Rotation.Phase == c.at {
		c.hit = true
		c.cancel()
	}
	return nil
}

// TestDuringRotation: doctor over a setup saved in the middle of a Twilio rotation (killed
// once Logto's connector has the new token, the saved one still the old) says in every row
// what the setup row says, run rotate again, and never "run setup again" (issue 23: the
// twilio row's WARN said "Run setup again and paste the current Auth Token").
func TestDuringRotation(t *testing.T) {
	t.Parallel()
	s := newStand(t, standOpt{})
	s.cfg.Command = hintCommand
	setup, sec := s.cfg.Setup, s.cfg.Secrets
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	store := &crashingStore{at: rotate.PhaseTestSMS, cancel: cancel}
	env, err := rotate.NewEnv(&setup, &sec, store, s.cfg.LogtoHTTP, s.cfg.TwilioHTTP)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rotate.Twilio(ctx, env); err == nil {
		t.Fatal("the rotation was not stopped")
	}
	if !store.hit || store.setup.Rotation == nil || store.setup.Rotation.What != rotate.WhatTwilio {
		t.Fatalf("no rotation saved under way: %+v", store.setup.Rotation)
	}
	s.cfg.Setup, s.cfg.Secrets = store.setup, store.sec
	s.lg.ResetSignInExperience() // a row that fails for another reason says the same

	rep := s.run()
	text := rep.Text(80, false)
	checkHints(t, rep)
	if c, _ := rep.Find(IDTwilio); c.Status != Warn || strings.Contains(c.Detail, "outside logto-twilio") || !strings.Contains(c.Detail, "rotation") {
		t.Fatalf("twilio = %s %q, want WARN naming the rotation as the cause\n%s", c.Status, c.Detail, text)
	}
	if c, _ := rep.Find(IDSignIn); c.Status != Fail {
		t.Fatalf("sign-in = %s, want FAIL\n%s", c.Status, text)
	}
	for _, c := range rep.Checks {
		if c.Status == Pass {
			continue
		}
		if c.Status != Skip && c.Hint != "" && !strings.Contains(c.Hint, "Run `⟦rotate⟧` again") && !strings.Contains(c.Hint, "run `⟦rotate⟧` again") {
			t.Errorf("%s %s: the hint does not say to run rotate again: %q", c.ID, c.Status, c.Hint)
		}
		if strings.Contains(c.Hint, "⟦setup⟧") {
			t.Errorf("%s %s: the hint says to run setup during a rotation: %q", c.ID, c.Status, c.Hint)
		}
	}
	assertNoSecret(t, rep, append(s.secrets(), store.sec.Pending.Reveal()))
	t.Logf("\n%s", text)
}
