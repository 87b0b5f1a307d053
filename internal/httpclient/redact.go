package httpclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces a secret in the trace.
const Redacted = "[REDACTED]"

// redactedCode replaces a verification code inside an SMS text.
const redactedCode = "[CODE]"

// secretExact are field names (lower case, without _ - .) that are secrets
// whatever their value: OIDC and verification codes, PKCE verifiers, keys.
var secretExact = map[string]bool{
	"code": true, "otp": true, "pin": true, "verificationcode": true,
	"assertion": true, "clientassertion": true, "signature": true,
}

// secretParts are parts of field names that make a field a secret:
// access_token, id_token, client_secret, authToken, password, code_verifier and the like.
var secretParts = []string{"secret", "token", "password", "passwd", "passcode", "verifier", "apikey", "privatekey", "cookie", "authorization", "credential"}

// notSecretSuffixes end names that hold secretParts but no secret:
// token_type, token_endpoint, secretsUri, token_endpoint_auth_methods_supported and the like.
var notSecretSuffixes = []string{"type", "types", "endpoint", "uri", "uris", "url", "urls", "supported", "expiresin", "expiresat", "expiration", "createdat", "ttl", "count", "name"}

// normKey is a field name in lower case without _ - and .
func normKey(k string) string {
	return strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(k))
}

// isSecretKey reports whether a JSON field, form field, query parameter or
// header named k holds a secret.
func isSecretKey(k string) bool {
	n := normKey(k)
	if secretExact[n] {
		return true
	}
	for _, s := range notSecretSuffixes {
		if strings.HasSuffix(n, s) {
			return false
		}
	}
	for _, p := range secretParts {
		if strings.Contains(n, p) {
			return true
		}
	}
	return false
}

// isSMSTextKey reports whether a field named k holds an SMS text (Twilio's
// Body and body, Logto's template content), whose codes are redacted.
func isSMSTextKey(k string) bool {
	switch normKey(k) {
	case "body", "content", "text", "message":
		return true
	}
	return false
}

// logtoErrorCode matches the code of a Logto error (oidc.invalid_redirect_uri,
// session.verification_failed), which is kept: it is what the user needs.
var logtoErrorCode = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// redactString is a string field's value as the trace shows it.
func redactString(key, v string, secret bool) string {
	switch {
	case v == "":
		return v
	case secret || isSecretKey(key):
		if normKey(key) == "code" && !secret && logtoErrorCode.MatchString(v) {
			return v
		}
		return Redacted
	case isSMSTextKey(key):
		return RedactCodes(v)
	}
	return RedactText(v)
}

// digitRun is a run of digits, with what comes before it.
var digitRun = regexp.MustCompile(`(^|[^0-9+])([0-9]{4,8})($|[^0-9])`)

// RedactCodes replaces in an SMS text every run of 4 to 8 digits (a
// verification code; not a phone number, which is longer or starts with +).
func RedactCodes(s string) string {
	// Twice: adjacent matches share the character between them.
	for range 2 {
		s = digitRun.ReplaceAllString(s, "${1}"+redactedCode+"${3}")
	}
	return s
}

