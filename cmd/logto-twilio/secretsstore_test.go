package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/cmd/factory"
	"github.com/logto-twilio/logto-twilio/internal/config"
)

func TestSecretsStoreFlag(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{}, ""},
		{[]string{"--secrets-store", "keyring"}, "keyring"},
		{[]string{"setup", "--secrets-store=file"}, "file"},
		{[]string{"-secrets-store", "auto"}, "auto"},
	} {
		code, _, stderr, o := runCaptured(t, tt.args, nil)
		if code != exitOK || o == nil || o.secretsStore != tt.want {
			t.Errorf("%q: code %d, options %+v, stderr %q", tt.args, code, o, stderr)
		}
	}
	code, _, stderr, o := runCaptured(t, []string{"--secrets-store", "vault"}, nil)
	if code != exitUsage || o != nil || !strings.Contains(stderr, `"vault" is not a secrets store: use keyring, file or auto`) ||
		!strings.Contains(stderr, "Run logto-twilio --help") {
		t.Errorf("bad value: code %d, stderr %q", code, stderr)
	}
}

func TestStoreForSecretsStore(t *testing.T) {
	t.Parallel()
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "LOGTO_TWILIO_SECRETS_STORE" {
				return v
			}
			return ""
		}
	}
	for _, tt := range []struct {
		name string
		flag string
		env  string
		want string
	}{
		{"default", "", "", config.SecretsStoreAuto},
		{"variable", "", "file", config.SecretsStoreFile},
		{"flag wins", "keyring", "file", config.SecretsStoreKeyring},
	} {
		s, err := storeFor(options{configDir: t.TempDir(), secretsStore: tt.flag}, env(tt.env))
		if err != nil || s.SecretsStore != tt.want {
			t.Errorf("%s: %+v %v", tt.name, s, err)
		}
	}
	_, err := storeFor(options{configDir: t.TempDir()}, env("vault"))
	var ue *factory.UsageError
	if !errors.As(err, &ue) || exitCodeOf(err) != exitUsage || !strings.Contains(err.Error(), `LOGTO_TWILIO_SECRETS_STORE="vault" is not a secrets store`) {
		t.Errorf("bad variable: %v", err)
	}
	// A command that opens the saved setup says so, with exit code 2.
	var out, errOut bytes.Buffer
	if code := run([]string{"teardown", "--config-dir", t.TempDir()}, strings.NewReader(""), &out, &errOut, env("vault")); code != exitUsage || !strings.Contains(errOut.String(), "LOGTO_TWILIO_SECRETS_STORE") {
		t.Errorf("teardown: code %d, stderr %q", code, errOut.String())
	}
}

// TestStoreForKeyring: the store storeFor builds keeps the secrets where
// the flag says, and moves them when it changes. It swaps go-keyring's
// mock (global), so it does not run in parallel.
func TestStoreForKeyring(t *testing.T) {
	config.MockKeyring(nil)
	t.Cleanup(func() { config.MockKeyring(errors.New("no keyring in tests")) })
	dir := t.TempDir()
	const secret = "sk_DO_NOT_PRINT"
	s, err := storeFor(options{configDir: dir, secretsStore: "keyring"}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(config.Setup{Endpoint: "x"}, config.Secrets{AppSecret: secret}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, config.SecretsFile)); !os.IsNotExist(err) {
		t.Fatal("secrets.json written with --secrets-store keyring")
	}
	if w := s.SecretsWhere(); !strings.HasPrefix(w, "OS keyring") {
		t.Fatalf("SecretsWhere %q", w)
	}
	s, err = storeFor(options{configDir: dir, secretsStore: "file"}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Load()
	if err != nil || l.Moved == "" || l.Secrets.AppSecret.Reveal() != secret {
		t.Fatalf("moving to the file: %q %v", l.Moved, err)
	}
	if w := s.SecretsWhere(); w != filepath.Join(dir, config.SecretsFile)+" (mode 0600)" {
		t.Fatalf("SecretsWhere %q", w)
	}
}
