package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/config/configtest"
)

const secret = "sk_live_DO_NOT_PRINT_42"

// saved is a folder with a good saved setup, secrets in the file.
func saved(t *testing.T) config.Store {
	t.Helper()
	s := config.Store{Dir: filepath.Join(t.TempDir(), "cfg"), SecretsStore: config.SecretsStoreFile}
	su := config.Setup{
		Endpoint: "http://localhost:3001", Method: config.MethodAuto, M2MAppID: "m2m", AppID: "app1",
		TwilioAccountSID: "AC" + strings.Repeat("0", 32), Done: []string{"endpoint", "credentials", "app", "twilio", "service"},
	}
	sec := config.Secrets{M2MAppSecret: secret, AppSecret: secret + "2", TwilioAuthToken: secret + "3"}
	if err := s.Save(su, sec); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestReadChangesNothing (issue 20): Read names every damaged-file case
// (which file, what kind) and leaves the folder byte for byte and mode for
// mode as it was; unusable content is left out (Found false, or no
// secrets and the steps that saved one undone).
func TestReadChangesNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range configtest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			s := saved(t)
			tc.Damage(t, s.Dir)
			before := configtest.Take(t, s.Dir)
			l, err := s.Read()
			if err != nil {
				t.Fatal(err)
			}
			if d := before.Diff(configtest.Take(t, s.Dir)); d != "" {
				t.Fatalf("Read changed the folder: %s", d)
			}
			if len(l.Damage) != 1 || l.Damage[0].Kind != tc.Kind {
				t.Fatalf("damage %+v, want one of kind %d", l.Damage, tc.Kind)
			}
			d := l.Damage[0]
			if tc.File != "" && !strings.Contains(d.File, tc.File) {
				t.Errorf("damage names %q, want %s", d.File, tc.File)
			}
			for _, text := range []string{d.String(), d.Fix(nil)} {
				if strings.Contains(text, secret) {
					t.Errorf("a secret in %q", text)
				}
				if text == "" {
					t.Error("no sentence")
				}
			}
			switch tc.File {
			case config.SetupFile:
				if l.Found || l.Setup.Endpoint != "" {
					t.Errorf("an unusable setup.json was used: found %v, %+v", l.Found, l.Setup)
				}
			case config.SecretsFile:
				if !l.Found || l.Secrets.M2MAppSecret.IsSet() || l.Setup.IsDone("credentials") || !l.Setup.IsDone("service") {
					t.Errorf("unusable secrets: found %v, secrets %v, done %v", l.Found, l.Secrets, l.Setup.Done)
				}
			default:
				if !l.Found || l.Secrets.M2MAppSecret.Reveal() != secret {
					t.Errorf("%s made the setup unusable: %+v", tc.Name, l)
				}
			}
		})
	}
}

// TestLoadSettlesDamage (issue 20): Load, for the wizard, refuses a file
// made by a newer logto-twilio and changes nothing; keeps a damaged file's
// copy (under a name no earlier copy has) and says which file, where the
// copy is and what happens next; makes an exposed secrets file private;
// removes the temporary files of a killed save.
func TestLoadSettlesDamage(t *testing.T) {
	t.Parallel()
	for _, tc := range configtest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			s := saved(t)
			tc.Damage(t, s.Dir)
			// An earlier damaged copy that must survive.
			for _, n := range []string{config.SetupFile, config.SecretsFile} {
				if err := os.WriteFile(filepath.Join(s.Dir, n+".bak"), []byte("earlier"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			before := configtest.Take(t, s.Dir)
			l, err := s.Load()
			if tc.Kind == config.Newer {
				var ne *config.NewerError
				if !errors.As(err, &ne) || !strings.Contains(err.Error(), "made by a newer logto-twilio") || !strings.Contains(err.Error(), tc.File) {
					t.Fatalf("Load = %v, want a NewerError naming %s", err, tc.File)
				}
				if d := before.Diff(configtest.Take(t, s.Dir)); d != "" {
					t.Fatalf("Load changed a newer version's folder: %s", d)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Damage) != 0 || len(l.Problems) != 1 {
				t.Fatalf("damage %+v, problems %q; want one problem sentence", l.Damage, l.Problems)
			}
			p := l.Problems[0]
			after := configtest.Take(t, s.Dir)
			for _, n := range []string{config.SetupFile, config.SecretsFile} {
				if after[n+".bak"].Content != "earlier" {
					t.Errorf("the earlier copy %s.bak was replaced", n)
				}
			}
			switch tc.Kind {
			case config.Corrupt:
				copyName := tc.File + ".bak.1"
				if after[copyName].Content != before[tc.File].Content || !strings.Contains(p, filepath.Join(s.Dir, copyName)) || !strings.Contains(p, filepath.Join(s.Dir, tc.File)) {
					t.Errorf("problem %q; the damaged copy %q, want %s kept and named", p, after[copyName].Content, copyName)
				}
				if _, ok := after[tc.File]; ok {
					t.Errorf("%s is still in place", tc.File)
				}
				if !strings.Contains(p, "starts a new setup") && !strings.Contains(p, "ask for it again") {
					t.Errorf("problem %q does not say what happens next", p)
				}
			case config.Missing:
				if !strings.Contains(p, "ask for it again") {
					t.Errorf("problem %q", p)
				}
			case config.Exposed:
				if after[config.SecretsFile].Mode.Perm() != 0o600 || !strings.Contains(p, "0644") {
					t.Errorf("mode %v, problem %q", after[config.SecretsFile].Mode, p)
				}
			case config.Newer: // returned above
			case config.Stray:
				if _, ok := after[configtest.StrayName]; ok || !strings.Contains(p, configtest.StrayName) {
					t.Errorf("stray left: %v, problem %q", ok, p)
				}
			}
			if strings.Contains(p, secret) {
				t.Errorf("a secret in %q", p)
			}
		})
	}
}
