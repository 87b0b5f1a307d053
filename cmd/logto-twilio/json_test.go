package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config/configtest"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// TestJSONOutputs (issue 22): workshop status --json and teardown --dry-run --json print
// one JSON document of version 1 and nothing else on standard output, change nothing in
// the config folder, and show no secret; rotate --json and teardown --json refuse, with
// nothing on standard output and exit code 2, what would need a question or a screen.
func TestJSONOutputs(t *testing.T) {
	t.Parallel()
	lg := logtotest.NewServer()
	t.Cleanup(lg.Close)
	dir := savedRealSetup(t, lg)
	before := configtest.Take(t, dir)
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		stderr   string
		fields   []string
	}{
		{"workshop status", []string{"workshop", "status", "--json"}, exitOK, "", []string{"version", "apps", "signedIn", "unreadable", "attendees"}},
		{"teardown dry run", []string{"teardown", "--dry-run", "--json"}, exitOK, "", []string{"version", "empty", "manual", "tornDown", "actions", "notes"}},
		{"teardown --json alone", []string{"teardown", "--json"}, exitUsage, "--json prints the plan, which only --dry-run shows", nil},
		{"rotate without what", []string{"rotate", "--json"}, exitUsage, "--twilio, --app-secret or --m2m", nil},
		{"rotate with the sign-in", []string{"rotate", "--json", "--sign-in"}, exitUsage, "--sign-in shows the demo's sign-in on the terminal", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(append(tc.args, "--config-dir", dir), strings.NewReader(""), &out, &errOut, noEnv)
			if code != tc.wantCode || !strings.Contains(errOut.String(), tc.stderr) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q), stdout %q", code, tc.wantCode, errOut.String(), tc.stderr, out.String())
			}
			if tc.fields == nil {
				if out.Len() != 0 {
					t.Errorf("stdout %q, want nothing", out.String())
				}
				return
			}
			var doc map[string]any
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatalf("stdout is not one JSON document: %v\n%s", err, out.String())
			}
			for _, k := range tc.fields {
				if _, ok := doc[k]; !ok {
					t.Errorf("no %q in %v", k, doc)
				}
			}
			if doc["version"] != float64(1) {
				t.Errorf("version %v", doc["version"])
			}
			assertSecretsOnlyInSecretsFile(t, dir, out.String())
		})
	}
	if d := before.Diff(configtest.Take(t, dir)); d != "" {
		t.Errorf("the JSON commands changed the config folder: %s", d)
	}
}
