package logtoapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/logto-twilio/logto-twilio/internal/httpclient"
)

// SendSignInCode sends a sign-in verification code to phoneDigits (country code and
// national digits, no "+") through the tenant's SMS connector, the way Logto's own sign-in
// page does, so it needs no Management API access: only the app's ID and one of its
// registered redirect URIs (logto-observed.md "OIDC sign-in by phone" §1–2):
//
//  1. GET {issuer}/auth?client_id=…&redirect_uri=…&response_type=code&scope=openid…&prompt=consent
//     → 303 /sign-in, with the _interaction cookies (fixtures 211, 285);
//  2. PUT /api/experience {"interactionEvent":"SignIn"} → 204 (213, 286);
//  3. POST /api/experience/verification/verification-code {"interactionEvent":"SignIn",
//     "identifier":{"type":"phone","value":digits}} → 200 {"verificationId"}, the SMS is sent
//     with the SignIn template (214, 288, 307).
//
// Logto answers 200 once its SMS connector sent the message, so a nil error proves that the
// tenant has a working SMS connector and phone codes can reach the number, with one
// exception: in sign-in-only mode (signInMode "SignIn") Logto 1.41 answers 200 to a phone
// that has no account and sends nothing (logto-1.41/SUMMARY.md P3); callers check the mode
// first (ReadPublicSignInExperience). The interaction is left unfinished (Logto forgets it
// after an hour) and no user is made.
//
// Failures: *TwilioError when Twilio refused the message Logto sent (400 connector.general
// with Twilio's JSON body in data.message, fixtures r3-010 and r3-011);
// *MessageRateLimitError when the phone got too many codes (1.41: 429
// request.message_rate_limited on the 11th send within 10 minutes); else *APIError (e.g.
// 400 oidc.invalid_redirect_uri: the redirect URI is not registered; connector.not_found: no
// SMS connector, 501 on a real Logto (r3-020, r3-021), 400 on older stand-ins).
func SendSignInCode(ctx context.Context, hc *http.Client, e Endpoint, appID, redirectURI, phoneDigits string) error {
	const op = "send a sign-in code"
	switch {
	case e.IsZero():
		return fmt.Errorf("logtoapi: %s: no endpoint (use ParseEndpoint)", op)
	case strings.TrimSpace(redirectURI) == "":
		return fmt.Errorf("logtoapi: %s: no redirect URI", op)
	case phoneDigits == "" || strings.Trim(phoneDigits, "0123456789") != "":
		return inputErr(op, "the phone number must be digits only, country code first")
	}
	if err := checkID("App ID", appID); err != nil {
		return fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	c := *hc // same transport and timeout; redirects are not followed
	c.Jar = nil
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	jar := &rawJar{}

	// The authorization request a sign-in page starts from, PKCE (S256) and
	// all, as internal/demo makes it; the interaction is never finished, so
	// the verifier is not kept.
	auth := (&oauth2.Config{
		ClientID:    appID,
		RedirectURL: redirectURI,
		Endpoint:    oauth2.Endpoint{AuthURL: e.Issuer() + "/auth"},
		Scopes:      []string{"openid", "offline_access", "profile", "phone"},
	}).AuthCodeURL(rand.Text(), oauth2.S256ChallengeOption(oauth2.GenerateVerifier()),
		oauth2.SetAuthURLParam("prompt", "consent"))
	status, body, err := expCall(ctx, &c, jar, http.MethodGet, auth, nil)
	if err != nil {
		return fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if status < 300 || status >= 400 {
		return fmt.Errorf("logtoapi: %s: authorization request: %w", op, newAPIError(status, body, nil))
	}
	base := e.String()
	if status, body, err = expCall(ctx, &c, jar, http.MethodPut, base+"/api/experience",
		map[string]string{"interactionEvent": "SignIn"}); err != nil {
		return fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if status != http.StatusNoContent && status != http.StatusOK {
		return fmt.Errorf("logtoapi: %s: start the sign-in: %w", op, newAPIError(status, body, nil))
	}
	if status, body, err = expCall(ctx, &c, jar, http.MethodPost, base+"/api/experience/verification/verification-code",
		map[string]any{"interactionEvent": "SignIn", "identifier": map[string]string{"type": "phone", "value": phoneDigits}}); err != nil {
		return fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if status != http.StatusOK {
		ae := newAPIError(status, body, nil)
		if rl := rateLimited(ae, phoneDigits); rl != nil {
			return fmt.Errorf("logtoapi: %s: %w", op, rl)
		}
		if te := unwrapTwilio(ae); te != nil {
			te.Sending = "the sign-in code"
			return fmt.Errorf("logtoapi: %s: %w", op, te)
		}
		return fmt.Errorf("logtoapi: %s: %w", op, ae)
	}
	var sent struct {
		VerificationID string `json:"verificationId"`
	}
	if err := json.Unmarshal(body, &sent); err != nil || sent.VerificationID == "" {
		return fmt.Errorf("logtoapi: %s: unexpected answer %q", op, clipBody(body))
	}
	return nil
}

// expCall sends one request with a JSON body (nil: none) and reads the answer.
func expCall(ctx context.Context, c *http.Client, jar *rawJar, method, u string, in any) (int, []byte, error) {
	var rd io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, nil, fmt.Errorf("encode: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if h := jar.header(req.URL.Path); h != "" {
		req.Header.Set("Cookie", h)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, req.URL.Path, httpclient.RestoreEOF(err))
	}
	defer func() { _ = resp.Body.Close() }() // a read body; nothing to report
	jar.store(resp.Header.Values("Set-Cookie"))
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, nil, fmt.Errorf("%s %s: read answer: %w", method, req.URL.Path, err)
	}
	return resp.StatusCode, body, nil
}

// clipBody shortens an unexpected answer for an error message.
func clipBody(b []byte) string {
	const n = 200
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// rawJar keeps the cookies of one sign-in flow as Logto sent them. Logto's cookies are
// JSON ({"appId":"…"}), which net/http's cookie parser drops (a '"' is not a valid cookie
// byte), so they are kept and sent back verbatim: name=value, by path, one host.
type rawJar struct {
	cookies []rawCookie
}

type rawCookie struct{ name, value, path string }

// store reads Set-Cookie lines; an expired or empty cookie is removed.
func (j *rawJar) store(lines []string) {
	for _, line := range lines {
		parts := strings.Split(line, ";")
		name, value, ok := strings.Cut(strings.TrimSpace(parts[0]), "=")
		if !ok || name == "" {
			continue
		}
		path, gone := "/", value == ""
		for _, a := range parts[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(a), "=")
			switch strings.ToLower(k) {
			case "path":
				path = v
			case "max-age":
				gone = gone || strings.HasPrefix(v, "-") || v == "0"
			case "expires":
				if t, err := http.ParseTime(v); err == nil && t.Before(time.Now()) {
					gone = true
				}
			}
		}
		j.cookies = slices.DeleteFunc(j.cookies, func(c rawCookie) bool { return c.name == name && c.path == path })
		if !gone {
			j.cookies = append(j.cookies, rawCookie{name, value, path})
		}
	}
}

// header is the Cookie header for a request to path.
func (j *rawJar) header(path string) string {
	var out []string
	for _, c := range j.cookies {
		if path == c.path || strings.HasPrefix(path, strings.TrimSuffix(c.path, "/")+"/") {
			out = append(out, c.name+"="+c.value)
		}
	}
	return strings.Join(out, "; ")
}
