package rotate_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/twilio/twilio-go"
	twclient "github.com/twilio/twilio-go/client"
	accounts "github.com/twilio/twilio-go/rest/accounts/v1"

	"github.com/logto-twilio/logto-twilio/internal/rotate"
	"github.com/logto-twilio/logto-twilio/twiliosetup/twiliotest"
)

// assertRotated checks a finished Twilio rotation: a new primary token, saved, in the
// connector; the old token dead; no secondary; a history line; doctor's checks pass.
func assertRotated(t *testing.T, w *world) string {
	t.Helper()
	setup, sec := w.loaded()
	tok := sec.TwilioAuthToken.Reveal()
	if tok == token0 || tok == "" {
		t.Fatal("the saved token is still the old one")
	}
	w.secrets[tok] = true
	if w.tw.AuthToken(accountSID) != tok || w.tw.SecondaryAuthToken(accountSID) != "" {
		t.Fatal("Twilio's primary is not the saved token, or a secondary is left")
	}
	if w.tw.Accepts(accountSID, token0) {
		t.Fatal("Twilio still accepts the old token")
	}
	if len(setup.History) == 0 || !strings.Contains(setup.History[len(setup.History)-1].What, "Twilio Auth Token") {
		t.Fatalf("history = %+v", setup.History)
	}
	w.mustVerify()
	return tok
}

// assertUnchanged checks that a Twilio rotation left nothing behind: the saved setup as
// before (token0, no record), the connector on token0, no secondary token.
func assertUnchanged(t *testing.T, w *world) {
	t.Helper()
	setup, sec := w.loaded()
	if sec.TwilioAuthToken.Reveal() != token0 || setup.Rotation != nil || sec.Pending != "" || len(setup.History) != 0 {
		t.Fatalf("saved setup changed: rotation %+v, history %+v", setup.Rotation, setup.History)
	}
	if w.connectorToken() != token0 {
		t.Fatal("the connector does not hold the old token")
	}
	if w.tw.SecondaryAuthToken(accountSID) != "" {
		t.Fatal("a secondary token is left in Twilio")
	}
	w.mustVerify()
}

func TestTwilioHappyPath(t *testing.T) {
	w := newWorld(t)
	out, err := rotate.Twilio(t.Context(), w.env())
	if err != nil {
		t.Fatal(err)
	}
	assertRotated(t, w)
	if out.What != rotate.WhatTwilio || out.History == "" || len(out.Lines) < 5 {
		t.Fatalf("outcome = %+v", out)
	}
	// The order that keeps the connector working: create, PATCH, test, promote.
	var order []string
	for _, r := range w.tw.Requests() {
		if strings.HasPrefix(r.Path, "/v1/AuthTokens") {
			order = append(order, r.Method+" "+r.Path)
		}
	}
	if strings.Join(order, ",") != "POST /v1/AuthTokens/Secondary,POST /v1/AuthTokens/Promote" {
		t.Fatalf("token calls = %v", order)
	}
	// A second rotation works from the first one's result.
	if _, err := rotate.Twilio(t.Context(), w.env()); err != nil {
		t.Fatal(err)
	}
	assertRotated(t, w)
	if len(w.checkedAt) < 20 {
		t.Fatalf("the no-window check ran only %d times", len(w.checkedAt))
	}
}

