package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/config/configtest"
	"github.com/logto-twilio/logto-twilio/internal/sandbox"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// savedRealSetup saves, in a new folder, a setup made with an M2M app on
// the Logto stand-in lg, and a workshop record of one app.
func savedRealSetup(t *testing.T, lg *logtotest.Server) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cfg")
	m2m, m2mSecret := lg.AddM2MApp("logto-twilio M2M", true)
	app, appSecret := lg.AddTraditionalApp("Demo", []string{"http://localhost:3000/callback"}, []string{"http://localhost:3000"})
	su := config.Setup{
		Endpoint: lg.URL, Issuer: lg.URL + "/oidc", Method: config.MethodAuto, M2MAppID: m2m,
		AppName: "Demo", AppID: app, DemoPort: 3000, Done: []string{"endpoint", "credentials", "app"},
	}
	store := config.Store{Dir: dir, SecretsStore: config.SecretsStoreFile}
	if err := store.Save(su, config.Secrets{M2MAppSecret: config.Secret(m2mSecret), AppSecret: config.Secret(appSecret)}); err != nil {
		t.Fatal(err)
	}
	rec := `{"version":2,"endpoint":"` + lg.URL + `","namePrefix":"Bookstore","width":2,"port":3000,"apps":[{"number":1,"name":"Bookstore 01","id":"` + app + `"}],"updated":"2026-12-01T00:00:00Z"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "workshop.json"), []byte(rec), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReadOnlyCommandsOverDamagedFiles (issue 20): doctor and workshop
// status, over every damaged-file case, leave the config folder byte for
// byte and mode for mode as it was; doctor reports the damage in its setup
// row (FAIL naming the file, what is wrong and the fix, exit code 3, when
// the content is unusable; WARN for a secrets file others can read or a
// stray temporary file), and workshop status names it in its error.
func TestReadOnlyCommandsOverDamagedFiles(t *testing.T) {
	t.Parallel()
	lg := logtotest.NewServer()
	t.Cleanup(lg.Close)
	cases := append([]configtest.Case{{Name: "undamaged", Damage: func(*testing.T, string) {}}}, configtest.Cases()...)
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			dir := savedRealSetup(t, lg)
			tc.Damage(t, dir)
			before := configtest.Take(t, dir)

			var out, errOut bytes.Buffer
			code := run([]string{"doctor", "--json", "--config-dir", dir}, strings.NewReader(""), &out, &errOut, noEnv)
			if d := before.Diff(configtest.Take(t, dir)); d != "" {
				t.Errorf("doctor changed the folder: %s", d)
			}
			var rep doctorJSON
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("doctor --json (exit %d) printed %q, stderr %q: %v", code, out.String(), errOut.String(), err)
			}
			row := rep.Checks[0]
			unusable := tc.Kind == config.Corrupt || tc.Kind == config.Newer || tc.Kind == config.Missing
			switch {
			case unusable:
				if code != exitFindings || rep.OK || row.ID != "setup" || row.Status != "FAIL" {
					t.Errorf("exit %d, ok %v, first row %+v; want exit 3 and a FAIL setup row", code, rep.OK, row)
				}
				if !strings.Contains(row.Detail, tc.File) || row.Hint == "" {
					t.Errorf("the setup row %+v does not name %s and a fix", row, tc.File)
				}
			case tc.Kind != 0:
				if row.Status != "WARN" || !strings.Contains(row.Detail+row.Hint, filepath.Join(dir)) {
					t.Errorf("first row %+v; want a WARN naming the file", row)
				}
			default:
				if row.Status != "PASS" && row.Status != "WARN" || strings.Contains(row.Detail, "is damaged") {
					t.Errorf("undamaged: first row %+v", row)
				}
			}
			for _, c := range rep.Checks {
				if strings.Contains(c.Detail, "No M2M credentials are saved") && tc.File == config.SecretsFile {
					t.Errorf("row %s blames missing credentials, not the damaged secrets: %q", c.ID, c.Detail)
				}
			}

			before = configtest.Take(t, dir)
			out.Reset()
			errOut.Reset()
			code = run([]string{"workshop", "status", "--config-dir", dir}, strings.NewReader(""), &out, &errOut, noEnv)
			if d := before.Diff(configtest.Take(t, dir)); d != "" {
				t.Errorf("workshop status changed the folder: %s", d)
			}
			if unusable && (code != exitFailure || !strings.Contains(errOut.String(), tc.File)) {
				t.Errorf("workshop status: exit %d, stderr %q; want 1 naming %s", code, errOut.String(), tc.File)
			}
			if !unusable && code != exitOK {
				t.Errorf("workshop status: exit %d, stderr %q", code, errOut.String())
			}
		})
	}
}

// TestSandboxDoctorWritesNothing (issue 20): doctor --sandbox with no
// sandbox command running starts private stand-ins from the saved state
// and writes nothing in the sandbox folder: no lock, no serving file, no
// saved state, no setup.json pointed at new ports.
func TestSandboxDoctorWritesNothing(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "sb")
	sb, err := sandbox.Open(sandbox.Options{ConfigDir: dir, NoDemo: true})
	if err != nil {
		t.Fatal(err)
	}
	// A saved sandbox setup that names the stand-ins (and so moves with them).
	su := config.Setup{Endpoint: sb.Answers.Endpoint, Method: config.MethodAuto, M2MAppID: sb.Answers.M2MAppID, TwilioBaseURL: sb.Answers.TwilioBaseURL}
	if err := sb.Store.Save(su, config.Secrets{M2MAppSecret: sb.Answers.M2MAppSecret}); err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{sandbox.LockFile, sandbox.WizardLockFile} {
		_ = os.Remove(filepath.Join(dir, n))
	}
	before := configtest.Take(t, dir)
	var out, errOut bytes.Buffer
	code := run([]string{"doctor", "--sandbox", "--json", "--config-dir", dir}, strings.NewReader(""), &out, &errOut, noEnv)
	if d := before.Diff(configtest.Take(t, dir)); d != "" {
		t.Errorf("doctor --sandbox changed the sandbox folder: %s", d)
	}
	var rep doctorJSON
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("doctor --json (exit %d) printed %q, stderr %q: %v", code, out.String(), errOut.String(), err)
	}
	for _, c := range rep.Checks {
		if (c.ID == "endpoint" || c.ID == "m2m") && c.Status != "PASS" {
			t.Errorf("row %+v: doctor did not reach the private stand-ins", c)
		}
	}
}

// TestWritingCommandsRefuseDamagedFiles (issue 20): rotate, teardown and
// workshop prepare and teardown, given a saved setup whose content is
// unusable, stop before any change (exit 1), name the file, what is wrong
// and the fix, and leave the folder as it was; never "no saved setup".
func TestWritingCommandsRefuseDamagedFiles(t *testing.T) {
	t.Parallel()
	lg := logtotest.NewServer()
	t.Cleanup(lg.Close)
	for _, tc := range configtest.Cases() {
		if tc.Kind != config.Corrupt && tc.Kind != config.Newer && tc.Kind != config.Missing {
			continue
		}
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			dir := savedRealSetup(t, lg)
			tc.Damage(t, dir)
			for _, args := range [][]string{
				{"rotate", "--app-secret", "--yes"},
				{"teardown", "--yes"},
				{"workshop", "prepare", "--attendees", "2", "--yes"},
				{"workshop", "teardown", "--yes"},
			} {
				before := configtest.Take(t, dir)
				var out, errOut bytes.Buffer
				code := run(append(args, "--non-interactive", "--config-dir", dir), strings.NewReader(""), &out, &errOut, noEnv)
				if d := before.Diff(configtest.Take(t, dir)); d != "" {
					t.Errorf("%v changed the folder: %s", args, d)
				}
				msg := errOut.String()
				if code != exitFailure || !strings.Contains(msg, filepath.Join(dir, tc.File)) || !strings.Contains(msg, "Nothing was changed") ||
					strings.Contains(strings.ToLower(msg+out.String()), "no saved setup") {
					t.Errorf("%v: exit %d, stderr %q, stdout %q; want 1 naming %s", args, code, msg, out.String(), tc.File)
				}
			}
		})
	}
}
