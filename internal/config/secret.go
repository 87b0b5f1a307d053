package config

import (
	"fmt"
	"log/slog"
)

// Secret is a value that must never be shown: an app secret, an M2M secret,
// an Auth Token. It masks itself in every encoding: String (%s, %v, %q…),
// GoString and Format (%#v), MarshalText (JSON, YAML and any text encoder)
// and LogValue (slog). Reveal is the one way to the value, for the code that
// sends it and for Secrets.MarshalJSON (the secrets file). (encoding/json
// writes a map key of a string type as it is: never key a map by a Secret.)
type Secret string

// masked is how every Secret with a value is shown.
const masked = "••••••••"

// Reveal returns the secret value, for HTTP clients and the secrets file.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

// String masks the value.
func (s Secret) String() string {
	if s == "" {
		return "(not set)"
	}
	return masked
}

// GoString masks the value in %#v.
func (s Secret) GoString() string { return "config.Secret(" + s.String() + ")" }

// Format masks the value whatever the verb (%s, %v, %q, %x, %d...).
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprint(f, s.GoString())
		return
	}
	_, _ = fmt.Fprint(f, s.String())
}

// MarshalText masks the value in JSON and other text encodings.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue masks the value in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }
