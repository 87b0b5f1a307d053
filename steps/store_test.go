package steps

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/config"
)

// TestMain puts go-keyring's mock in place of the OS keyring: no test of
// this package touches a real keyring.
func TestMain(m *testing.M) {
	config.MockKeyring(nil)
	os.Exit(m.Run())
}

// TestPrefillMasksSecrets: a Prefill's secrets print masked, in JSON too.
func TestPrefillMasksSecrets(t *testing.T) {
	t.Parallel()
	s := config.Secret("sk_live_DO_NOT_PRINT_42")
	b, err := json.Marshal(Prefill{TwilioAuthToken: s, AppSecret: s, M2MAppSecret: s})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "DO_NOT") || !strings.Contains(string(b), `"AppSecret":"••••••••"`) {
		t.Fatalf("JSON of a Prefill: %s", b)
	}
}

func TestCheckpointSnapshot(t *testing.T) {
	t.Parallel()
	store := &config.Store{Dir: t.TempDir()}
	st := NewState(Prefill{})
	st.Setup.Endpoint = "http://localhost:3001"
	st.Secrets.TwilioAuthToken = config.Secret("sk_live_DO_NOT_PRINT_42")
	persist := Checkpoint(st, store)("endpoint")
	st.Setup.Endpoint = "changed after the snapshot"
	if err := persist(); err != nil {
		t.Fatal(err)
	}
	var su config.Setup
	b, _ := os.ReadFile(filepath.Join(store.Dir, config.SetupFile))
	if err := json.Unmarshal(b, &su); err != nil || su.Endpoint != "http://localhost:3001" {
		t.Fatalf("snapshot not taken at checkpoint time: %+v %v", su, err)
	}
	if Checkpoint(st, nil)("x") != nil {
		t.Fatal("no store must mean nothing to persist")
	}
}

// TestReportNamesTheSecretsStore: the summary says where the secrets are.
func TestReportNamesTheSecretsStore(t *testing.T) {
	dir := t.TempDir()
	st := NewState(Prefill{})
	store := &config.Store{Dir: dir, SecretsStore: config.SecretsStoreKeyring}
	if err := store.Save(config.Setup{}, config.Secrets{}); err != nil {
		t.Fatal(err)
	}
	if r := Report(st, store); !strings.Contains(r, `setup.json; secrets: OS keyring (item "logto-twilio")`) {
		t.Errorf("report:\n%s", r)
	}
}
