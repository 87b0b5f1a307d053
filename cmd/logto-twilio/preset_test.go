package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"

	"github.com/logto-twilio/logto-twilio/internal/workshop"
	"github.com/logto-twilio/logto-twilio/steps"
)

const cardYAML = `# logto-twilio workshop card: Bookstore 07
version: 1
name: Bookstore 07
endpoint: http://127.0.0.1:3001
appId: app07abc
appSecret: card-app-secret-0123456789
port: 3007
`

func writeCard(t *testing.T, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bookstore-07.yaml")
	if err := os.WriteFile(p, []byte(cardYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func envOf(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

// TestApplyPreset: the card's answers reach Prefill, the attendee's own folder is
// chosen, and every bad card or flag is refused with exit code 2 and what to do.
func TestApplyPreset(t *testing.T) {
	t.Parallel()
	good := writeCard(t, 0o600)
	facilitator := t.TempDir()
	if err := (config.Store{Dir: facilitator}).Save(config.Setup{Endpoint: "http://127.0.0.1:3001", M2MAppID: "m2m"}, config.Secrets{}); err != nil {
		t.Fatal(err)
	}
	withRecord := t.TempDir()
	if err := os.WriteFile(workshop.RecordPath(withRecord), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := t.TempDir()
	unknownKey := filepath.Join(t.TempDir(), "typo.yaml")
	if err := os.WriteFile(unknownKey, []byte("version: 1\nendpoint: http://127.0.0.1:3001\nappId: a\nappSecrt: b\nport: 3007\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		o       options
		env     map[string]string
		wantErr string
		wantDir string
	}{
		{name: "flag", o: options{preset: good}, env: map[string]string{"LOGTO_TWILIO_CONFIG_DIR": base}, wantDir: filepath.Join(base, "workshop-bookstore-07")},
		{name: "env", env: map[string]string{"LOGTO_TWILIO_PRESET": good, "LOGTO_TWILIO_CONFIG_DIR": base}, wantDir: filepath.Join(base, "workshop-bookstore-07")},
		{name: "own config dir", o: options{preset: good, configDir: filepath.Join(base, "mine")}, wantDir: filepath.Join(base, "mine")},
		{name: "same endpoint and port", o: options{preset: good, endpoint: "http://127.0.0.1:3001/", port: 3007, configDir: base}, wantDir: base},
		{name: "readable by others", o: options{preset: writeCard(t, 0o644)}, wantErr: "others can read the card (mode 0644)"},
		{name: "group readable", o: options{preset: writeCard(t, 0o640)}, wantErr: "chmod 600"},
		{name: "missing", o: options{preset: filepath.Join(base, "nope.yaml")}, wantErr: "no such file"},
		{name: "folder", o: options{preset: base}, wantErr: "is a folder"},
		{name: "unknown key", o: options{preset: unknownKey}, wantErr: `unknown key "appSecrt" (did you mean "appSecret"?)`},
		{name: "sandbox", o: options{preset: good, sandbox: true}, wantErr: "without --sandbox"},
		{name: "other port", o: options{preset: good, port: 3000}, wantErr: "registered for port 3007, not 3000"},
		{name: "other endpoint", o: options{preset: good, endpoint: "http://localhost:9999"}, wantErr: "leave out --logto-endpoint"},
		{name: "facilitator's folder", o: options{preset: good, configDir: facilitator}, wantErr: "made with an M2M app"},
		{name: "workshop record", o: options{preset: good, configDir: withRecord}, wantErr: "holds a workshop's record"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := tc.o
			p := steps.Prefill{M2MAppSecret: "m2m-secret-from-env", TwilioAuthToken: "twilio-token-from-env"}
			err := applyPreset(&o, &p, envOf(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || exitCodeOf(err) != exitUsage {
					t.Fatalf("err = %v (exit %d), want %q and exit 2", err, exitCodeOf(err), tc.wantErr)
				}
				if tc.name == "unknown key" && strings.Count(err.Error(), tc.o.preset) != 1 {
					t.Errorf("err = %v names the card more than needed", err)
				}
				if p.Preset != nil {
					t.Error("a refused card reached the prefill")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Preset == nil || p.Preset.Name != "Bookstore 07" || p.AppID != "app07abc" || p.AppSecret.Reveal() != "card-app-secret-0123456789" ||
				p.Port != 3007 || p.Endpoint != "http://127.0.0.1:3001" || p.M2MAppSecret != "" || p.TwilioAuthToken != "" {
				t.Errorf("prefill %+v", p)
			}
			if o.configDir != tc.wantDir {
				t.Errorf("config dir %q, want %q", o.configDir, tc.wantDir)
			}
			if again := againCommand(t, o, ""); !strings.Contains(again, "--preset") || (tc.o.configDir == "" && strings.Contains(again, "--config-dir")) {
				t.Errorf("resume command %q", again)
			}
		})
	}
}

// TestPresetRefusedBeforeStart: a card others can read stops the run before any
// screen, with exit code 2, and the secret is not printed.
func TestPresetRefusedBeforeStart(t *testing.T) {
	t.Parallel()
	card := writeCard(t, 0o644)
	var out, errb bytes.Buffer
	code := run([]string{"--preset", card, "--config-dir", t.TempDir()}, strings.NewReader(""), &out, &errb, envOf(nil))
	if code != exitUsage || !strings.Contains(errb.String(), "chmod 600") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out.String(), errb.String())
	}
	if strings.Contains(out.String()+errb.String(), "card-app-secret") {
		t.Error("the card's secret was printed")
	}
}
