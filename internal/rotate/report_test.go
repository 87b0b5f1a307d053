package rotate_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/logto-twilio/logto-twilio/internal/cmdline"
	"github.com/logto-twilio/logto-twilio/internal/rotate"
)

// jsonReports runs what `rotate --json` reports on, against the stand-ins with a fixed
// clock: all three rotations with the old secrets deleted (--yes), then a Twilio rotation
// whose test SMS fails (undone), then one whose promotion fails (unfinished) and its re-run.
// Each report is returned as JSON, with the Express starter's folder and the stand-ins'
// random IDs replaced by <express>, <app-id>, <m2m-id> and <connector-id>.
func jsonReports(t *testing.T, w *world) map[string]string {
	t.Helper()
	clock := time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC)
	build := func() *rotate.Env {
		env := w.env()
		env.Now = func() time.Time { return clock }
		env.Yes = true
		env.Command = func(c string, args ...string) string {
			return cmdline.Plain(c, append([]string{"--sandbox"}, args...)...)
		}
		return env
	}
	out := map[string]string{}
	report := func(name string, outs []rotate.Outcome, err error) {
		setup, _ := w.loaded()
		js, jerr := rotate.Report{Outcomes: outs, Err: err, Setup: setup, FollowUps: []string{"follow-up"}}.JSON()
		if jerr != nil {
			t.Fatal(jerr)
		}
		out[name] = strings.NewReplacer(setup.ExpressDir, "<express>", w.appID, "<app-id>", w.m2mID, "<m2m-id>", w.connID, "<connector-id>").Replace(string(js))
	}
	outs, err := rotate.Run(t.Context(), build(), rotate.Plan{Twilio: true, AppSecret: true, M2MSecret: true})
	report("all", outs, err)
	w.lg.Inject("POST", "/api/connectors/{factoryId}/test", logtotestFault(500))
	outs, err = rotate.Run(t.Context(), build(), rotate.Plan{Twilio: true})
	report("test-sms-fails", outs, err)
	w.tw.Inject("POST", "/v1/AuthTokens/Promote", twiliotestServerError())
	outs, err = rotate.Run(t.Context(), build(), rotate.Plan{Twilio: true})
	report("promotion-fails", outs, err)
	outs, err = rotate.Run(t.Context(), build(), rotate.Plan{})
	report("re-run", outs, err)
	return out
}

// TestReportJSON freezes `rotate --json`'s report of real runs (testdata/TestReportJSON/*,
// `go test ./internal/rotate -run TestReportJSON -update`), checks that each is one JSON
// document with the fields docs/rotate.md documents, and that no secret value, old or new,
// is in it.
func TestReportJSON(t *testing.T) {
	w := newWorld(t)
	reports := jsonReports(t, w)
	for _, name := range []string{"all", "test-sms-fails", "promotion-fails", "re-run"} {
		js := reports[name]
		t.Run(name, func(t *testing.T) {
			golden.RequireEqual(t, js)
			var doc map[string]any
			if err := json.Unmarshal([]byte(js), &doc); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"version", "ok", "rotations", "error", "doctor", "followUps"} {
				if _, ok := doc[k]; !ok {
					t.Errorf("no %q", k)
				}
			}
			if len(doc) != 6 || doc["version"] != float64(1) {
				t.Errorf("fields = %v", doc)
			}
			for _, r := range doc["rotations"].([]any) {
				r := r.(map[string]any)
				for _, k := range []string{"what", "target", "resumed", "reverted", "connector", "oldSecret", "newSecret", "steps", "notes", "history"} {
					if _, ok := r[k]; !ok {
						t.Errorf("rotation lacks %q: %v", k, r)
					}
				}
				if tg := r["target"].(map[string]any); tg["kind"] == "" || tg["id"] == "" {
					t.Errorf("target = %v", tg)
				}
			}
			if e, ok := doc["error"].(map[string]any); ok {
				if e["what"] == "" || e["state"] == "" {
					t.Errorf("error = %v", e)
				}
			}
			for v := range w.secrets {
				if strings.Contains(js, v) {
					t.Errorf("a secret value (%d chars) is in the JSON report", len(v))
				}
			}
		})
	}
	if len(w.secrets) < 6 {
		t.Fatalf("only %d secret values seen: the test did not rotate enough", len(w.secrets))
	}
}
