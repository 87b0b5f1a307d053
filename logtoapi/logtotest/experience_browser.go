package logtotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Browser is a minimal user agent for tests that sign in without a real browser: it keeps the
// stand-in's cookies as they were sent (Logto's _logto and _interaction cookies hold raw JSON,
// which net/http/cookiejar drops) and never follows redirects by itself.
type Browser struct {
	s       *Server
	hc      *http.Client
	mu      sync.Mutex
	cookies map[string]browserCookie // by name + "\x00" + path
}

type browserCookie struct {
	name, value, path string
	expires           time.Time
}

// NewBrowser returns a Browser with no cookies, talking to the stand-in with s.Client().
func (s *Server) NewBrowser() *Browser {
	hc := *s.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Browser{s: s, hc: &hc, cookies: map[string]browserCookie{}}
}

// Do sends req with the stand-in's cookies that apply to its path and stores the cookies of the
// answer. It does not follow redirects.
func (b *Browser) Do(req *http.Request) (*http.Response, error) {
	if header := b.cookieHeader(req.URL.Path); header != "" {
		req.Header.Set("Cookie", header)
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("logtotest: browser: %w", err)
	}
	b.store(resp.Header.Values("Set-Cookie"))
	return resp, nil
}

// Cookie returns the value of a stored cookie (any path), for tests.
func (b *Browser) Cookie(name string) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.cookies {
		if c.name == name {
			return c.value, true
		}
	}
	return "", false
}

func (b *Browser) cookieHeader(path string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var parts []string
	now := time.Now()
	for k, c := range b.cookies {
		if !c.expires.IsZero() && now.After(c.expires) {
			delete(b.cookies, k)
			continue
		}
		if path == c.path || strings.HasPrefix(path, strings.TrimSuffix(c.path, "/")+"/") || c.path == "/" {
			parts = append(parts, c.name+"="+c.value)
		}
	}
	return strings.Join(parts, "; ")
}

func (b *Browser) store(lines []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, line := range lines {
		attrs := strings.Split(line, ";")
		name, value, ok := strings.Cut(strings.TrimSpace(attrs[0]), "=")
		if !ok {
			continue
		}
		c := browserCookie{name: name, value: value, path: "/"}
		for _, a := range attrs[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(a), "=")
			switch strings.ToLower(k) {
			case "path":
				c.path = v
			case "expires":
				if t, err := time.Parse(http.TimeFormat, v); err == nil {
					c.expires = t
				}
			}
		}
		key := c.name + "\x00" + c.path
		if !c.expires.IsZero() && !c.expires.After(time.Now()) {
			delete(b.cookies, key)
			continue
		}
		b.cookies[key] = c
	}
}

// Get fetches a URL (relative ones are taken against the stand-in) and follows redirects while
// they stay on the stand-in. It returns the last response (body read into the returned bytes)
// and its URL; a redirect that leaves the stand-in is returned unfollowed.
func (b *Browser) Get(ctx context.Context, rawURL string) (*http.Response, []byte, error) {
	base, _ := url.Parse(b.s.URL)
	for range 20 {
		u, err := base.Parse(rawURL)
		if err != nil {
			return nil, nil, fmt.Errorf("logtotest: browser: %w", err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, nil, fmt.Errorf("logtotest: browser: %w", err)
		}
		req.Header.Set("Accept", "text/html")
		resp, err := b.Do(req)
		if err != nil {
			return nil, nil, err
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("logtotest: browser: %w", err)
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode >= 400 || loc == "" {
			return resp, body, nil
		}
		next, err := u.Parse(loc)
		if err != nil || next.Host != base.Host {
			return resp, body, nil
		}
		rawURL = next.String()
	}
	return nil, nil, errors.New("logtotest: browser: too many redirects")
}

// API sends a JSON call to the Experience API and decodes a JSON answer into out (if not nil).
// It returns the status and the raw body.
func (b *Browser) API(ctx context.Context, method, path string, in, out any) (int, []byte, error) {
	var body io.Reader
	if in != nil {
		j, err := json.Marshal(in)
		if err != nil {
			return 0, nil, fmt.Errorf("logtotest: browser: %w", err)
		}
		body = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.s.URL+path, body)
	if err != nil {
		return 0, nil, fmt.Errorf("logtotest: browser: %w", err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Origin", b.s.URL)
	resp, err := b.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("logtotest: browser: %w", err)
	}
	if out != nil && len(raw) > 0 && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, raw, fmt.Errorf("logtotest: browser: decode %s: %w", path, err)
		}
	}
	return resp.StatusCode, raw, nil
}

// SignInByPhone does what a person does on the stand-in's sign-in page, over plain HTTP as in
// the recorded run (fixtures 285-297): it opens authURL (the client's authorization URL), sends
// the code to phoneDigits (digits only, country code first), reads the code the stand-in sent,
// verifies it, creates the account when the phone is new (the "Create a new one?" modal), submits,
// and follows the redirects until they leave the stand-in. It returns that last Location: the
// client's callback with code, state and iss (or an OAuth error). With a live session (the same
// Browser signed in before) no code is sent, as in fixtures 310-312. The tenant needs an SMS
// connector, and its Twilio sends must succeed (WithTwilioBaseURL).
func (b *Browser) SignInByPhone(ctx context.Context, authURL, phoneDigits string) (string, error) {
	resp, _, err := b.Get(ctx, authURL) //nolint:bodyclose // Get has read and closed the body
	if err != nil {
		return "", err
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return resp.Header.Get("Location"), nil // SSO: straight back to the client
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("logtotest: sign in: authorization request answered %d", resp.StatusCode)
	}
	event := "SignIn"
	if resp.Request != nil && strings.HasPrefix(resp.Request.URL.Path, "/register") {
		event = "Register"
	}
	step := func(method, path string, in, out any, want ...int) error {
		status, raw, err := b.API(ctx, method, path, in, out)
		if err != nil {
			return err
		}
		for _, w := range want {
			if status == w {
				return nil
			}
		}
		return fmt.Errorf("logtotest: sign in: %s %s answered %d: %s", method, path, status, raw)
	}
	if err := step(http.MethodPut, "/api/experience", map[string]string{"interactionEvent": event}, nil, http.StatusNoContent); err != nil {
		return "", err
	}
	identifier := map[string]string{"type": "phone", "value": phoneDigits}
	var sent struct {
		VerificationID string `json:"verificationId"`
	}
	if err := step(http.MethodPost, "/api/experience/verification/verification-code",
		map[string]any{"interactionEvent": event, "identifier": identifier}, &sent, http.StatusOK); err != nil {
		return "", err
	}
	sms, ok := b.s.LastSMS(phoneDigits)
	if !ok {
		return "", errors.New("logtotest: sign in: no code was sent")
	}
	if err := step(http.MethodPost, "/api/experience/verification/verification-code/verify",
		map[string]any{"verificationId": sent.VerificationID, "identifier": identifier, "code": sms.Code}, nil, http.StatusOK); err != nil {
		return "", err
	}
	ident := map[string]string{"verificationId": sent.VerificationID}
	status, raw, err := b.API(ctx, http.MethodPost, "/api/experience/identification", ident, nil)
	if err != nil {
		return "", err
	}
	switch {
	case status == http.StatusNoContent || status == http.StatusCreated:
	case status == http.StatusNotFound && bytes.Contains(raw, []byte("user.user_not_exist")):
		if err := step(http.MethodPut, "/api/experience/interaction-event", map[string]string{"interactionEvent": "Register"}, nil, http.StatusNoContent); err != nil {
			return "", err
		}
		if err := step(http.MethodPost, "/api/experience/identification", ident, nil, http.StatusCreated); err != nil {
			return "", err
		}
	default:
		return "", fmt.Errorf("logtotest: sign in: identification answered %d: %s", status, raw)
	}
	var submitted struct {
		RedirectTo string `json:"redirectTo"`
	}
	if err := step(http.MethodPost, "/api/experience/submit", nil, &submitted, http.StatusOK); err != nil {
		return "", err
	}
	resp, _, err = b.Get(ctx, submitted.RedirectTo) //nolint:bodyclose // Get has read and closed the body
	if err != nil {
		return "", err
	}
	if resp.StatusCode < 300 || resp.StatusCode >= 400 {
		return "", fmt.Errorf("logtotest: sign in: expected a redirect to the client, got %d", resp.StatusCode)
	}
	return resp.Header.Get("Location"), nil
}
