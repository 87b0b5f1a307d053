package logtoapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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
		return Discovery{}, fmt.Errorf("is Logto running at %s? %w", e, err)
	}
	defer func() { _ = resp.Body.Close() }() // a read body; nothing to report
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Discovery{}, fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		if resp.StatusCode == http.StatusNotFound {
			return Discovery{}, fmt.Errorf("%s has no OIDC discovery document: is this a Logto endpoint? %w", e, newAPIError(resp.StatusCode, body, nil))
		}
		return Discovery{}, newAPIError(resp.StatusCode, body, nil)
	}
	var d Discovery
	if err := json.Unmarshal(body, &d); err != nil {
		return Discovery{}, fmt.Errorf("%s did not answer with an OIDC discovery document (is this a Logto endpoint?): %w", e, err)
	}
	if d.Issuer == "" || d.TokenEndpoint == "" || d.AuthorizationEndpoint == "" {
		return Discovery{}, fmt.Errorf("%s answered with an incomplete discovery document (no issuer or endpoints)", e)
	}
	return d, nil
}
