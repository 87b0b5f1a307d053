// Package logtoapi is the wizard's client for a Logto server: endpoint parsing and Console
// URLs, OIDC discovery, the machine-to-machine token, and the Management API calls that
// set up an application, the Twilio SMS connector and phone sign-in.
//
// Every call takes a context and uses the *http.Client it was given; inputs are checked
// before any request is sent; errors are wrapped with the operation's name and carry
// Logto's answer as *APIError. Secrets (app secrets, Twilio auth tokens, access tokens)
// never appear in errors. The package knows nothing about the terminal UI.
package logtoapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/logto-twilio/logto-twilio/internal/httpclient"
)

// maxBody caps how much of a response is read.
const maxBody = 8 << 20

// M2MCredentials are a machine-to-machine app's App ID and App secret.
type M2MCredentials struct{ AppID, AppSecret string }

// String masks the secret.
func (m M2MCredentials) String() string {
	return fmt.Sprintf("M2MCredentials{AppID: %s, AppSecret: %s}", m.AppID, mask(m.AppSecret))
}

// GoString masks the secret in %#v too.
func (m M2MCredentials) GoString() string { return "logtoapi." + m.String() }

func mask(s string) string {
	if s == "" {
		return `""`
	}
	return "[secret]"
}

// Client calls the Logto Management API with an M2M access token, fetched with client
// credentials (resource = the Management API, scope "all") and cached until it expires.
// A Client is safe for concurrent use.
type Client struct {
	e   Endpoint
	m2m M2MCredentials
	hc  *http.Client
	cc  clientcredentials.Config

	mu  sync.Mutex
	tok *oauth2.Token
}

// New checks the endpoint and credentials and returns a Client. It sends no request.
// A nil hc means http.DefaultClient.
func New(e Endpoint, m2m M2MCredentials, hc *http.Client) (*Client, error) {
	if e.IsZero() {
		return nil, errors.New("logtoapi: new client: no endpoint (use ParseEndpoint)")
	}
	if err := checkID("App ID", m2m.AppID); err != nil {
		return nil, fmt.Errorf("logtoapi: new client: %w", err)
	}
	if err := checkSecret("App secret", m2m.AppSecret); err != nil {
		return nil, fmt.Errorf("logtoapi: new client: %w", err)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{
		e:   e,
		m2m: m2m,
		hc:  hc,
		cc: clientcredentials.Config{
			ClientID:       m2m.AppID,
			ClientSecret:   m2m.AppSecret,
			TokenURL:       e.managementBase() + "/oidc/token",
			Scopes:         []string{"all"},
			EndpointParams: map[string][]string{"resource": {e.ManagementResource()}},
			AuthStyle:      oauth2.AuthStyleInHeader,
		},
	}, nil
}

// String names the client's endpoint and App ID, so that printing a Client never shows
// its secret or token.
func (c *Client) String() string {
	return fmt.Sprintf("logtoapi.Client{Endpoint: %s, AppID: %s}", c.e, c.m2m.AppID)
}

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

// Endpoint returns the client's endpoint.
func (c *Client) Endpoint() Endpoint { return c.e }

// CheckAccess fetches (or reuses) the M2M token and checks that it carries the scope
// "all". Without it the error is a *ScopeError naming the "Logto Management API access"
// role; a wrong App ID or secret gives an *APIError with code "oidc.invalid_client"; the
// credentials of an app that is not machine-to-machine give a *NotM2MAppError; a 2xx
// answer without a token wraps ErrNoAccessToken, one that is not JSON the decoder's error.
func (c *Client) CheckAccess(ctx context.Context) error {
	if _, err := c.token(ctx); err != nil {
		return fmt.Errorf("logtoapi: check access: %w", err)
	}
	return nil
}

// token returns a cached, valid token with scope "all", fetching a new one if needed.
func (c *Client) token(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok.Valid() {
		return c.tok.AccessToken, nil
	}
	hc := *c.hc
	answer := &tokenAnswer{next: c.hc.Transport}
	hc.Transport = answer
	t, err := c.cc.Token(context.WithValue(ctx, oauth2.HTTPClient, &hc))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			ae := newAPIError(re.Response.StatusCode, re.Body, c.secrets())
			if grantNotAllowed(ae) {
				return "", fmt.Errorf("get management API token: %w", &NotM2MAppError{
					AppID: c.m2m.AppID, CreateURL: c.e.Console().CreateM2MApplication(), Err: ae,
				})
			}
			return "", fmt.Errorf("get management API token: %w", ae)
		}
		return "", fmt.Errorf("get management API token: %w", answer.explain(scrubErr(httpclient.RestoreEOF(err), c.secrets())))
	}
	scope, _ := t.Extra("scope").(string)
	if !slices.Contains(strings.Fields(scope), "all") {
		return "", &ScopeError{AppID: c.m2m.AppID, Scope: scope, ConsoleURL: c.e.Console().ApplicationRoles(c.m2m.AppID)}
	}
	c.tok = t
	return t.AccessToken, nil
}

func (c *Client) secrets() []string {
	s := []string{c.m2m.AppSecret}
	if c.tok != nil {
		s = append(s, c.tok.AccessToken)
	}
	return s
}

// scrubErr replaces err by an error with the same text minus the secrets, when the text
// contains one (it keeps err's chain otherwise).
func scrubErr(err error, secrets []string) error {
	msg := err.Error()
	clean := msg
	for _, s := range secrets {
		if len(s) >= 4 {
			clean = strings.ReplaceAll(clean, s, "[redacted]")
		}
	}
	if clean == msg {
		return err
	}
	return errors.New(clean)
}

// call describes one Management API request.
type call struct {
	op      string   // operation name for errors, e.g. "create application"
	method  string   // HTTP method
	path    string   // escaped path under /api, e.g. "/applications/abc"
	query   string   // encoded query, without "?"
	body    any      // JSON body, nil for none
	ok      []int    // accepted statuses
	secrets []string // extra strings to mask in errors (Twilio auth token)
}

// do sends a Management API request and decodes a JSON answer into out (if out is not nil).
func (c *Client) do(ctx context.Context, k call, out any) error {
	if err := c.send(ctx, k, out); err != nil {
		return fmt.Errorf("logtoapi: %s: %w", k.op, err)
	}
	return nil
}

func (c *Client) send(ctx context.Context, k call, out any) error {
	tok, err := c.token(ctx)
	if err != nil {
		return err
	}
	u := c.e.apiURL(k.path)
	if k.query != "" {
		u += "?" + k.query
	}
	var body io.Reader
	if k.body != nil {
		b, err := json.Marshal(k.body)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, u, body)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/json")
	if k.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	secrets := append(c.secretsLocked(), k.secrets...)
	resp, err := c.hc.Do(req)
	if err != nil {
		return scrubErr(httpclient.RestoreEOF(err), secrets)
	}
	defer func() { _ = resp.Body.Close() }() // a read body; nothing to report
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("read answer: %w", scrubErr(err, secrets))
	}
	if !slices.Contains(k.ok, resp.StatusCode) {
		if resp.StatusCode == http.StatusUnauthorized {
			c.dropToken(tok)
		}
		return newAPIError(resp.StatusCode, data, secrets)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		if out != nil {
			return fmt.Errorf("empty answer (HTTP %d)", resp.StatusCode)
		}
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode answer (HTTP %d): %w", resp.StatusCode, err)
	}
	return nil
}

func (c *Client) secretsLocked() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.secrets()
}

// dropToken forgets tok so that the next call fetches a new one.
func (c *Client) dropToken(tok string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok != nil && c.tok.AccessToken == tok {
		c.tok = nil
	}
}
