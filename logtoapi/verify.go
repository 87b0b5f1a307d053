package logtoapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/httpclient"
)

// AppCheck is the outcome of VerifyAppCredentials.
type AppCheck int

// Outcomes of VerifyAppCredentials.
const (
	// AppCredentialsOK: Logto accepted the App ID and secret.
	AppCredentialsOK AppCheck = iota
	// AppSecretWrong: the app exists but the secret is wrong (or expired).
	AppSecretWrong
	// AppUnknown: Logto has no application with that App ID.
	AppUnknown
	// AppNotTraditional: the App ID and secret are right, but the app cannot use the
	// authorization code flow (for example a machine-to-machine app).
	AppNotTraditional
	// AppNoRedirectURI: the secret was not checked. Logto refuses the token request
	// with invalid_redirect_uri when the app has no redirect URI at all (seen on a real
	// Logto 1.37.1, issue 23), whatever the secret; the App ID and secret can be checked
	// only once a redirect URI is registered.
	AppNoRedirectURI
)

// String names the outcome in plain words.
func (a AppCheck) String() string {
	switch a {
	case AppCredentialsOK:
		return "App ID and App secret are right"
	case AppSecretWrong:
		return "the App secret is wrong or expired"
	case AppUnknown:
		return "Logto has no application with this App ID"
	case AppNotTraditional:
		return "this application is not a Traditional web app"
	case AppNoRedirectURI:
		return "the App secret was not checked: the application has no redirect URI"
	default:
		return fmt.Sprintf("AppCheck(%d)", int(a))
	}
}

// verifyRedirectURI is sent with the bogus code; Logto checks the client first and the
// code next, so the value does not matter.
const verifyRedirectURI = "http://localhost/logto-twilio-credential-check"

// VerifyAppCredentials checks a pasted App ID and App secret without Management API
// access: it exchanges a bogus authorization code at {e}/oidc/token with client_secret_basic.
// Logto answers invalid_grant when the client authenticated (right secret),
// 401 invalid_client for a wrong secret, and 400 invalid_client ("invalid client <id>")
// for an unknown app (fixtures 120–123). An app with no redirect URI at all gets 400
// invalid_redirect_uri instead, whatever its secret: AppNoRedirectURI, the secret untested.
// The error is non-nil only when the check itself failed (bad input, network, an
// unexpected answer).
func VerifyAppCredentials(ctx context.Context, hc *http.Client, e Endpoint, appID, appSecret string) (AppCheck, error) {
	const op = "verify app credentials"
	if e.IsZero() {
		return 0, fmt.Errorf("logtoapi: %s: no endpoint (use ParseEndpoint)", op)
	}
	if err := checkID("App ID", appID); err != nil {
		return 0, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if err := checkSecret("App secret", appSecret); err != nil {
		return 0, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	form := url.Values{}
	form.Set("grant_type", "authorization_code")
	form.Set("code", "logto-twilio-credential-check")
	form.Set("redirect_uri", verifyRedirectURI)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.Issuer()+"/token", strings.NewReader(form.Encode()))
	if err != nil {
		return 0, fmt.Errorf("logtoapi: %s: build request: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(appID), url.QueryEscape(appSecret))
	secrets := []string{appSecret}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("logtoapi: %s: %w", op, scrubErr(httpclient.RestoreEOF(err), secrets))
	}
	defer func() { _ = resp.Body.Close() }() // a read body; nothing to report
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, fmt.Errorf("logtoapi: %s: read answer: %w", op, scrubErr(err, secrets))
	}
	if resp.StatusCode == http.StatusOK {
		return AppCredentialsOK, nil // cannot happen with a bogus code, but the client authenticated
	}
	ae := newAPIError(resp.StatusCode, body, secrets)
	switch {
	case ae.OAuth == "invalid_client" && resp.StatusCode == http.StatusUnauthorized:
		return AppSecretWrong, nil
	case ae.OAuth == "invalid_client":
		return AppUnknown, nil
	case ae.OAuth == "invalid_grant":
		return AppCredentialsOK, nil
	case grantNotAllowed(ae):
		return AppNotTraditional, nil
	case secretExpired(ae):
		return AppSecretWrong, nil
	case ae.OAuth == "invalid_redirect_uri" || ae.Code == "oidc.invalid_redirect_uri":
		// Our made-up redirect URI is never registered, yet an app with any redirect
		// URI gets invalid_grant for it ("authorization code not found", r3-001's
		// logs): Logto answers this only to an app with none.
		return AppNoRedirectURI, nil
	case ae.OAuth == "invalid_request":
		// The client authenticated; Logto refused the made-up grant's parameters.
		return AppCredentialsOK, nil
	}
	return 0, fmt.Errorf("logtoapi: %s: unexpected answer from the token endpoint: %w", op, ae)
}
