package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
)

// httpClient is a browser without a browser: a cookie jar, redirects followed by hand, and
// "localhost" dialled as 127.0.0.1 (the demo's registered URIs say localhost).
type httpClient struct {
	t     *testing.T
	c     *http.Client
	logto *logtotest.Browser // Logto's cookies hold raw JSON, which net/http/cookiejar drops
	host  string             // the stand-in's host:port
}

func newHTTPClient(t *testing.T, lg *logtotest.Server) *httpClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	d := &net.Dialer{}
	return &httpClient{t: t, logto: lg.NewBrowser(), host: mustParse(t, lg.URL).Host, c: &http.Client{
		Jar: jar,
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if host == "localhost" {
				host = "127.0.0.1"
			}
			return d.DialContext(ctx, network, net.JoinHostPort(host, port))
		}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}}
}

type reply struct {
	status   int
	location string
	body     string
}

func (h *httpClient) do(method, u string, body any, form url.Values) reply {
	h.t.Helper()
	var rd io.Reader
	ct := ""
	switch {
	case body != nil:
		b, err := json.Marshal(body)
		if err != nil {
			h.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(b), "application/json"
	case form != nil:
		rd, ct = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequestWithContext(h.t.Context(), method, u, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	do := h.c.Do
	if req.URL.Host == h.host {
		do = h.logto.Do
	}
	resp, err := do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	loc := ""
	if l := resp.Header.Get("Location"); l != "" {
		ref, err := resp.Request.URL.Parse(l)
		if err != nil {
			h.t.Fatal(err)
		}
		loc = ref.String()
	}
	return reply{status: resp.StatusCode, location: loc, body: string(b)}
}

// follow GETs u and follows redirects until a response is not a redirect or stop(url) is true;
// it returns the last URL and its reply (the reply of the stop URL is not fetched).
func (h *httpClient) follow(u string, stop func(*url.URL) bool) (string, reply) {
	h.t.Helper()
	for range 10 {
		pu, err := url.Parse(u)
		if err != nil {
			h.t.Fatal(err)
		}
		if stop != nil && stop(pu) {
			return u, reply{}
		}
		r := h.do(http.MethodGet, u, nil, nil)
		if r.location == "" {
			return u, r
		}
		u = r.location
	}
	h.t.Fatalf("too many redirects, last %s", u)
	return "", reply{}
}

var xsrfField = regexp.MustCompile(`name="xsrf" value="([^"]+)"`)

// TestDemoAgainstStandInHTTP signs in through the demo and the Logto stand-in's Experience API
// with plain HTTP (as Logto's own page would, fixtures 285–306), then signs in again on the live
// Logto session without any page (fixtures 310–313), then signs out through Logto's end-session
// confirm. It needs no browser, so it runs everywhere.
func TestDemoAgainstStandInHTTP(t *testing.T) {
	tn := newTenant(t)
	srv, base := demoOnStandIn(t, tn, "")
	h := newHTTPClient(t, tn.logto)
	lg := tn.logto.URL

	// 1–3. Sign-in page, Experience API, Logto's redirect chain to the demo's callback.
	cb := signInHTTP(t, h, tn, base)
	r := h.do(http.MethodGet, cb, nil, nil)
	if r.status != http.StatusFound || r.location != base+"/" {
		t.Fatalf("callback: %d → %q, body %s", r.status, r.location, r.body)
	}
	home := h.do(http.MethodGet, base+"/", nil, nil)
	if !strings.Contains(home.body, `id="phone">&#43;12015550199<`) {
		t.Fatalf("the demo home page does not show %s:\n%s", phoneE164, home.body)
	}
	first := reported(t, srv)
	if first.PhoneNumber != phoneE164 {
		t.Errorf("reported %+v", first)
	}

	// 4. Signing in again while Logto's session lives: no page, no SMS, same user.
	at, _ := h.follow(base+"/logto/sign-in", isCallback)
	if !isCallback(mustParse(t, at)) {
		t.Fatalf("second sign-in stopped at %s, want straight back to the callback", at)
	}
	if r := h.do(http.MethodGet, at, nil, nil); r.status != http.StatusFound {
		t.Fatalf("second callback: %d %s", r.status, r.body)
	}
	if second := reported(t, srv); second.Subject != first.Subject {
		t.Errorf("second sign-in is user %q, first was %q", second.Subject, first.Subject)
	}
	if n := len(tn.twilio.Inbox()); n != 1 {
		t.Errorf("%d SMS sent, want 1 (the live session needs no code)", n)
	}

	// 5. Sign-out: the demo forgets the user and sends the browser to Logto's end-session page,
	// whose form confirms and comes back to the demo.
	r = h.do(http.MethodPost, base+"/logto/sign-out", nil, nil)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, lg+"/oidc/session/end?") {
		t.Fatalf("sign-out: %d → %q", r.status, r.location)
	}
	page := h.do(http.MethodGet, r.location, nil, nil)
	m := xsrfField.FindStringSubmatch(page.body)
	if page.status != http.StatusOK || m == nil {
		t.Fatalf("end-session page: %d %s", page.status, page.body)
	}
	r = h.do(http.MethodPost, lg+"/oidc/session/end/confirm", nil, url.Values{"xsrf": {m[1]}, "logout": {"yes"}})
	if r.status != http.StatusSeeOther || r.location != demo.PostLogoutRedirectURI(base) {
		t.Fatalf("end-session confirm: %d → %q, want 303 → %s; body %s", r.status, r.location, base, r.body)
	}
	home = h.do(http.MethodGet, base+"/", nil, nil)
	if !strings.Contains(home.body, `id="sign-in"`) || strings.Contains(home.body, "12015550199") {
		t.Errorf("after sign-out the demo still shows the user")
	}
	// Logto's session is gone too: signing in shows the sign-in page again.
	if at, _ := h.follow(base+"/logto/sign-in", isCallback); !strings.HasPrefix(at, lg+"/sign-in?") {
		t.Errorf("after sign-out, sign-in went to %s, want Logto's sign-in page", at)
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// reported returns the sign-in the demo reported; the callback sends it before it answers.
func reported(t *testing.T, srv *demo.Server) demo.SignIn {
	t.Helper()
	select {
	case si := <-srv.SignIns():
		return si
	default:
		t.Fatal("the demo reported no sign-in")
		return demo.SignIn{}
	}
}

func isCallback(u *url.URL) bool { return u.Path == "/logto/sign-in-callback" }

// demoOnStandIn starts the demo for a new Traditional app of the stand-in and registers the
// demo's URIs as the wizard does. A non-empty secret replaces the app's real secret.
func demoOnStandIn(t *testing.T, tn *tenant, secret string) (*demo.Server, string) {
	t.Helper()
	appID, appSecret := tn.logto.AddTraditionalApp("HTTP demo", nil, nil)
	if secret == "" {
		secret = appSecret
	}
	srv, err := demo.New(demo.Config{Endpoint: tn.logto.URL, AppID: appID, AppSecret: secret, HTTPClient: tn.logto.Client()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	u, err := srv.Start(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSuffix(u, "/")
	if _, err := tn.mgmt.SetApplicationURIs(t.Context(), appID,
		[]string{demo.RedirectURI(base)}, []string{demo.PostLogoutRedirectURI(base)}); err != nil {
		t.Fatal(err)
	}
	return srv, base
}

// signInHTTP starts a sign-in at the demo, goes through the stand-in's sign-in page the way its
// JavaScript does (new user on the sign-in page, as in run r1), and returns the demo callback
// URL Logto's redirect chain ends at (not fetched).
func signInHTTP(t *testing.T, h *httpClient, tn *tenant, base string) string {
	t.Helper()
	lg := tn.logto.URL
	at, r := h.follow(base+"/logto/sign-in", isCallback)
	if !strings.HasPrefix(at, lg+"/sign-in?") || r.status != http.StatusOK {
		t.Fatalf("sign-in page: at %s, status %d", at, r.status)
	}
	ident := map[string]string{"type": "phone", "value": phoneDigits}
	expect := func(r reply, status int, what string) reply {
		t.Helper()
		if r.status != status {
			t.Fatalf("%s: status %d, want %d; body %s", what, r.status, status, r.body)
		}
		return r
	}
	expect(h.do(http.MethodPut, lg+"/api/experience", map[string]string{"interactionEvent": "SignIn"}, nil), 204, "PUT /api/experience")
	r = expect(h.do(http.MethodPost, lg+"/api/experience/verification/verification-code",
		map[string]any{"interactionEvent": "SignIn", "identifier": ident}, nil), 200, "send code")
	var v struct{ VerificationID string }
	if err := json.Unmarshal([]byte(r.body), &v); err != nil || v.VerificationID == "" {
		t.Fatalf("send code: %q (%v)", r.body, err)
	}
	msg, err := tn.twilio.WaitMessage(t.Context(), phoneE164)
	if err != nil {
		t.Fatal(err)
	}
	code := sixDigits.FindString(msg.Body)
	expect(h.do(http.MethodPost, lg+"/api/experience/verification/verification-code/verify",
		map[string]any{"verificationId": v.VerificationID, "identifier": ident, "code": code}, nil), 200, "verify code")
	r = h.do(http.MethodPost, lg+"/api/experience/identification", map[string]string{"verificationId": v.VerificationID}, nil)
	if r.status == http.StatusNotFound { // a new phone: Logto's page asks, then registers
		expect(h.do(http.MethodPut, lg+"/api/experience/interaction-event", map[string]string{"interactionEvent": "Register"}, nil), 204, "switch to Register")
		r = h.do(http.MethodPost, lg+"/api/experience/identification", map[string]string{"verificationId": v.VerificationID}, nil)
	}
	if r.status != http.StatusNoContent && r.status != http.StatusCreated {
		t.Fatalf("identification: %d %s", r.status, r.body)
	}
	r = expect(h.do(http.MethodPost, lg+"/api/experience/submit", nil, nil), 200, "submit")
	var sub struct{ RedirectTo string }
	if err := json.Unmarshal([]byte(r.body), &sub); err != nil || sub.RedirectTo == "" {
		t.Fatalf("submit: %q (%v)", r.body, err)
	}
	cb, _ := h.follow(sub.RedirectTo, isCallback)
	if !strings.HasPrefix(cb, base+"/logto/sign-in-callback?") {
		t.Fatalf("the chain ended at %s, want the demo's callback", cb)
	}
	return cb
}

// TestDemoRejectsAgainstStandIn checks the demo's error pages against the stand-in's real
// error answers (Logto's invalid_client 401, fixture 224) and a tampered callback.
func TestDemoRejectsAgainstStandIn(t *testing.T) {
	tests := []struct {
		name     string
		secret   string
		edit     func(q url.Values)
		status   int
		wantText []string
	}{
		{
			name: "wrong app secret", secret: "not-the-app-secret", status: http.StatusBadGateway,
			wantText: []string{"Logto did not accept the sign-in code", "invalid_client", "App secret"},
		},
		{
			name: "tampered state", edit: func(q url.Values) { q.Set("state", "tampered") }, status: http.StatusBadRequest,
			wantText: []string{"State mismatch"},
		},
		{
			name: "iss of another Logto", edit: func(q url.Values) { q.Set("iss", "http://localhost:3001/oidc") }, status: http.StatusBadRequest,
			wantText: []string{"Wrong issuer", "http://localhost:3001/oidc"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tn := newTenant(t)
			srv, base := demoOnStandIn(t, tn, tc.secret)
			h := newHTTPClient(t, tn.logto)
			cb := mustParse(t, signInHTTP(t, h, tn, base))
			if tc.edit != nil {
				q := cb.Query()
				tc.edit(q)
				cb.RawQuery = q.Encode()
			}
			r := h.do(http.MethodGet, cb.String(), nil, nil)
			if r.status != tc.status {
				t.Errorf("callback: status %d, want %d", r.status, tc.status)
			}
			for _, w := range tc.wantText {
				if !strings.Contains(r.body, w) {
					t.Errorf("the error page lacks %q:\n%s", w, r.body)
				}
			}
			if tc.secret != "" && strings.Contains(r.body, tc.secret) {
				t.Error("the page shows the secret")
			}
			select {
			case si := <-srv.SignIns():
				t.Errorf("a rejected sign-in was reported: %+v", si)
			default:
			}
		})
	}
}
