package logtoapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Application types used by the wizard.
const (
	TypeTraditional      = "Traditional"
	TypeMachineToMachine = "MachineToMachine"
)

// DefaultSecretName is the name Logto gives the secret it creates with an application.
const DefaultSecretName = "Default secret"

// Application is a Logto application. Logto's "secret" field is ignored on purpose: it is
// an internal value in 1.19–1.41 and gone in 1.42; read secrets with ApplicationSecrets.
type Application struct {
	ID, Name, Description, Type          string
	RedirectURIs, PostLogoutRedirectURIs []string
	// CreatedAt is when Logto created the app (its createdAt, in ms; zero
	// when the answer had none). It tells apps with the same name apart.
	CreatedAt time.Time
}

// NewApplication is what CreateTraditionalApplication creates.
type NewApplication struct {
	Name, Description                    string
	RedirectURIs, PostLogoutRedirectURIs []string
}

type oidcClientMetadata struct {
	RedirectURIs           []string `json:"redirectUris"`
	PostLogoutRedirectURIs []string `json:"postLogoutRedirectUris"`
}

type applicationJSON struct {
	ID                 string             `json:"id"`
	Name               string             `json:"name"`
	Description        *string            `json:"description"`
	Type               string             `json:"type"`
	OIDCClientMetadata oidcClientMetadata `json:"oidcClientMetadata"`
	CreatedAt          int64              `json:"createdAt"`
}

