package rotate_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/rotate"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

func TestRunAll(t *testing.T) {
	w := newWorld(t)
	env := w.env()
	outs, err := rotate.Run(t.Context(), env, rotate.Plan{Twilio: true, AppSecret: true, M2MSecret: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 3 || outs[0].What != rotate.WhatTwilio || outs[1].What != rotate.WhatAppSecret || outs[2].What != rotate.WhatM2MSecret {
		t.Fatalf("outcomes = %+v", outs)
	}
	setup, _ := w.loaded()
	if len(setup.History) != 3 {
		t.Fatalf("history = %+v", setup.History)
	}
	if w.tw.Accepts(accountSID, token0) {
		t.Fatal("the old token still works")
	}
	w.mustVerify()
}

func TestRunResumesFirst(t *testing.T) {
	w := newWorld(t)
	w.tw.Inject(http.MethodPost, "/v1/AuthTokens/Promote", twiliotest.Fault{Status: 500, Times: 1})
	_, err := rotate.Twilio(t.Context(), w.env())
	wantState(t, err, rotate.Unfinished)
	// The user runs `rotate --twilio` again: the unfinished rotation is finished, not
	// started over.
	outs, err := rotate.Run(t.Context(), w.env(), rotate.Plan{Twilio: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 1 || !outs[0].Resumed || outs[0].Reverted {
		t.Fatalf("outcomes = %+v", outs)
	}
	n := 0
	for _, r := range w.tw.Requests() {
		if r.Path == "/v1/AuthTokens/Secondary" && r.Method == http.MethodPost {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d secondary tokens created, want 1", n)
	}
	assertRotated(t, w)

	// An undone rotation is started again.
	w.lg.Inject(http.MethodPatch, "/api/connectors/{id}", logtotestFault(500))
	w.tr.add(&rule{match: call(http.MethodDelete, "/v1/AuthTokens/Secondary"), nth: 1})
	_, err = rotate.Twilio(t.Context(), w.env())
	wantState(t, err, rotate.Unfinished)
	outs, err = rotate.Run(t.Context(), w.env(), rotate.Plan{Twilio: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 2 || !outs[0].Reverted || outs[1].Resumed {
		t.Fatalf("outcomes = %+v", outs)
	}
	assertRotated(t, w)
}

func TestPlanEmpty(t *testing.T) {
	if (rotate.Plan{}).Empty() != true || (rotate.Plan{M2MSecret: true}).Empty() {
		t.Fatal("Plan.Empty")
	}
}

func TestSaveFailureChangesNothing(t *testing.T) {
	w := newWorld(t)
	env := w.env()
	env.Store = failingSaver{}
	_, err := rotate.Twilio(t.Context(), env)
	wantState(t, err, rotate.Unchanged)
	_, err = rotate.AppSecret(t.Context(), env, nil)
	wantState(t, err, rotate.Unchanged)
	if env.Setup.Rotation != nil || env.Secrets.Pending != "" {
		t.Fatal("the in-memory setup no longer matches the files")
	}
	for _, r := range w.tw.Requests() {
		if r.Path == "/v1/AuthTokens/Secondary" {
			t.Fatal("a token was created without its write-ahead record")
		}
	}
	if len(w.appSecrets(w.appID)) != 1 {
		t.Fatal("a secret was added without its write-ahead record")
	}
}

func TestResumeEdges(t *testing.T) {
	w := newWorld(t)
	out, err := rotate.Resume(t.Context(), w.env())
	if err != nil || out.What != "" || out.Resumed {
		t.Fatalf("nothing recorded: %+v, %v", out, err)
	}
	for _, rec := range []config.Rotation{
		{What: rotate.WhatTwilio, Phase: "no-such-phase"},
		{What: rotate.WhatAppSecret, Phase: "no-such-phase"},
		{What: "passwords", Phase: rotate.PhasePromote},
	} {
		env := w.env()
		env.Setup.Rotation = &rec
		_, err := rotate.Resume(t.Context(), env)
		wantState(t, err, rotate.Unfinished)
	}
	if rotate.Unchanged.String() != "unchanged" || rotate.Rotated.String() != "rotated" || rotate.Unfinished.String() != "unfinished" {
		t.Fatal("State.String")
	}
	e := &rotate.Error{What: "x", Err: errors.New("y")}
	if e.Error() != "rotate: x: y" || !errors.Is(e, e.Err) {
		t.Fatal(e.Error())
	}
}

func TestNewEnv(t *testing.T) {
	w := newWorld(t)
	setup, sec := w.loaded()
	env, err := rotate.NewEnv(&setup, &sec, w.store, w.logtoHC, w.twilioHC)
	if err != nil {
		t.Fatal(err)
	}
	env.Yes = true
	if _, err := rotate.Run(t.Context(), env, rotate.Plan{Twilio: true, AppSecret: true, M2MSecret: true}); err != nil {
		t.Fatal(err)
	}
	w.mustVerify()

	setup.M2MAppID = ""
	env, err = rotate.NewEnv(&setup, &sec, w.store, w.logtoHC, w.twilioHC)
	if err != nil || env.Logto != nil {
		t.Fatalf("without M2M: %v, %v", env.Logto, err)
	}
	_, err = rotate.AppSecret(t.Context(), env, nil)
	wantState(t, err, rotate.Unchanged)
	setup.Endpoint = "ftp://nope"
	if _, err := rotate.NewEnv(&setup, &sec, w.store, w.logtoHC, w.twilioHC); err == nil {
		t.Fatal("a bad endpoint was accepted")
	}
}
