package steps

import (
	"fmt"
	"log/slog"
)

// Secret is a value that must never be shown: an app secret, an M2M secret,
// an Auth Token. String, GoString, Format, LogValue and MarshalText all mask
// it; Reveal gives the value to the code that sends it.
type Secret string

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
func (s Secret) GoString() string { return "steps.Secret(" + s.String() + ")" }

// Format masks the value whatever the verb (%s, %v, %q, %x, %d...).
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprint(f, s.GoString())
		return
	}
	_, _ = fmt.Fprint(f, s.String())
}

// LogValue masks the value in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }
