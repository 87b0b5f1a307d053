package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// loopbackClient keeps cookies, does not follow redirects, and dials "localhost" as 127.0.0.1.
func loopbackClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	d := &net.Dialer{}
	return &http.Client{
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
	}
}

func startDemo(t *testing.T, f *fakeIssuer, edit func(*Config)) (*Server, string) {
	t.Helper()
	cfg := Config{Endpoint: f.srv.URL, AppID: f.appID, AppSecret: f.secret, HTTPClient: f.srv.Client()}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	u, err := s.Start(t.Context(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return s, strings.TrimSuffix(u, "/")
}

type page struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, c *http.Client, method, u string) page {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// startSignIn runs /logto/sign-in and the fake /oidc/auth and returns the callback URL the
// provider sends the browser to, plus the authorization request's parameters.
func startSignIn(t *testing.T, c *http.Client, base string) (*url.URL, url.Values) {
	t.Helper()
	p := get(t, c, http.MethodGet, base+"/logto/sign-in")
	if p.status != http.StatusFound {
		t.Fatalf("sign-in: status %d, want 302", p.status)
	}
	authURL, err := url.Parse(p.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	p = get(t, c, http.MethodGet, authURL.String())
	if p.status != http.StatusSeeOther {
		t.Fatalf("auth: status %d (%s)", p.status, p.body)
	}
	cb, err := url.Parse(p.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return cb, authURL.Query()
}

// checkSessionCookies checks that h sets at least one cookie, each HttpOnly, SameSite=Lax, not
// Secure (the demo serves plain HTTP, where some browsers drop a Secure cookie) and
// containing want.
func checkSessionCookies(t *testing.T, what string, h http.Header, want string) {
	t.Helper()
	cookies := h.Values("Set-Cookie")
	if len(cookies) == 0 {
		t.Errorf("%s sets no cookie", what)
	}
	for _, sc := range cookies {
		if !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") || strings.Contains(sc, "Secure") || !strings.Contains(sc, want) {
			t.Errorf("%s cookie %q: want HttpOnly, SameSite=Lax, not Secure, and %q", what, sc, want)
		}
	}
}

func TestSignInFlow(t *testing.T) {
	t.Parallel()
	f := newFakeIssuer(t)
	f.claims = func(c map[string]any) { c["name"] = `<script>alert("x")</script>` }
	s, base := startDemo(t, f, nil)
	c := loopbackClient(t)

	home := get(t, c, http.MethodGet, base+"/")
	if home.status != http.StatusOK || !strings.Contains(home.body, `action="/logto/sign-in"`) {
		t.Fatalf("signed-out home: %d %s", home.status, home.body)
	}

	cb, q := startSignIn(t, c, base)
	want := map[string]string{
		"client_id":             f.appID,
		"redirect_uri":          base + "/logto/sign-in-callback",
		"response_type":         "code",
		"scope":                 "openid offline_access profile phone",
		"code_challenge_method": "S256",
		"prompt":                "consent",
	}
	for k, v := range want {
		if got := q.Get(k); got != v {
			t.Errorf("auth request %s = %q, want %q", k, got, v)
		}
	}
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if len(q.Get(k)) < 20 {
			t.Errorf("auth request %s = %q, want a long random value", k, q.Get(k))
		}
	}
	if cb.Path != "/logto/sign-in-callback" {
		t.Fatalf("callback path %q", cb.Path)
	}

	p := get(t, c, http.MethodGet, cb.String())
	if p.status != http.StatusFound || p.header.Get("Location") != base+"/" {
		t.Fatalf("callback: %d Location %q, body %s", p.status, p.header.Get("Location"), p.body)
	}
	checkSessionCookies(t, "callback", p.header, "")

	select {
	case si := <-s.SignIns():
		if si.PhoneNumber != "+12015550199" || si.Subject != "8lny5fw97pfx" {
			t.Errorf("SignIn = %+v", si)
		}
		if si.Claims["phone_number"] != "12015550199" {
			t.Errorf("claims phone_number = %v", si.Claims["phone_number"])
		}
	default:
		t.Fatal("no SignIn reported")
	}

	home = get(t, c, http.MethodGet, base+"/")
	for _, w := range []string{
		`id="phone">&#43;12015550199<`, `id="sub">8lny5fw97pfx<`, "phone_number_verified", `id="sign-out"`,
		`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`,
	} {
		if !strings.Contains(home.body, w) {
			t.Errorf("signed-in home lacks %q", w)
		}
	}
	if strings.Contains(home.body, `<script>alert`) {
		t.Error("a claim was not escaped")
	}
	if strings.Contains(home.body, f.secret) {
		t.Error("the app secret is on the page")
	}

	select {
	case <-s.SignOuts():
		t.Fatal("a sign-out was reported before any")
	default:
	}
	// Sign out: to Logto's end-session endpoint, and the local session is gone.
	out := get(t, c, http.MethodPost, base+"/logto/sign-out")
	if out.status != http.StatusSeeOther {
		t.Fatalf("sign-out status %d", out.status)
	}
	loc, err := url.Parse(out.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != f.issuer+"/session/end" {
		t.Errorf("sign-out goes to %q", got)
	}
	if loc.Query().Get("client_id") != f.appID || loc.Query().Get("post_logout_redirect_uri") != base {
		t.Errorf("sign-out query %v", loc.Query())
	}
	checkSessionCookies(t, "sign-out", out.header, "Max-Age=0")
	select {
	case <-s.SignOuts():
		t.Fatal("the sign-out was reported before Logto sent the browser back")
	default:
	}
	// Logto's post sign-out redirect: the home page, signed out. Only now is
	// the sign-out complete (a command waiting on it may stop the demo).
	home = get(t, c, http.MethodGet, base+"/")
	if !strings.Contains(home.body, `id="sign-in"`) || strings.Contains(home.body, "12015550199") {
		t.Errorf("after sign-out the home page still shows the user")
	}
	select {
	case <-s.SignOuts():
	default:
		t.Fatal("no sign-out reported after the post sign-out redirect")
	}
	get(t, c, http.MethodGet, base+"/")
	select {
	case <-s.SignOuts():
		t.Fatal("a home page with no sign-out before it was reported as a sign-out")
	default:
	}
}

func TestCallbackRejections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		claims    func(map[string]any)
		token     func(t *testing.T) func(string) string
		secret    string
		editCB    func(q url.Values)
		freshJar  bool
		status    int
		wantTitle string
		wantText  string
	}{
		{
			name: "state mismatch", editCB: func(q url.Values) { q.Set("state", "forged-state-value") },
			status: 400, wantTitle: "State mismatch", wantText: "does not match the sign-in this browser started",
		},
		{name: "no session", freshJar: true, status: 400, wantTitle: "No sign-in in progress"},
		{
			name: "error from Logto", editCB: func(q url.Values) { q.Del("code"); q.Set("error", "access_denied"); q.Set("error_description", "nope") },
			status: 400, wantTitle: "Logto refused the sign-in", wantText: "access_denied",
		},
		{
			name: "wrong iss parameter", editCB: func(q url.Values) { q.Set("iss", "http://127.0.0.1:1/oidc") },
			status: 400, wantTitle: "Wrong issuer", wantText: "http://127.0.0.1:1/oidc",
		},
		{
			name: "nonce mismatch", claims: func(c map[string]any) { c["nonce"] = "another-nonce" },
			status: 400, wantTitle: "Nonce mismatch",
		},
		{
			name: "wrong issuer in token", claims: func(c map[string]any) { c["iss"] = "http://localhost:3001/oidc" },
			status: 400, wantTitle: "Wrong issuer", wantText: "http://localhost:3001/oidc",
		},
		{
			name: "wrong audience", claims: func(c map[string]any) { c["aud"] = "another-app" },
			status: 400, wantTitle: "Wrong audience", wantText: "another-app",
		},
		{name: "expired", claims: func(c map[string]any) {
			c["iat"] = time.Now().Add(-2 * time.Hour).Unix()
			c["exp"] = time.Now().Add(-time.Hour).Unix()
		}, status: 400, wantTitle: "Expired ID token", wantText: "clock"},
		{name: "tampered", token: tamperPhone, status: 400, wantTitle: "Invalid ID token signature"},
		{
			name: "wrong at_hash", claims: func(c map[string]any) { c["at_hash"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
			status: 400, wantTitle: "Access token does not match",
		},
		{name: "wrong app secret", secret: "wrong-secret", status: 502, wantTitle: "Logto did not accept the sign-in code", wantText: "the app secret is wrong"},
		{
			name: "no code", editCB: func(q url.Values) { q.Del("code") },
			status: 400, wantTitle: "No authorization code",
		},
		{
			name: "no ID token", token: func(*testing.T) func(string) string { return func(string) string { return "" } },
			status: 502, wantTitle: "No ID token",
		},
		{
			name: "code refused", editCB: func(q url.Values) { q.Set("code", "unknown-code") },
			status: 502, wantTitle: "Logto did not accept the sign-in code", wantText: "it expired, was already used",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeIssuer(t)
			f.claims = tc.claims
			if tc.token != nil {
				f.token = tc.token(t)
			}
			s, base := startDemo(t, f, func(c *Config) {
				if tc.secret != "" {
					c.AppSecret = tc.secret
				}
			})
			c := loopbackClient(t)
			cb, _ := startSignIn(t, c, base)
			if tc.editCB != nil {
				q := cb.Query()
				tc.editCB(q)
				cb.RawQuery = q.Encode()
			}
			if tc.freshJar {
				c = loopbackClient(t)
			}
			p := get(t, c, http.MethodGet, cb.String())
			if p.status != tc.status {
				t.Errorf("status %d, want %d; body %s", p.status, tc.status, p.body)
			}
			if !strings.Contains(p.body, "<h1>"+tc.wantTitle) {
				t.Errorf("page lacks title %q:\n%s", tc.wantTitle, p.body)
			}
			if !strings.Contains(p.body, tc.wantText) {
				t.Errorf("page lacks %q:\n%s", tc.wantText, p.body)
			}
			if !strings.Contains(p.body, `id="next"`) {
				t.Errorf("page says nothing about what to do:\n%s", p.body)
			}
			for _, secret := range []string{f.secret, tc.secret} {
				if secret != "" && strings.Contains(p.body, secret) {
					t.Errorf("the app secret %q is on the page", secret)
				}
			}
			select {
			case si := <-s.SignIns():
				t.Errorf("a rejected sign-in was reported: %+v", si)
			default:
			}
			home := get(t, c, http.MethodGet, base+"/")
			if strings.Contains(home.body, `id="signed-in"`) {
				t.Error("signed in after a rejected callback")
			}
		})
	}
}

func TestStartErrors(t *testing.T) {
	t.Parallel()
	t.Run("busy port", func(t *testing.T) {
		t.Parallel()
		f := newFakeIssuer(t)
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		_, port, _ := net.SplitHostPort(l.Addr().String())
		s, err := New(Config{Endpoint: f.srv.URL, AppID: f.appID, AppSecret: f.secret, BaseURL: "http://localhost:" + port})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		_, err = s.Start(t.Context(), "")
		if err == nil {
			t.Fatal("Start on a busy port succeeded")
		}
		if !strings.Contains(err.Error(), "port "+port) || !errors.Is(err, syscall.EADDRINUSE) {
			t.Errorf("error %q does not name port %s (or is not EADDRINUSE)", err, port)
		}
		var busy *PortInUseError
		if !errors.As(err, &busy) || strconv.Itoa(busy.Port) != port {
			t.Errorf("error %#v is not a *PortInUseError for port %s", err, port)
		} else if what, _ := busy.Explain(); !strings.HasPrefix(what, "port "+port+" is already in use") {
			t.Errorf("Explain() = %q", what)
		}
	})
	t.Run("port needs root", func(t *testing.T) {
		// As root (CI) a bind to port 80 works: the refusal a user gets is
		// built, as net.ListenConfig returns it.
		t.Parallel()
		f := newFakeIssuer(t)
		s, err := New(Config{Endpoint: f.srv.URL, AppID: f.appID, AppSecret: f.secret, BaseURL: "http://localhost:80"})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var asked string
		s.listen = func(_ context.Context, _, addr string) (net.Listener, error) {
			asked = addr
			return nil, &net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", syscall.EACCES)}
		}
		_, err = s.Start(t.Context(), "")
		var denied *PortPermissionError
		if !errors.As(err, &denied) || denied.Port != 80 || !errors.Is(err, syscall.EACCES) {
			t.Fatalf("Start: %#v, want a *PortPermissionError for port 80", err)
		}
		if asked != "127.0.0.1:80" {
			t.Errorf("listened on %q", asked)
		}
		what, next := denied.Explain()
		if what != "port 80 needs root: only root may listen on ports below 1024" || next != "Choose a port above 1024 with --port (for example --port 3000)." {
			t.Errorf("Explain() = %q, %q", what, next)
		}
		if !strings.Contains(err.Error(), "port 80 needs root") || !strings.Contains(err.Error(), "--port") {
			t.Errorf("Error() = %q", err)
		}
	})
	t.Run("issuer mismatch", func(t *testing.T) {
		t.Parallel()
		f := newFakeIssuer(t)
		f.discoveredIssuer = "http://localhost:3001/oidc"
		s, err := New(Config{Endpoint: f.srv.URL, AppID: f.appID, AppSecret: f.secret})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		_, err = s.Start(t.Context(), "127.0.0.1:0")
		var mm *IssuerMismatchError
		if !errors.As(err, &mm) {
			t.Fatalf("error %v, want *IssuerMismatchError", err)
		}
		if mm.Configured != f.issuer || mm.Discovered != "http://localhost:3001/oidc" {
			t.Errorf("mismatch %+v", mm)
		}
		for _, w := range []string{f.issuer, "http://localhost:3001/oidc", "ENDPOINT=" + f.srv.URL, `"http://localhost:3001"`} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
	})
	for _, tc := range []struct{ base, port string }{
		{"http://localhost:1", "1"},
		{"http://localhost", "80"},
		{"https://localhost", "443"},
		{"http://127.0.0.1:2/", "2"},
	} {
		t.Run("base URL port differs/"+tc.base, func(t *testing.T) {
			t.Parallel()
			f := newFakeIssuer(t)
			s, err := New(Config{Endpoint: f.srv.URL, AppID: f.appID, AppSecret: f.secret, BaseURL: tc.base})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Start(t.Context(), "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "port "+tc.port+",") {
				t.Errorf("Start = %v, want a port mismatch error naming port %s", err, tc.port)
			}
		})
	}
	t.Run("not loopback", func(t *testing.T) {
		t.Parallel()
		f := newFakeIssuer(t)
		s, err := New(Config{Endpoint: f.srv.URL, AppID: f.appID, AppSecret: f.secret})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Start(t.Context(), "0.0.0.0:0"); err == nil || !strings.Contains(err.Error(), "127.0.0.1 only") {
			t.Errorf("Start(0.0.0.0:0) = %v, want a loopback-only error", err)
		}
	})
	t.Run("discovery unreachable", func(t *testing.T) {
		t.Parallel()
		f := newFakeIssuer(t)
		f.srv.Close()
		s, err := New(Config{Endpoint: f.srv.URL, AppID: f.appID, AppSecret: f.secret})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Start(t.Context(), "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "openid-configuration") {
			t.Errorf("Start = %v, want an error naming the discovery URL", err)
		}
	})
}

func TestStartWithoutAddressOrBaseURL(t *testing.T) {
	t.Parallel()
	f := newFakeIssuer(t)
	s, err := New(Config{Endpoint: f.srv.URL, AppID: f.appID, AppSecret: f.secret, HTTPClient: f.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	u, err := s.Start(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	port := strings.TrimSuffix(strings.TrimPrefix(u, "http://localhost:"), "/")
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || !strings.HasSuffix(u, "/") {
		t.Fatalf("Start = %q, want http://localhost:<a free port>/", u)
	}
	if p := get(t, loopbackClient(t), http.MethodGet, u); p.status != http.StatusOK {
		t.Errorf("GET %s: %d", u, p.status)
	}
}

func TestStartIsIdempotentAndCloseStops(t *testing.T) {
	t.Parallel()
	f := newFakeIssuer(t)
	s, base := startDemo(t, f, nil)
	again, err := s.Start(t.Context(), "127.0.0.1:0")
	if err != nil || again != base+"/" {
		t.Fatalf("second Start = %q, %v; want %q", again, err, base+"/")
	}
	c := loopbackClient(t)
	if p := get(t, c, http.MethodGet, base+"/logto/unknown"); p.status != http.StatusNotFound {
		t.Errorf("/logto/unknown: %d, want 404", p.status)
	}
	for route, first := range map[string]string{"/logto/sign-in": "", "/logto/sign-up": "register"} {
		p := get(t, c, http.MethodGet, base+route)
		loc, err := url.Parse(p.header.Get("Location"))
		if err != nil || p.status != http.StatusFound || loc.Query().Get("first_screen") != first {
			t.Errorf("%s: %d → %q, want first_screen %q", route, p.status, p.header.Get("Location"), first)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/", nil)
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
		t.Error("the server still answers after Close")
	}
	if _, err := s.Start(t.Context(), ""); err == nil {
		t.Error("Start after Close succeeded")
	}
}

func TestSignInsNeverBlock(t *testing.T) {
	t.Parallel()
	f := newFakeIssuer(t)
	s, base := startDemo(t, f, nil)
	n := cap(s.signIns) + 3
	for i := range n {
		c := loopbackClient(t)
		cb, _ := startSignIn(t, c, base)
		if p := get(t, c, http.MethodGet, cb.String()); p.status != http.StatusFound {
			t.Fatalf("sign-in %d: status %d", i, p.status)
		}
		get(t, c, http.MethodGet, base+"/") // the browser lands on the home page
	}
	if got := len(s.SignIns()); got != cap(s.signIns) {
		t.Errorf("%d sign-ins buffered, want %d", got, cap(s.signIns))
	}
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	ok := Config{Endpoint: "http://localhost:3001", AppID: "app", AppSecret: "secret"}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no endpoint", func(c *Config) { c.Endpoint = "" }, "endpoint"},
		{"ftp endpoint", func(c *Config) { c.Endpoint = "ftp://x" }, "endpoint"},
		{"no app id", func(c *Config) { c.AppID = " " }, "app ID"},
		{"no secret", func(c *Config) { c.AppSecret = "" }, "secret"},
		{"bad base", func(c *Config) { c.BaseURL = "localhost:3000" }, "base URL"},
		{"endpoint with a query", func(c *Config) { c.Endpoint = "http://localhost:3001/?tenant=x" }, "query or fragment"},
		{"base URL with a fragment", func(c *Config) { c.BaseURL = "http://localhost:3000/#top" }, "query or fragment"},
		{"credentials in the endpoint", func(c *Config) { c.Endpoint = "http://admin:hunter22@localhost:3001" }, "user name or password"},
		{"credentials and a bad scheme", func(c *Config) { c.Endpoint = "htp://admin:hunter22@localhost:3001" }, "user name or password"},
		{"credentials in the base URL", func(c *Config) { c.BaseURL = "http://admin:hunter22@localhost:3000" }, "user name or password"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := ok
			tc.edit(&cfg)
			_, err := New(cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, want an error about %s", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "hunter22") {
				t.Errorf("error %q repeats the password", err)
			}
		})
	}
	if _, err := New(ok); err != nil {
		t.Errorf("New(valid) = %v", err)
	}
}

func TestURIs(t *testing.T) {
	t.Parallel()
	tests := []struct{ base, redirect, postLogout string }{
		{"http://localhost:3000", "http://localhost:3000/logto/sign-in-callback", "http://localhost:3000"},
		{"http://localhost:3000/", "http://localhost:3000/logto/sign-in-callback", "http://localhost:3000"},
	}
	for _, tc := range tests {
		t.Run(tc.base, func(t *testing.T) {
			t.Parallel()
			if got := RedirectURI(tc.base); got != tc.redirect {
				t.Errorf("RedirectURI = %q, want %q", got, tc.redirect)
			}
			if got := PostLogoutRedirectURI(tc.base); got != tc.postLogout {
				t.Errorf("PostLogoutRedirectURI = %q, want %q", got, tc.postLogout)
			}
		})
	}
}

func TestE164(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"12015550199": "+12015550199", "+447700900123": "+447700900123", "": ""} {
		if got := e164(in); got != want {
			t.Errorf("e164(%q) = %q, want %q", in, got, want)
		}
	}
}

// The ctx of Start bounds discovery only: keys are fetched later, after it is cancelled.
func TestStartContextOnlyBoundsDiscovery(t *testing.T) {
	t.Parallel()
	f := newFakeIssuer(t)
	s, err := New(Config{Endpoint: f.srv.URL, AppID: f.appID, AppSecret: f.secret, HTTPClient: f.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(t.Context())
	u, err := s.Start(ctx, "127.0.0.1:0")
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	c := loopbackClient(t)
	cb, _ := startSignIn(t, c, strings.TrimSuffix(u, "/"))
	if p := get(t, c, http.MethodGet, cb.String()); p.status != http.StatusFound {
		t.Fatalf("callback after the start ctx ended: %d %s", p.status, p.body)
	}
	get(t, c, http.MethodGet, strings.TrimSuffix(u, "/")+"/") // the browser lands on the home page
}

func TestPrintingNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	const appSecret, sessionSecret = "VerySecretAppSecret123", "VerySecretSessionSecret456"
	f := newFakeIssuer(t)
	s, _ := startDemo(t, f, func(c *Config) { c.AppSecret = appSecret })
	values := map[string]any{
		"Config":        Config{Endpoint: "http://127.0.0.1:3001", AppID: "app", AppSecret: appSecret},
		"ExpressValues": ExpressValues{Endpoint: "http://127.0.0.1:3001", AppID: "app", AppSecret: appSecret, SessionSecret: sessionSecret},
		"Server":        s,
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			for _, p := range []any{v, []any{v}} {
				got := fmt.Sprintf(verb, p)
				if strings.Contains(got, appSecret) || strings.Contains(got, sessionSecret) {
					t.Errorf("%s with %s shows a secret: %s", name, verb, got)
				}
			}
		}
	}
}
