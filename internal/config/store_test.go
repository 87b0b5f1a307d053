package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const secretValue = "sk_live_DO_NOT_PRINT_42"

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	s := Secret(secretValue)
	// holder is a struct of secrets, as the wizard's Prefill is.
	type holder struct{ TwilioAuthToken, AppSecret, M2MAppSecret Secret }
	var logBuf, jsonLog bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("x", "secret", s)
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("x", "prefill", holder{AppSecret: s})
	prefillJSON, err := json.Marshal(holder{TwilioAuthToken: s, AppSecret: s, M2MAppSecret: s})
	if err != nil {
		t.Fatal(err)
	}
	text, err := s.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"json struct": string(prefillJSON),
		"MarshalText": string(text),
		"slog JSON":   jsonLog.String(),
		"%#v struct":  fmt.Sprintf("%#v", holder{AppSecret: s}),
		"String":      s.String(),
		"%s":          fmt.Sprintf("%s", s),
		"%v":          fmt.Sprintf("%v", s),
		"%+v":         fmt.Sprintf("%+v", struct{ S Secret }{s}),
		"%#v":         fmt.Sprintf("%#v", s),
		"%q":          fmt.Sprintf("%q", s),
		"%x":          fmt.Sprintf("%x", s),
		"%d":          fmt.Sprintf("%d", s),
		"Println":     fmt.Sprintln(s),
		"slog":        logBuf.String(),
		"in error":    fmt.Errorf("wrapped: %v", s).Error(),
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if strings.Contains(out, secretValue) || strings.Contains(out, "DO_NOT") {
				t.Fatalf("%s printed the secret: %q", name, out)
			}
		})
	}
	if s.Reveal() != secretValue {
		t.Fatal("Reveal lost the value")
	}
	if Secret("").String() != "(not set)" {
		t.Fatalf("empty secret prints %q", Secret("").String())
	}
	if !strings.Contains(string(prefillJSON), `"AppSecret":"••••••••"`) {
		t.Fatalf("JSON of a struct: %s", prefillJSON)
	}
}

// TestSecretsFileKeepsTheValues: Secret masks itself everywhere, but the
// store's own encoding of Secrets writes the values (secrets.json only).
func TestSecretsFileKeepsTheValues(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Secrets{AppSecret: secretValue, Pending: "pending-value"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), secretValue) || !strings.Contains(string(b), "pending-value") {
		t.Fatalf("secrets.json content: %s", b)
	}
}

func TestStoreRoundTrip(t *testing.T) {
	t.Parallel()
	store := Store{Dir: filepath.Join(t.TempDir(), "cfg")}
	l, err := store.Load()
	if err != nil || l.Found || len(l.Problems) > 0 {
		t.Fatalf("empty store: %+v, %v", l, err)
	}
	su := Setup{Endpoint: "http://localhost:3001", AppID: "app1", Done: []string{"endpoint"}}
	sec := Secrets{AppSecret: Secret(secretValue), TwilioAuthToken: "tok"}
	if err := store.Save(su, sec); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{SetupFile, SecretsFile} {
		fi, err := os.Stat(filepath.Join(store.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", name, fi.Mode().Perm())
		}
	}
	if fi, _ := os.Stat(store.Dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, want 0700", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(filepath.Join(store.Dir, SetupFile))
	if bytes.Contains(b, []byte(secretValue)) {
		t.Fatal("setup.json holds a secret")
	}
	entries, _ := os.ReadDir(store.Dir)
	if len(entries) != 2 {
		t.Errorf("store dir has %d entries (temp files left?)", len(entries))
	}
	l, err = store.Load()
	if err != nil || !l.Found {
		t.Fatalf("load: %+v %v", l, err)
	}
	if l.Setup.AppID != "app1" || l.Secrets.AppSecret.Reveal() != secretValue || l.Setup.Version != SchemaVersion {
		t.Fatalf("round trip lost data: %+v", l.Setup)
	}
	if err := store.Reset(); err != nil {
		t.Fatal(err)
	}
	if l, _ := store.Load(); l.Found {
		t.Fatal("Reset left the setup")
	}
}

func TestStoreCorruptFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, content string
	}{
		{"setup not JSON", SetupFile, "{not json"},
		{"setup wrong type", SetupFile, `{"appId": 42}`},
		{"secrets truncated", SecretsFile, `{"appSecret": "` + secretValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := Store{Dir: t.TempDir()}
			if err := os.WriteFile(filepath.Join(store.Dir, tt.file), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			l, err := store.Load()
			if err != nil {
				t.Fatalf("corrupt file must not fail Load: %v", err)
			}
			if len(l.Problems) != 1 || !strings.Contains(l.Problems[0], tt.file+".bak") {
				t.Fatalf("problems %q", l.Problems)
			}
			if strings.Contains(l.Problems[0], secretValue) {
				t.Fatal("the problem message quotes the file")
			}
			bak, err := os.ReadFile(filepath.Join(store.Dir, tt.file+".bak"))
			if err != nil || string(bak) != tt.content {
				t.Fatalf("backup %q %v", bak, err)
			}
			if _, err := os.Stat(filepath.Join(store.Dir, tt.file)); !os.IsNotExist(err) {
				t.Fatal("the corrupt file is still in place")
			}
		})
	}
}

// TestStoreCorruptSecretsKeepsSetup: with secrets.json unreadable the setup
// is kept, but the steps that saved a secret are no longer done, so resuming
// asks for the secrets again instead of failing later without them.
func TestStoreCorruptSecretsKeepsSetup(t *testing.T) {
	t.Parallel()
	store := Store{Dir: t.TempDir()}
	su := Setup{Endpoint: "http://localhost:3001", Done: []string{"welcome", "endpoint", "method", "credentials", "app", "twilio", "service"}}
	if err := store.Save(su, Secrets{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(store.Dir, SecretsFile), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !l.Found || l.Setup.Endpoint != "http://localhost:3001" {
		t.Fatalf("setup lost: %+v", l.Setup)
	}
	if got := strings.Join(l.Setup.Done, ","); got != "welcome,endpoint,method,service" {
		t.Errorf("done %q, want the secret steps undone", got)
	}
	if len(l.Problems) != 1 || !strings.Contains(l.Problems[0], "ask for it again") || strings.Contains(l.Problems[0], "starts fresh") {
		t.Errorf("problems %q", l.Problems)
	}
}

// TestSaveFailure: a refused write becomes a *SaveError naming the folder; no failure stays none.
func TestSaveFailure(t *testing.T) {
	t.Parallel()
	err := saveFailure("/ro/cfg", &os.PathError{Op: "open", Path: "/ro/cfg/x", Err: os.ErrPermission})
	var se *SaveError
	if !errors.As(err, &se) || se.Dir != "/ro/cfg" {
		t.Fatalf("%v: not a SaveError for /ro/cfg", err)
	}
	if saveFailure("/x", nil) != nil {
		t.Error("no failure became one")
	}
}
