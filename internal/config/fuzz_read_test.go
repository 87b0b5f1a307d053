package config_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
	"github.com/logto-twilio/logto-twilio/internal/config/configtest"
)

// FuzzRead (issue 20) feeds Read any setup.json and secrets.json: it never
// panics and never changes the folder; what it does not call damaged it
// uses, and a save of what it read reads back the same; what it calls
// unusable is left out (no setup, or no secrets).
func FuzzRead(f *testing.F) {
	good := config.Setup{
		Version: 1, Endpoint: "http://localhost:3001", Issuer: "http://localhost:3001/oidc", Method: config.MethodAuto,
		M2MAppID: "m2m", AppID: "app", DemoPort: 3000, Done: []string{"endpoint", "credentials"},
		Templates: []config.Template{{UsageType: "SignIn", Content: "{{code}}"}}, SecretsStore: config.SecretsStoreFile,
	}
	sb, _ := json.Marshal(good)
	kb, _ := json.Marshal(config.Secrets{Version: 1, M2MAppSecret: "s1", AppSecret: "s2"})
	f.Add(sb, kb)
	f.Add(sb[:60], kb)
	f.Add(sb, kb[:20])
	f.Add([]byte(`{"version":99}`), kb)
	f.Add(sb, []byte(`{"version":99}`))
	f.Add([]byte(`{"secretsStore":"keyring"}`), []byte(nil))
	f.Add([]byte(`{"secretsStore":"vault"}`), kb)
	f.Add([]byte(`{"demoPort":"3000"}`), kb)
	f.Add([]byte(`{} {}`), []byte(`{}  `))
	f.Fuzz(func(t *testing.T, setupJSON, secretsJSON []byte) {
		dir := t.TempDir()
		for name, b := range map[string][]byte{config.SetupFile: setupJSON, config.SecretsFile: secretsJSON} {
			if b == nil {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		before := configtest.Take(t, dir)
		s := config.Store{Dir: dir}
		l, err := s.Read()
		if d := before.Diff(configtest.Take(t, dir)); d != "" {
			t.Fatalf("Read changed the folder: %s", d)
		}
		if err != nil {
			// Only a store name this version does not know, or the
			// keyring (which the fuzzer's folder may name) not reachable.
			if !strings.Contains(err.Error(), "does not know") && !strings.Contains(err.Error(), "keyring") {
				t.Fatalf("Read: %v", err)
			}
			return
		}
		for _, d := range l.Unusable() {
			switch {
			case d.Secrets && l.Secrets != (config.Secrets{}):
				t.Fatalf("unusable secrets (%s) were used", d)
			case !d.Secrets && (l.Found || !reflect.DeepEqual(l.Setup, config.Setup{SecretsStore: l.Setup.SecretsStore})):
				t.Fatalf("an unusable setup.json (%s) was used: %+v", d, l.Setup)
			}
		}
		if len(l.Damage) > 0 || !l.Found || l.Setup.SecretsStore != config.SecretsStoreFile {
			return
		}
		// A save of what was read reads back the same.
		s2 := config.Store{Dir: filepath.Join(t.TempDir(), "again"), SecretsStore: config.SecretsStoreFile}
		if err := s2.Save(l.Setup, l.Secrets); err != nil {
			t.Fatal(err)
		}
		l2, err := s2.Read()
		if err != nil || len(l2.Damage) > 0 {
			t.Fatalf("what Read gave does not read back: %v, %v", err, l2.Damage)
		}
		l.Setup.Version, l.Secrets.Version = config.SchemaVersion, config.SchemaVersion
		if !reflect.DeepEqual(normal(l.Setup), normal(l2.Setup)) || l.Secrets != l2.Secrets {
			t.Fatalf("round trip:\n%+v\n%+v", l.Setup, l2.Setup)
		}
	})
}

// normal makes empty and nil slices alike (omitempty drops both).
func normal(s config.Setup) config.Setup {
	b, _ := json.Marshal(s)
	var out config.Setup
	_ = json.Unmarshal(b, &out)
	return out
}
