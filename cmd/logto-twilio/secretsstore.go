package main

import (
	"fmt"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/config"
)

// secretsStoreEnv chooses the secrets store when --secrets-store is not
// given.
const secretsStoreEnv = "LOGTO_TWILIO_SECRETS_STORE" //nolint:gosec // a variable name, not a credential

// secretsStoreValue is --secrets-store: keyring, file or auto, checked when
// parsed (a bad value is a usage error, exit code 2).
type secretsStoreValue string

// String implements pflag.Value.
func (v *secretsStoreValue) String() string { return string(*v) }

// Set implements pflag.Value.
func (v *secretsStoreValue) Set(s string) error {
	if _, err := config.ParseSecretsStore(strings.TrimSpace(s)); err != nil || strings.TrimSpace(s) == "" {
		return fmt.Errorf("%q is not a secrets store: use keyring, file or auto", s)
	}
	*v = secretsStoreValue(strings.TrimSpace(s))
	return nil
}

// Type implements pflag.Value: the placeholder --help shows.
func (v *secretsStoreValue) Type() string { return "keyring|file|auto" }

// secretsStoreFor is the chosen secrets store: --secrets-store, else
// LOGTO_TWILIO_SECRETS_STORE, else auto. A bad variable is a usage error.
func secretsStoreFor(o options, getenv func(string) string) (string, error) {
	if o.secretsStore != "" {
		return string(o.secretsStore), nil
	}
	env := strings.TrimSpace(getenv(secretsStoreEnv))
	s, err := config.ParseSecretsStore(env)
	if err != nil {
		return "", &usageError{cmd: "logto-twilio", err: fmt.Errorf("%s=%q is not a secrets store: use keyring, file or auto", secretsStoreEnv, env)}
	}
	return s, nil
}
