package logtoapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/logto-twilio/logto-twilio/internal/httpclient"
)

// Discovery is the part of Logto's OIDC discovery document the wizard uses.
type Discovery struct {
	Issuer                  string   `json:"issuer"`
	AuthorizationEndpoint   string   `json:"authorization_endpoint"`
	TokenEndpoint           string   `json:"token_endpoint"`
	UserinfoEndpoint        string   `json:"userinfo_endpoint"`
	JWKSURI                 string   `json:"jwks_uri"`
	EndSessionEndpoint      string   `json:"end_session_endpoint"`
	IDTokenSigningAlgValues []string `json:"id_token_signing_alg_values_supported"`
}

// Discover fetches e's OIDC discovery document ({e}/oidc/.well-known/openid-configuration).
// The issuer it returns is Logto's own (built from its ENDPOINT setting) and may differ
// from e.Issuer(), for example 127.0.0.1 instead of localhost; OIDC clients must use it.
func Discover(ctx context.Context, hc *http.Client, e Endpoint) (Discovery, error) {
	d, err := discover(ctx, hc, e)
	if err != nil {
		return Discovery{}, fmt.Errorf("logtoapi: discovery: %w", err)
	}
	return d, nil
}

func discover(ctx context.Context, hc *http.Client, e Endpoint) (Discovery, error) {
	if e.IsZero() {
		return Discovery{}, errors.New("no endpoint (use ParseEndpoint)")
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.Issuer()+"/.well-known/openid-configuration", nil)
	if err != nil {
		return Discovery{}, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return Discovery{}, fmt.Errorf("is Logto running at %s? %w", e, httpclient.RestoreEOF(err))
	}
	defer func() { _ = resp.Body.Close() }() // a read body; nothing to report
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Discovery{}, fmt.Errorf("read answer: %w", err)
	}
	url := e.Issuer() + "/.well-known/openid-configuration"
	if resp.StatusCode >= 400 && resp.StatusCode < 500 {
		// Something answers there, but it has no discovery document: a Logto
		// answers 200 at this path (fixture 006), whatever its state.
		return Discovery{}, &DiscoveryError{URL: url, Kind: DiscoveryMissing, Status: resp.StatusCode}
	}
	if resp.StatusCode != http.StatusOK {
		return Discovery{}, newAPIError(resp.StatusCode, body, nil)
	}
	var d Discovery
	if err := json.Unmarshal(body, &d); err != nil {
		return Discovery{}, &DiscoveryError{URL: url, Kind: discoveryKind(resp.Header.Get("Content-Type"), body), Err: err}
	}
	if d.Issuer == "" || d.TokenEndpoint == "" || d.AuthorizationEndpoint == "" {
		return Discovery{}, &DiscoveryError{URL: url, Kind: DiscoveryIncomplete}
	}
	return d, nil
}

// What a bad discovery answer was (DiscoveryError.Kind).
const (
	DiscoveryHTML       = "html"       // an HTML page (a Console, a proxy's page)
	DiscoveryNotJSON    = "not-json"   // something else that is not JSON
	DiscoveryTruncated  = "truncated"  // JSON cut short, or an empty answer
	DiscoveryIncomplete = "incomplete" // JSON without an issuer or endpoints
	DiscoveryMissing    = "missing"    // a 4xx answer (404...): no discovery document at that address
)

// DiscoveryError is an answer to the discovery request that is not a usable
// discovery document: a 200 that is not one, or a 4xx (something answers at
// the address, but it is not a Logto OIDC discovery). Explain says it in
// plain words.
type DiscoveryError struct {
	URL    string // the discovery document's address
	Kind   string // DiscoveryHTML, DiscoveryNotJSON, DiscoveryTruncated, DiscoveryIncomplete or DiscoveryMissing
	Status int    // the HTTP status of a DiscoveryMissing answer
	Err    error  // the JSON decoder's error, if any
}

// Error names the address and what was wrong with the answer.
func (e *DiscoveryError) Error() string {
	what, _ := e.Explain()
	if e.Err != nil {
		return what + " (" + e.Err.Error() + ")"
	}
	return what
}

// Unwrap returns the decoder's error.
func (e *DiscoveryError) Unwrap() error { return e.Err }

// Explain says what the answer was and what to check.
func (e *DiscoveryError) Explain() (what, next string) {
	next = "Is this the Logto endpoint (a local Logto listens on port 3001), not the Console (port 3002) or a proxy? Check the address."
	switch e.Kind {
	case DiscoveryHTML:
		what = "Logto's discovery document at " + e.URL + " is not JSON (it answered an HTML page)"
	case DiscoveryTruncated:
		what = "Logto's discovery document at " + e.URL + " was cut short or empty"
		next = "The server or a proxy in between stopped the answer: check that Logto is running well, then retry."
	case DiscoveryIncomplete:
		what = "Logto's discovery document at " + e.URL + " has no issuer or endpoints"
	case DiscoveryMissing:
		what = fmt.Sprintf("Something answers at %s, but it is not a Logto OIDC discovery (HTTP %d %s)",
			e.URL, e.Status, http.StatusText(e.Status))
		next = "Check the address: it must be Logto's base URL (a local Logto listens on port 3001; on Logto Cloud https://<tenant>.logto.app), " +
			"not the Console's (port 3002), and without an extra path."
	default:
		what = "Logto's discovery document at " + e.URL + " is not JSON"
	}
	return what, next
}

// discoveryKind tells an HTML page, a cut answer and other non-JSON apart.
func discoveryKind(contentType string, body []byte) string {
	trimmed := strings.TrimSpace(string(body))
	switch {
	case strings.Contains(strings.ToLower(contentType), "html"), strings.HasPrefix(trimmed, "<"):
		return DiscoveryHTML
	case trimmed == "" || !json.Valid(body) && (strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[")):
		return DiscoveryTruncated
	}
	return DiscoveryNotJSON
}