// TestTwilioFaults injects a failure at every external call of the rotation (and of its
// undo), then checks the documented state, and that a re-run (Resume) from it ends in a
// working setup. The no-window rule is checked after every call throughout.
func TestTwilioFaults(t *testing.T) {
	tests := []struct {
		name   string
		inject func(w *world)
		want   rotate.State
		// after Resume: rotated (true) or back to token0 (false)
		resumeRotates bool
	}{
		{name: "create secondary refused", want: rotate.Unchanged, inject: func(w *world) {
			w.tw.Inject(http.MethodPost, "/v1/AuthTokens/Secondary", twiliotest.Fault{Status: 500, Times: 1})
		}},
		{name: "create secondary, answer lost", want: rotate.Unchanged, inject: func(w *world) {
			w.tr.add(&rule{match: call(http.MethodPost, "/v1/AuthTokens/Secondary"), nth: 1, after: true})
		}},
		{name: "new token check refused", want: rotate.Unchanged, inject: func(w *world) {
			w.tr.add(&rule{match: call(http.MethodGet, "/2010-04-01/Accounts/"+accountSID+".json"), nth: 2})
		}},
		{name: "PATCH connector refused", want: rotate.Unchanged, inject: func(w *world) {
			w.lg.Inject(http.MethodPatch, "/api/connectors/{id}", logtotestFault(500))
		}},
		{name: "PATCH connector applied, answer lost", want: rotate.Unchanged, inject: func(w *world) {
			w.tr.add(&rule{match: call(http.MethodPatch, "/api/connectors/*"), nth: 1, after: true})
		}},
		{name: "test SMS refused by Logto", want: rotate.Unchanged, inject: func(w *world) {
			w.lg.Inject(http.MethodPost, "/api/connectors/{factoryId}/test", logtotestFault(500))
		}},
		{name: "test SMS refused by Twilio", want: rotate.Unchanged, inject: func(w *world) {
			w.tw.Inject(http.MethodPost, "/2010-04-01/Accounts/{AccountSid}/Messages.json", twiliotest.Fault{Status: 400, Code: 21610, Times: 1})
		}},
		{name: "test SMS delivery not followed", want: rotate.Unchanged, inject: func(w *world) {
			w.tr.add(&rule{match: call(http.MethodGet, "/2010-04-01/Accounts/"+accountSID+"/Messages/*"), nth: 1})
		}},
		{name: "promote refused", want: rotate.Unfinished, resumeRotates: true, inject: func(w *world) {
			w.tw.Inject(http.MethodPost, "/v1/AuthTokens/Promote", twiliotest.Fault{Status: 500, Times: 1})
		}},
		{name: "promote applied, answer lost", want: rotate.Unfinished, resumeRotates: true, inject: func(w *world) {
			w.tr.add(&rule{match: call(http.MethodPost, "/v1/AuthTokens/Promote"), nth: 1, after: true})
		}},
		{name: "undo: delete secondary refused", want: rotate.Unfinished, inject: func(w *world) {
			w.lg.Inject(http.MethodPost, "/api/connectors/{factoryId}/test", logtotestFault(500))
			w.tw.Inject(http.MethodDelete, "/v1/AuthTokens/Secondary", twiliotest.Fault{Status: 500, Times: 1})
		}},
		{name: "undo: PATCH back refused", want: rotate.Unfinished, inject: func(w *world) {
			w.lg.Inject(http.MethodPost, "/api/connectors/{factoryId}/test", logtotestFault(500))
			w.tr.add(&rule{match: call(http.MethodPatch, "/api/connectors/*"), nth: 2})
		}},
		{name: "undo: PATCH back applied, answer lost", want: rotate.Unfinished, inject: func(w *world) {
			w.lg.Inject(http.MethodPost, "/api/connectors/{factoryId}/test", logtotestFault(500))
			w.tr.add(&rule{match: call(http.MethodPatch, "/api/connectors/*"), nth: 2, after: true})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			tt.inject(w)
			_, err := rotate.Twilio(t.Context(), w.env())
			wantState(t, err, tt.want)
			switch tt.want {
			case rotate.Unchanged:
				assertUnchanged(t, w)
				// The rotation can simply be run again.
				if _, err := rotate.Twilio(t.Context(), w.env()); err != nil {
					t.Fatalf("rotation after the fault: %v", err)
				}
				assertRotated(t, w)
				return
			case rotate.Rotated:
				t.Fatal("no fault here leaves a rotated state")
			case rotate.Unfinished:
				setup, _ := w.loaded()
				if setup.Rotation == nil {
					t.Fatal("an unfinished rotation left no record")
				}
				// A new rotation refuses to start over it.
				if _, err := rotate.Twilio(t.Context(), w.env()); err == nil {
					t.Fatal("a rotation started over an unfinished one")
				}
			}
			out, err := rotate.Resume(t.Context(), w.env())
			if err != nil {
				t.Fatalf("resume: %v", err)
			}
			if !out.Resumed || out.Reverted == tt.resumeRotates {
				t.Fatalf("resume outcome = %+v", out)
			}
			if tt.resumeRotates {
				assertRotated(t, w)
			} else {
				assertUnchanged(t, w)
			}
		})
	}
}

