package rotate_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/cmdline/cmdlinetest"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/rotate"
)

// hintCommand stands for the command layer's cmdline.Func: it marks what it renders.
var hintCommand = cmdlinetest.Mark

// checkHints fails the test for each problem of the command lines in text (cmdlinetest.Check).
func checkHints(t *testing.T, what, text string) {
	t.Helper()
	cmdlinetest.Check(t, what, text, cmdlinetest.Spaced)
}

// TestHintsAskEnvCommand: every command a rotation's error suggests is rendered by
// Env.Command (which adds --sandbox, --config-dir, … of the run), and, with none, plainly.
func TestHintsAskEnvCommand(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(w *world, env *rotate.Env)
		run     func(ctx context.Context, env *rotate.Env) error
		want    string // in Next
		wantNot string // not in Next
	}{
		{
			name: "no Management API", setup: func(_ *world, env *rotate.Env) { env.Logto = nil },
			run: twilioRun, want: "first run ⟦setup⟧ with the automatic method",
		},
		{
			name: "no test phone", setup: func(_ *world, env *rotate.Env) { env.Setup.TestPhone = "" },
			run: twilioRun, want: "Run ⟦rotate⟧ again with --test-phone", wantNot: "--phone ",
		},
		{
			name: "no saved token", setup: func(_ *world, env *rotate.Env) { env.Secrets.TwilioAuthToken = "" },
			run: twilioRun, want: "run ⟦rotate --new-twilio-token -⟧ and paste",
		},
		{
			name: "connector holds another token", setup: func(_ *world, env *rotate.Env) { env.Secrets.TwilioAuthToken = "00000000000000000000000000000bbb" },
			run: twilioRun, want: "otherwise run ⟦doctor⟧ to see",
		},
		{name: "the pasted token is the saved one", run: func(ctx context.Context, env *rotate.Env) error {
			_, err := rotate.TwilioPasted(ctx, env, env.Secrets.TwilioAuthToken.Reveal())
			return err
		}, want: "run ⟦rotate --twilio⟧ instead"},
		{name: "another rotation unfinished", setup: func(_ *world, env *rotate.Env) {
			env.Setup.Rotation = &config.Rotation{What: rotate.WhatTwilio, Phase: rotate.PhasePromote}
		}, run: func(ctx context.Context, env *rotate.Env) error {
			_, err := rotate.AppSecret(ctx, env, nil)
			return err
		}, want: "Run ⟦rotate⟧ (without flags) first"},
		{name: "unknown rotation", setup: func(_ *world, env *rotate.Env) {
			env.Setup.Rotation = &config.Rotation{What: "passwords", Phase: rotate.PhasePromote}
		}, run: func(ctx context.Context, env *rotate.Env) error {
			_, err := rotate.Resume(ctx, env)
			return err
		}, want: "Run ⟦doctor⟧ to see whether the sign-in works"},
		{
			name: "no App ID", setup: func(_ *world, env *rotate.Env) { env.Setup.AppID = "" },
			run: func(ctx context.Context, env *rotate.Env) error {
				_, err := rotate.AppSecret(ctx, env, nil)
				return err
			}, want: "Run ⟦setup⟧ first",
		},
		{
			name: "save fails", setup: func(_ *world, env *rotate.Env) { env.Store = failingSaver{} },
			run: func(ctx context.Context, env *rotate.Env) error {
				_, err := rotate.AppSecret(ctx, env, nil)
				return err
			}, want: "then run ⟦rotate⟧ again",
		},
		{
			name: "no Command: plain", setup: func(_ *world, env *rotate.Env) { env.Command, env.Logto = nil, nil },
			run: twilioRun, want: "first run logto-twilio setup with",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			env := w.env()
			if tt.setup != nil {
				tt.setup(w, env)
			}
			err := tt.run(t.Context(), env)
			var re *rotate.Error
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a *rotate.Error", err)
			}
			if !strings.Contains(re.Next, tt.want) {
				t.Errorf("Next = %q, want %q in it", re.Next, tt.want)
			}
			if tt.wantNot != "" && strings.Contains(re.Next, tt.wantNot) {
				t.Errorf("Next = %q, has %q", re.Next, tt.wantNot)
			}
			if env.Command != nil {
				checkHints(t, "Next", re.Next)
				checkHints(t, "Error()", err.Error())
			}
		})
	}
}

func twilioRun(ctx context.Context, env *rotate.Env) error {
	_, err := rotate.Twilio(ctx, env)
	return err
}
