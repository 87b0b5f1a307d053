package teardown_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/internal/teardown"
)

// writeStarter writes the Express starter for the app as the wizard's step does (app.js
// names the run's command line), and records its folder in the saved setup.
func (e *env) writeStarter(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "logto-express")
	v := demo.ExpressValues{Endpoint: e.lg.URL, AppID: e.cfg.Setup.AppID, AppSecret: "app-secret-value", BaseURL: "http://localhost:3000", Rerun: "logto-twilio --sandbox --config-dir /tmp/x"}
	if _, err := demo.WriteExpressStarter(dir, v, nil); err != nil {
		t.Fatal(err)
	}
	e.cfg.Setup.ExpressDir = dir
	return dir
}

// TestStarterDeletedWhenAgreed: a starter folder holding only what the starter and npm
// wrote is in the plan as offered, and deleted with its app when the user agreed; the
// saved setup forgets it.
func TestStarterDeletedWhenAgreed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wizard(t, true, true, true)
	dir := e.writeStarter(t)
	if err := os.MkdirAll(filepath.Join(dir, "node_modules", "express"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "package-lock.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Starter.Deletable() || p.Starter.Dir != dir {
		t.Fatalf("starter = %+v", p.Starter)
	}
	if text := p.Text(200); !strings.Contains(text, "offer    the Express starter in "+dir+": its .env names the app teardown deletes, so it will no longer sign in") {
		t.Errorf("the plan does not offer the starter:\n%s", text)
	}
	p.Starter.Delete = true
	res := teardown.Execute(t.Context(), p, e.cfg)
	if res.Failed() || !res.StarterDeleted {
		t.Fatalf("result %+v:\n%s", res, res.Text(80))
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the starter folder is still there: %v", err)
	}
	if got := e.loadSaved(t).Setup.ExpressDir; got != "" {
		t.Errorf("the saved setup still names the starter folder %q", got)
	}
	if text := res.Text(200); !strings.Contains(text, "✓ deleted the Express starter folder "+dir) {
		t.Errorf("the result does not say the folder was deleted:\n%s", text)
	}
}

// TestStarterKept: a starter folder is never deleted when the user did not agree, nor when
// it holds anything else (a file of the user's, a starter file they changed), even when
// asked to; teardown says it no longer works and what to do.
func TestStarterKept(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		agreed bool
		others []string
		say    string
	}{
		{"not agreed", nil, false, nil, "To remove it: rm -r "},
		{"a file of the user's", func(t *testing.T, dir string) {
			t.Helper()
			if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, true, []string{"notes.txt"}, "Its folder also holds notes.txt: keep what you need"},
		{"app.js changed", func(t *testing.T, dir string) {
			t.Helper()
			if err := os.WriteFile(filepath.Join(dir, "app.js"), []byte("// mine\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, true, []string{"app.js (changed)"}, "Its folder also holds app.js (changed)"},
		{"a route added to app.js (filled in with this run's command line)", func(t *testing.T, dir string) {
			t.Helper()
			appendTo(t, filepath.Join(dir, "app.js"), "app.get('/mine', (req, res) => res.send('mine'));\n")
		}, true, []string{"app.js (changed)"}, "Its folder also holds app.js (changed)"},
		{"README.md changed (filled in with the setup's values)", func(t *testing.T, dir string) {
			t.Helper()
			appendTo(t, filepath.Join(dir, "README.md"), "\n## My notes\n")
		}, true, []string{"README.md (changed)"}, "Its folder also holds README.md (changed)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.wizard(t, true, true, true)
			dir := e.writeStarter(t)
			if tc.change != nil {
				tc.change(t, dir)
			}
			before, _ := os.ReadDir(dir)
			p, err := teardown.Prepare(t.Context(), e.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if p.Starter == nil || !slices.Equal(p.Starter.Others, tc.others) {
				t.Fatalf("starter = %+v, want others %v", p.Starter, tc.others)
			}
			p.Starter.Delete = tc.agreed
			res := teardown.Execute(t.Context(), p, e.cfg)
			if res.Failed() || res.StarterDeleted {
				t.Fatalf("result %+v", res)
			}
			after, _ := os.ReadDir(dir)
			if len(after) != len(before) {
				t.Errorf("the folder changed: %d entries, then %d", len(before), len(after))
			}
			text := res.Text(400)
			if !strings.Contains(text, "The Express starter in "+dir+" no longer works: the app its .env names is deleted.") || !strings.Contains(text, tc.say) {
				t.Errorf("the result lacks what to do (%q):\n%s", tc.say, text)
			}
			if got := e.loadSaved(t).Setup.ExpressDir; got != dir {
				t.Errorf("the saved setup's starter folder = %q, want it kept", got)
			}
		})
	}
}

// TestStarterOnlyWithItsApp: a starter whose app teardown keeps (found, not created) still
// works: the plan does not mention it.
func TestStarterOnlyWithItsApp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wizard(t, false, true, true)
	e.writeStarter(t)
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if p.Starter != nil || strings.Contains(p.Text(200), "Express starter") {
		t.Errorf("starter %+v in the plan of a kept app:\n%s", p.Starter, p.Text(200))
	}
}

// TestPlanJSON freezes the dry-run's JSON of a whole plan with a starter folder
// (testdata/TestPlanJSON.golden; `go test ./internal/teardown -run TestPlanJSON -update`)
// and checks that it is one JSON document with the fields docs/teardown.md documents and
// no secret.
func TestPlanJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wizard(t, true, true, true)
	dir := e.writeStarter(t)
	p, err := teardown.Prepare(t.Context(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.JSON()
	if err != nil {
		t.Fatal(err)
	}
	su := e.cfg.Setup
	golden.RequireEqual(t, strings.NewReplacer(su.AppID, "<app>", su.ConnectorID, "<connector>", su.ServiceSID, "<service>", su.M2MAppID, "<m2m>", dir, "<starter>").Replace(string(b)))
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "empty", "manual", "tornDown", "actions", "notes"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	if len(doc) != 6 || doc["version"] != float64(1) || doc["empty"] != false {
		t.Errorf("fields = %v", doc)
	}
	var kinds []string
	for _, a := range doc["actions"].([]any) {
		a := a.(map[string]any)
		for _, k := range []string{"kind", "target", "id", "name", "skipped", "why"} {
			if _, ok := a[k]; !ok {
				t.Errorf("action lacks %q: %v", k, a)
			}
		}
		kinds = append(kinds, a["kind"].(string)+" "+a["target"].(string))
	}
	want := []string{"restore sign-in experience", "delete SMS connector", "delete app", "delete Messaging Service", "keep M2M app", "offer Express starter"}
	if !slices.Equal(kinds, want) {
		t.Errorf("actions %q, want %q", kinds, want)
	}
	for _, secret := range []string{authToken, "app-secret-value", e.cfg.Secrets.M2MAppSecret.Reveal()} {
		if strings.Contains(string(b), secret) {
			t.Errorf("a secret (%d chars) is in the plan's JSON", len(secret))
		}
	}
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
