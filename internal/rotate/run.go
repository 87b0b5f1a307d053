package rotate

import (
	"context"
	"fmt"
	"maps"
	"time"
)

// Resume finishes or undoes the rotation recorded in Setup.Rotation (see docs/rotate.md for
// what it does from each phase). With none recorded it does nothing and returns a zero
// Outcome.
func Resume(ctx context.Context, env *Env) (Outcome, error) {
	if env == nil || env.Setup == nil || env.Setup.Rotation == nil {
		return Outcome{}, nil
	}
	what := env.Setup.Rotation.What
	e, err := newEngine(env, what)
	if err != nil {
		return Outcome{}, err
	}
	e.out.Resumed = true
	r := env.Setup.Rotation
	e.out.IDs = maps.Clone(r.Detail)
	e.line("Found an unfinished rotation of the %s (started %s, phase %q): finishing or undoing it first",
		label(what), r.Started.UTC().Format("2006-01-02 15:04 UTC"), r.Phase)
	switch what {
	case WhatTwilio:
		return e.resumeTwilio(ctx)
	case WhatAppSecret, WhatM2MSecret:
		return e.resumeSecret(ctx, what)
	}
	return e.out, &Error{What: fmt.Sprintf("Unknown rotation %q in the saved setup", what), Next: unknownRotationNext(e), State: Unfinished}
}

// Plan is what Run rotates (the command's flags or the user's multi-select).
type Plan struct {
	Twilio bool
	// NewTwilioToken is a token the user already rotated in Twilio's Console (read from
	// stdin); when set, the Twilio rotation takes it instead of making a secondary token.
	NewTwilioToken string
	AppSecret      bool
	M2MSecret      bool
	// Expiry of the new app/M2M secrets (nil: never expires).
	Expiry *time.Time
}

// Empty reports whether the plan rotates nothing.
func (p Plan) Empty() bool {
	return !p.Twilio && p.NewTwilioToken == "" && !p.AppSecret && !p.M2MSecret
}

// Run first finishes or undoes a rotation recorded earlier (Resume), then rotates what p
// asks for, in the order Twilio, app secret, M2M secret, stopping at the first failure, and
// returns; the caller proves the chain afterwards (the rotate command runs doctor, then a
// sign-in). A rotation that Resume finished is not done
// again. The outcomes are in the order they happened.
func Run(ctx context.Context, env *Env, p Plan) ([]Outcome, error) {
	var outs []Outcome
	done := map[string]bool{}
	if env != nil && env.Setup != nil && env.Setup.Rotation != nil {
		o, err := Resume(ctx, env)
		outs = append(outs, o)
		if err != nil {
			return outs, err
		}
		if !o.Reverted {
			done[o.What] = true
		}
	}
	steps := []struct {
		what string
		want bool
		do   func() (Outcome, error)
	}{
		{WhatTwilio, p.Twilio || p.NewTwilioToken != "", func() (Outcome, error) {
			if p.NewTwilioToken != "" {
				return TwilioPasted(ctx, env, p.NewTwilioToken)
			}
			return Twilio(ctx, env)
		}},
		{WhatAppSecret, p.AppSecret, func() (Outcome, error) { return AppSecret(ctx, env, p.Expiry) }},
		{WhatM2MSecret, p.M2MSecret, func() (Outcome, error) { return M2MSecret(ctx, env, p.Expiry) }},
	}
	for _, s := range steps {
		if !s.want || done[s.what] {
			continue
		}
		o, err := s.do()
		outs = append(outs, o)
		if err != nil {
			return outs, err
		}
	}
	return outs, nil
}

// unknownRotationNext is the Next of a rotation this version does not know.
func unknownRotationNext(e *engine) string {
	return "Run " + e.cmd("doctor") + " to see whether the sign-in works; if it does, remove the \"rotation\" entry from setup.json."
}