// tokenLike matches what is a secret wherever it appears: a JWT, or the
// credentials after Basic or Bearer.
var tokenLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*|(?i)\b(Basic|Bearer) +[A-Za-z0-9._~+/=-]+`)

// RedactText redacts every JWT and every Basic or Bearer credential in s
// (an error message, a text body).
func RedactText(s string) string {
	return tokenLike.ReplaceAllStringFunc(s, func(m string) string {
		if scheme, _, ok := strings.Cut(m, " "); ok && !strings.HasPrefix(m, "eyJ") {
			return scheme + " " + Redacted
		}
		return Redacted
	})
}

// RedactHeader is the value v of the header named name as the trace shows it:
// the scheme of Authorization kept and its credentials redacted; the names
// of cookies kept and their values redacted; a Location's secret parameters
// redacted; any other header named like a secret (X-Api-Key) redacted.
func RedactHeader(name, v string) string {
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization":
		if scheme, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
			return scheme + " " + Redacted
		}
		return Redacted
	case "cookie":
		parts := strings.Split(v, ";")
		for i, p := range parts {
			if n, _, ok := strings.Cut(p, "="); ok {
				parts[i] = n + "=" + Redacted
			}
		}
		return strings.Join(parts, ";")
	case "set-cookie":
		cookie, attrs, _ := strings.Cut(v, ";")
		n, _, _ := strings.Cut(cookie, "=")
		if attrs != "" {
			attrs = ";" + attrs
		}
		return n + "=" + Redacted + attrs
	case "location", "content-location", "referer":
		return RedactURL(v)
	}
	if isSecretKey(name) {
		return Redacted
	}
	return RedactText(v)
}

// RedactURL is raw with the values of its secret query parameters (code,
// id_token_hint…) and any password in it redacted.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return RedactText(raw)
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), Redacted)
		}
	}
	if u.RawQuery != "" {
		u.RawQuery = RedactForm(u.RawQuery)
	}
	if u.Fragment != "" {
		u.Fragment = RedactForm(u.Fragment)
	}
	return u.String()
}

// RedactForm is a form body (or a query) with the values of its secret
// fields redacted (client_secret, code, code_verifier, refresh_token…) and
// the codes in an SMS text (Twilio's Body) replaced; the order of the fields
// is kept.
func RedactForm(s string) string {
	pairs := strings.Split(s, "&")
	for i, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if !ok || v == "" {
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		if shown := redactString(name, val, false); shown != val {
			pairs[i] = k + "=" + strings.NewReplacer("%5BREDACTED%5D", Redacted, "%5BCODE%5D", redactedCode).Replace(url.QueryEscape(shown))
		}
	}
	return strings.Join(pairs, "&")
}

// RedactJSON is a JSON body, compacted, with every string under a secret
// field redacted (RedactJSONAt with no path).
func RedactJSON(body []byte) string { return RedactJSONAt("", body) }

// RedactJSONAt is RedactJSON for the answer to (or request of) the URL path
// path: under a path with "secret" in it (Logto's
// /api/applications/{id}/secrets) a field named value is a secret too. A
// body that does not parse as JSON is not shown.
func RedactJSONAt(path string, body []byte) string {
	r := jsonRedactor{valueIsSecret: strings.Contains(strings.ToLower(path), "secret")}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var out bytes.Buffer
	for i := 0; i == 0 || dec.More(); i++ {
		if i > 0 {
			out.WriteByte('\n')
		}
		if err := r.value(dec, &out, "", false); err != nil {
			return fmt.Sprintf("[%d bytes that are not valid JSON: not shown]", len(body))
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Sprintf("[%d bytes that are not valid JSON: not shown]", len(body))
	}
	return out.String()
}

type jsonRedactor struct{ valueIsSecret bool }

// value copies the next JSON value from dec to out; key is the field it is
// the value of, secret whether an enclosing field is a secret.
func (r jsonRedactor) value(dec *json.Decoder, out *bytes.Buffer, key string, secret bool) error {
	tok, err := dec.Token()
	if err != nil {
		return err //nolint:wrapcheck // RedactJSONAt tells only whether it parsed
	}
	secretHere := secret || (key != "" && isSecretKey(key) && normKey(key) != "code") || (r.valueIsSecret && normKey(key) == "value")
	switch v := tok.(type) {
	case json.Delim:
		start, end := byte('{'), byte('}')
		if v == '[' {
			start, end = '[', ']'
		}
		out.WriteByte(start)
		for i := 0; dec.More(); i++ {
			if i > 0 {
				out.WriteByte(',')
			}
			k := key
			if v == '{' {
				kt, err := dec.Token()
				if err != nil {
					return err //nolint:wrapcheck // see above
				}
				k, _ = kt.(string)
				writeJSONString(out, k)
				out.WriteByte(':')
			}
			if err := r.value(dec, out, k, secretHere); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return err //nolint:wrapcheck // see above
		}
		out.WriteByte(end)
	case string:
		if r.valueIsSecret && normKey(key) == "value" && v != "" {
			writeJSONString(out, Redacted)
			return nil
		}
		writeJSONString(out, redactString(key, v, secret))
	case json.Number:
		if secretHere {
			writeJSONString(out, Redacted)
		} else {
			out.WriteString(v.String())
		}
	case bool:
		fmt.Fprint(out, v)
	case nil:
		out.WriteString("null")
	}
	return nil
}

func writeJSONString(out *bytes.Buffer, s string) {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	out.Truncate(out.Len() - 1) // Encode's newline
}