func TestTwilioUndeliveredTestSMSReverts(t *testing.T) {
	w := newWorld(t)
	w.tw.FailDelivery(testPhone, 30003)
	_, err := rotate.Twilio(t.Context(), w.env())
	re := wantState(t, err, rotate.Unchanged)
	if !strings.Contains(re.Error(), "not delivered") {
		t.Fatalf("err = %v", err)
	}
	setup, sec := w.loaded()
	if sec.TwilioAuthToken.Reveal() != token0 || setup.Rotation != nil || w.connectorToken() != token0 || w.tw.SecondaryAuthToken(accountSID) != "" {
		t.Fatal("an undelivered test SMS did not undo the rotation")
	}
}

// TestTwilioRefusesWithoutChange: what is checked before the first change.
func TestTwilioRefusesWithoutChange(t *testing.T) {
	tests := []struct {
		name  string
		setup func(w *world, env *rotate.Env)
	}{
		{"connector holds another token", func(_ *world, env *rotate.Env) { env.Secrets.TwilioAuthToken = "00000000000000000000000000000bbb" }},
		{"no test phone", func(_ *world, env *rotate.Env) { env.Setup.TestPhone = "" }},
		{"no Management API", func(_ *world, env *rotate.Env) { env.Logto = nil }},
		{"saved token refused by Twilio", func(w *world, _ *rotate.Env) {
			w.tw.Inject(http.MethodGet, "/2010-04-01/Accounts/{Sid}.json", twiliotest.WrongCredentials())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			env := w.env()
			tt.setup(w, env)
			_, err := rotate.Twilio(t.Context(), env)
			wantState(t, err, rotate.Unchanged)
			if len(w.saved) != 0 {
				t.Fatal("the setup was saved")
			}
			for _, r := range w.tw.Requests() {
				if strings.HasPrefix(r.Path, "/v1/AuthTokens") {
					t.Fatalf("a token was changed: %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

// consoleRotate rotates the token the way a user does in Twilio's Console (create a
// secondary, promote it), behind the wizard's back: Logto's connector keeps the old token.
func consoleRotate(t *testing.T, w *world, promote bool) string {
	t.Helper()
	c := &twclient.Client{Credentials: twclient.NewCredentials(accountSID, token0), HTTPClient: w.tw.Client()}
	c.SetAccountSid(accountSID)
	rc := twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
	s, err := rc.AccountsV1.CreateSecondaryAuthToken(&accounts.CreateSecondaryAuthTokenParams{})
	if err != nil {
		t.Fatal(err)
	}
	if promote {
		if _, err := rc.AccountsV1.UpdateAuthTokenPromotion(&accounts.UpdateAuthTokenPromotionParams{}); err != nil {
			t.Fatal(err)
		}
	}
	w.secrets[*s.SecondaryAuthToken] = true
	return *s.SecondaryAuthToken
}

func TestTwilioPasted(t *testing.T) {
	w := newWorld(t)
	tok := consoleRotate(t, w, true) // the connector now holds a dead token: the user's window
	out, err := rotate.TwilioPasted(t.Context(), w.env(), " "+tok+"\n")
	if err != nil {
		t.Fatal(err)
	}
	if w.connectorToken() != tok {
		t.Fatal("the connector does not hold the pasted token")
	}
	setup, sec := w.loaded()
	if sec.TwilioAuthToken.Reveal() != tok || !strings.Contains(setup.History[0].What, "pasted") || len(out.Notes) != 0 {
		t.Fatalf("saved %v, history %+v, notes %v", sec.TwilioAuthToken, setup.History, out.Notes)
	}
	w.mustVerify()
}

func TestTwilioPastedFaults(t *testing.T) {
	t.Run("wrong token: nothing changes", func(t *testing.T) {
		w := newWorld(t)
		_, err := rotate.TwilioPasted(t.Context(), w.env(), "0123456789abcdef0123456789abcdef")
		wantState(t, err, rotate.Unchanged)
		_, err = rotate.TwilioPasted(t.Context(), w.env(), "not a token")
		wantState(t, err, rotate.Unchanged)
		if len(w.saved) != 0 || w.connectorToken() != token0 {
			t.Fatal("a refused paste changed something")
		}
	})
	t.Run("old token dead, PATCH refused: a re-run finishes", func(t *testing.T) {
		w := newWorld(t)
		tok := consoleRotate(t, w, true)
		w.lg.Inject(http.MethodPatch, "/api/connectors/{id}", logtotestFault(500))
		_, err := rotate.TwilioPasted(t.Context(), w.env(), tok)
		wantState(t, err, rotate.Unfinished)
		if _, err := rotate.Resume(t.Context(), w.env()); err != nil {
			t.Fatal(err)
		}
		if w.connectorToken() != tok {
			t.Fatal("the re-run did not finish")
		}
		w.mustVerify()
	})
	t.Run("old token alive (secondary not promoted), test SMS refused: undone", func(t *testing.T) {
		w := newWorld(t)
		tok := consoleRotate(t, w, false)
		w.lg.Inject(http.MethodPost, "/api/connectors/{factoryId}/test", logtotestFault(500))
		_, err := rotate.TwilioPasted(t.Context(), w.env(), tok)
		wantState(t, err, rotate.Unchanged)
		setup, sec := w.loaded()
		if w.connectorToken() != token0 || sec.TwilioAuthToken.Reveal() != token0 || setup.Rotation != nil {
			t.Fatal("not undone")
		}
		w.mustVerify()
		// Without the fault it goes through, and says the old token still works.
		out, err := rotate.TwilioPasted(t.Context(), w.env(), tok)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Notes) != 1 || !strings.Contains(out.Notes[0], "still accepts the old") {
			t.Fatalf("notes = %v", out.Notes)
		}
		w.mustVerify()
	})
}

// withForeignConfig gives the connector what the program does not own: disableRiskCheck
// turned on in the Console, a template of a usage type the wizard does not write (the
// deprecated "Test", api-contracts §A.3), a key of a later connector version.
func (w *world) withForeignConfig() {
	w.t.Helper()
	raw, _ := w.lg.SMSConnector()
	var row struct {
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal(raw, &row); err != nil {
		w.t.Fatal(err)
	}
	row.Config["disableRiskCheck"] = true
	row.Config["futureKey"] = map[string]any{"kept": true}
	row.Config["templates"] = append(row.Config["templates"].([]any), map[string]any{"usageType": "Test", "content": "Test code {{code}}"})
	b, err := json.Marshal(row.Config)
	if err != nil || !w.lg.SetConnectorConfig(w.connID, b) {
		w.t.Fatalf("set the connector config: %v", err)
	}
}

// assertForeignConfigKept: what withForeignConfig added is still in the connector.
func (w *world) assertForeignConfigKept() {
	w.t.Helper()
	raw, _ := w.lg.SMSConnector()
	var row struct {
		Config struct {
			DisableRiskCheck *bool           `json:"disableRiskCheck"`
			FutureKey        json.RawMessage `json:"futureKey"`
			Templates        []struct {
				UsageType, Content string
			} `json:"templates"`
		} `json:"config"`
	}
	if err := json.Unmarshal(raw, &row); err != nil {
		w.t.Fatal(err)
	}
	c := row.Config
	if c.DisableRiskCheck == nil || !*c.DisableRiskCheck {
		w.t.Error("the rotation turned Twilio's risk check back on (disableRiskCheck is gone)")
	}
	if string(c.FutureKey) != `{"kept":true}` {
		w.t.Errorf("futureKey = %s, want it kept", c.FutureKey)
	}
	if !slices.ContainsFunc(c.Templates, func(t struct{ UsageType, Content string }) bool {
		return t.UsageType == "Test" && t.Content == "Test code {{code}}"
	}) {
		w.t.Error("the Test template is gone")
	}
}

func TestTwilioKeepsWhatItDoesNotOwn(t *testing.T) {
	t.Run("secondary token", func(t *testing.T) {
		w := newWorld(t)
		w.withForeignConfig()
		if _, err := rotate.Twilio(t.Context(), w.env()); err != nil {
			t.Fatal(err)
		}
		assertRotated(t, w)
		w.assertForeignConfigKept()
	})
	t.Run("pasted token", func(t *testing.T) {
		w := newWorld(t)
		w.withForeignConfig()
		tok := consoleRotate(t, w, true)
		if _, err := rotate.TwilioPasted(t.Context(), w.env(), tok); err != nil {
			t.Fatal(err)
		}
		if w.connectorToken() != tok {
			t.Fatal("the connector does not hold the pasted token")
		}
		w.mustVerify()
		w.assertForeignConfigKept()
	})
}
