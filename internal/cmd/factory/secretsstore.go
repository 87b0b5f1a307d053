package factory

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/logto-twilio/logto-twilio/internal/config"
)

// secretsStoreEnv chooses the secrets store when --secrets-store is not
// given.
const secretsStoreEnv = "LOGTO_TWILIO_SECRETS_STORE" //nolint:gosec // a variable name, not a credential

// SecretsStoreValue is --secrets-store: keyring, file or auto, checked when
// parsed (a bad value is a usage error, exit code 2).
type SecretsStoreValue string

// String implements pflag.Value.
func (v *SecretsStoreValue) String() string { return string(*v) }

// Set implements pflag.Value.
func (v *SecretsStoreValue) Set(s string) error {
	if _, err := config.ParseSecretsStore(strings.TrimSpace(s)); err != nil || strings.TrimSpace(s) == "" {
		return fmt.Errorf("%q is not a secrets store: use keyring, file or auto", s)
	}
	*v = SecretsStoreValue(strings.TrimSpace(s))
	return nil
}

// Type implements pflag.Value: the placeholder --help shows.
func (v *SecretsStoreValue) Type() string { return "keyring|file|auto" }

// CompleteSecretsStore completes --secrets-store's values (those starting
// with what is typed), each with what it means; register it with
// RegisterFlagCompletionFunc.
func CompleteSecretsStore(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	for _, c := range []struct{ value, desc string }{
		{config.SecretsStoreAuto, "the OS keyring when it works, else the secrets file (the default)"},
		{config.SecretsStoreKeyring, "the OS keyring"},
		{config.SecretsStoreFile, "secrets.json beside the setup, mode 0600"},
	} {
		if strings.HasPrefix(c.value, toComplete) {
			out = append(out, cobra.CompletionWithDesc(c.value, c.desc))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// SecretsStoreFor is the chosen secrets store: --secrets-store, else
// LOGTO_TWILIO_SECRETS_STORE, else auto. A bad variable is a usage error.
func SecretsStoreFor(o Options, getenv func(string) string) (string, error) {
	if o.SecretsStore != "" {
		return string(o.SecretsStore), nil
	}
	env := strings.TrimSpace(getenv(secretsStoreEnv))
	s, err := config.ParseSecretsStore(env)
	if err != nil {
		return "", &UsageError{Command: "logto-twilio", Err: fmt.Errorf("%s=%q is not a secrets store: use keyring, file or auto", secretsStoreEnv, env)}
	}
	return s, nil
}