func (a applicationJSON) app() Application {
	out := Application{
		ID:                     a.ID,
		Name:                   a.Name,
		Type:                   a.Type,
		RedirectURIs:           nonNil(a.OIDCClientMetadata.RedirectURIs),
		PostLogoutRedirectURIs: nonNil(a.OIDCClientMetadata.PostLogoutRedirectURIs),
	}
	if a.Description != nil {
		out.Description = *a.Description
	}
	if a.CreatedAt > 0 {
		out.CreatedAt = time.UnixMilli(a.CreatedAt)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func appPath(id string) string { return "/applications/" + url.PathEscape(id) }

// FindTraditionalApplications returns the Traditional apps whose name is exactly name
// (case-sensitive, compared here; Logto's search is case-insensitive and has no implicit
// wildcards). Logto allows duplicate names, so there may be several, newest first.
func (c *Client) FindTraditionalApplications(ctx context.Context, name string) ([]Application, error) {
	const op = "find applications"
	if err := checkName("application name", name); err != nil {
		return nil, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	q := url.Values{}
	q.Set("types", TypeTraditional)
	q.Set("search.name", name)
	q.Set("mode.name", "exact")
	var list []applicationJSON
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: "/applications", query: q.Encode(), ok: []int{http.StatusOK}}, &list); err != nil {
		return nil, err
	}
	out := []Application{}
	for _, a := range list {
		if a.Name == name && a.Type == TypeTraditional {
			out = append(out, a.app())
		}
	}
	return out, nil
}

// CreateTraditionalApplication creates a Traditional web application with its redirect
// and post-logout URIs. Logto allows duplicate names: look the name up first.
func (c *Client) CreateTraditionalApplication(ctx context.Context, app NewApplication) (Application, error) {
	const op = "create application"
	if err := checkName("application name", app.Name); err != nil {
		return Application{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if err := checkURIs("redirect URI", app.RedirectURIs); err != nil {
		return Application{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if err := checkURIs("post sign-out redirect URI", app.PostLogoutRedirectURIs); err != nil {
		return Application{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	body := map[string]any{
		"name": app.Name,
		"type": TypeTraditional,
		"oidcClientMetadata": oidcClientMetadata{
			RedirectURIs:           nonNil(app.RedirectURIs),
			PostLogoutRedirectURIs: nonNil(app.PostLogoutRedirectURIs),
		},
	}
	if app.Description != "" {
		body["description"] = app.Description
	}
	var out applicationJSON
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: "/applications", body: body, ok: []int{http.StatusOK, http.StatusCreated}}, &out); err != nil {
		return Application{}, err
	}
	return out.app(), nil
}

// GetApplication returns the application with that id.
func (c *Client) GetApplication(ctx context.Context, id string) (Application, error) {
	const op = "get application"
	if err := checkID("App ID", id); err != nil {
		return Application{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	var out applicationJSON
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: appPath(id), ok: []int{http.StatusOK}}, &out); err != nil {
		return Application{}, err
	}
	return out.app(), nil
}

// SetApplicationURIs replaces the application's redirect and post-logout URIs. Logto
// replaces oidcClientMetadata whole, so this reads it first and sends it back whole with
// the two lists changed (other keys such as backchannelLogoutUri are kept).
func (c *Client) SetApplicationURIs(ctx context.Context, id string, redirect, postLogout []string) (Application, error) {
	const op = "set application URIs"
	if err := checkID("App ID", id); err != nil {
		return Application{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if err := checkURIs("redirect URI", redirect); err != nil {
		return Application{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if err := checkURIs("post sign-out redirect URI", postLogout); err != nil {
		return Application{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	var cur struct {
		OIDCClientMetadata map[string]json.RawMessage `json:"oidcClientMetadata"`
	}
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: appPath(id), ok: []int{http.StatusOK}}, &cur); err != nil {
		return Application{}, err
	}
	meta := map[string]any{}
	for k, v := range cur.OIDCClientMetadata {
		meta[k] = v
	}
	meta["redirectUris"] = nonNil(redirect)
	meta["postLogoutRedirectUris"] = nonNil(postLogout)
	var out applicationJSON
	if err := c.do(ctx, call{op: op, method: http.MethodPatch, path: appPath(id), body: map[string]any{"oidcClientMetadata": meta}, ok: []int{http.StatusOK}}, &out); err != nil {
		return Application{}, err
	}
	return out.app(), nil
}

// AppSecret is one of an application's client secrets.
type AppSecret struct {
	Name, Value string
	CreatedAt   time.Time
	ExpiresAt   *time.Time // nil = never expires
}

// String masks the value.
func (s AppSecret) String() string {
	return fmt.Sprintf("AppSecret{Name: %q, Value: %s}", s.Name, mask(s.Value))
}

// GoString masks the value in %#v too.
func (s AppSecret) GoString() string { return "logtoapi." + s.String() }

// Expired reports whether the secret has expired at now.
func (s AppSecret) Expired(now time.Time) bool {
	return s.ExpiresAt != nil && !now.Before(*s.ExpiresAt)
}

type secretJSON struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	CreatedAt int64  `json:"createdAt"`
	ExpiresAt *int64 `json:"expiresAt"`
}

func (s secretJSON) secret() AppSecret {
	out := AppSecret{Name: s.Name, Value: s.Value, CreatedAt: time.UnixMilli(s.CreatedAt)}
	if s.ExpiresAt != nil {
		t := time.UnixMilli(*s.ExpiresAt)
		out.ExpiresAt = &t
	}
	return out
}

// ApplicationSecrets lists the application's client secrets (GET .../secrets; never the
// application's "secret" field).
func (c *Client) ApplicationSecrets(ctx context.Context, id string) ([]AppSecret, error) {
	const op = "list application secrets"
	if err := checkID("App ID", id); err != nil {
		return nil, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	var list []secretJSON
	if err := c.do(ctx, call{op: op, method: http.MethodGet, path: appPath(id) + "/secrets", ok: []int{http.StatusOK}}, &list); err != nil {
		return nil, err
	}
	out := make([]AppSecret, 0, len(list))
	for _, s := range list {
		out = append(out, s.secret())
	}
	return out, nil
}

// ApplicationSecret returns a usable client secret of the application: the unexpired
// "Default secret" if there is one, else the newest unexpired secret. With none it
// returns an error wrapping ErrNoUsableSecret.
func (c *Client) ApplicationSecret(ctx context.Context, id string) (string, error) {
	list, err := c.ApplicationSecrets(ctx, id)
	if err != nil {
		return "", err
	}
	s, ok := pickSecret(list, time.Now())
	if !ok {
		return "", fmt.Errorf("logtoapi: get application secret: %w: add one in the Console (%s)", ErrNoUsableSecret, c.e.Console().ApplicationDetails(id))
	}
	return s.Value, nil
}

func pickSecret(list []AppSecret, now time.Time) (AppSecret, bool) {
	var best AppSecret
	found := false
	for _, s := range list {
		if s.Expired(now) || s.Value == "" {
			continue
		}
		if s.Name == DefaultSecretName {
			return s, true
		}
		if !found || s.CreatedAt.After(best.CreatedAt) {
			best, found = s, true
		}
	}
	return best, found
}

// AddApplicationSecret adds a client secret named name; expiresAt nil means it never
// expires. The answer includes the new value.
func (c *Client) AddApplicationSecret(ctx context.Context, id, name string, expiresAt *time.Time) (AppSecret, error) {
	const op = "add application secret"
	if err := checkID("App ID", id); err != nil {
		return AppSecret{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if err := checkName("secret name", name); err != nil {
		return AppSecret{}, fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	body := map[string]any{"name": name}
	if expiresAt != nil {
		if !expiresAt.After(time.Now()) {
			return AppSecret{}, fmt.Errorf("logtoapi: %s: the expiry time %s is not in the future", op, expiresAt.Format(time.RFC3339))
		}
		body["expiresAt"] = expiresAt.UnixMilli()
	}
	var out secretJSON
	if err := c.do(ctx, call{op: op, method: http.MethodPost, path: appPath(id) + "/secrets", body: body, ok: []int{http.StatusCreated, http.StatusOK}}, &out); err != nil {
		return AppSecret{}, err
	}
	return out.secret(), nil
}

// DeleteApplicationSecret deletes the secret named name (URL-encoded, so
// "Default secret" works).
func (c *Client) DeleteApplicationSecret(ctx context.Context, id, name string) error {
	const op = "delete application secret"
	if err := checkID("App ID", id); err != nil {
		return fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	if err := checkName("secret name", name); err != nil {
		return fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, path: appPath(id) + "/secrets/" + url.PathEscape(name), ok: []int{http.StatusNoContent, http.StatusOK}}, nil)
}

// DeleteApplication deletes the application.
func (c *Client) DeleteApplication(ctx context.Context, id string) error {
	const op = "delete application"
	if err := checkID("App ID", id); err != nil {
		return fmt.Errorf("logtoapi: %s: %w", op, err)
	}
	return c.do(ctx, call{op: op, method: http.MethodDelete, path: appPath(id), ok: []int{http.StatusNoContent, http.StatusOK}}, nil)
}
