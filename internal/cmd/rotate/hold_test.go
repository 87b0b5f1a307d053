package rotate

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/logto-twilio/logto-twilio/internal/demo"
	"github.com/logto-twilio/logto-twilio/logtoapi"
	"github.com/logto-twilio/logto-twilio/logtoapi/logtotest"
	"github.com/logto-twilio/logto-twilio/steps"
	"github.com/logto-twilio/logto-twilio/tui"
)

// signedInDemo is a real demo server on loopback, signed in through the
// Logto stand-in by phone (over HTTP, as a browser would): what rotate's
// sign-in leaves behind when its steps return.
type signedInDemo struct {
	lg      *logtotest.Server
	logto   *logtotest.Browser // the browser's Logto cookies (its session)
	demoHC  *http.Client       // the browser's demo cookies; no redirect followed
	host    *steps.DemoHost
	baseURL string
}

func newSignedInDemo(t *testing.T) *signedInDemo {
	t.Helper()
	tw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"sid":"SM00000000000000000000000000000001","status":"accepted"}`))
	}))
	t.Cleanup(tw.Close)
	lg := logtotest.NewServer(logtotest.WithTwilioBaseURL(tw.URL), logtotest.WithHTTPClient(tw.Client()))
	t.Cleanup(lg.Close)
	// The facilitator's part: the Twilio connector and phone sign-in.
	m2mID, m2mSecret := lg.AddM2MApp("logto-twilio", true)
	e, err := logtoapi.ParseEndpoint(lg.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := logtoapi.New(e, logtoapi.M2MCredentials{AppID: m2mID, AppSecret: m2mSecret}, lg.Client())
	if err != nil {
		t.Fatal(err)
	}
	tmpl := "Your code is {{code}}."
	if _, err := c.CreateTwilioConnector(t.Context(), logtoapi.TwilioConfig{
		AccountSID: "ACa1b2c3d4e5f60718293a4b5c6d7e8f90", AuthToken: "TwilioAuthTokenZZ9876543210abcdef",
		FromMessagingServiceSID: "MGf0e1d2c3b4a5968778695a4b3c2d1e0f",
		Templates: []logtoapi.SMSTemplate{
			{UsageType: "SignIn", Content: tmpl},
			{UsageType: "Register", Content: tmpl},
			{UsageType: "ForgotPassword", Content: tmpl},
			{UsageType: "Generic", Content: tmpl},
		},
	}, ""); err != nil {
		t.Fatal(err)
	}
	cur, err := c.SignInExperience(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ApplySignInPlan(t.Context(), logtoapi.PlanPhoneSignIn(cur)); err != nil {
		t.Fatal(err)
	}

	// The demo on a free loopback port, its URIs registered as the app step does.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	base := "http://localhost:" + strconv.Itoa(port)
	appID, appSecret := lg.AddTraditionalApp("Bookstore", []string{demo.RedirectURI(base)}, []string{demo.PostLogoutRedirectURI(base)})
	host := &steps.DemoHost{}
	t.Cleanup(func() { _ = host.Close() })
	srv, _, err := host.Serve(func() (steps.Demo, string, error) {
		d, err := demo.New(demo.Config{Endpoint: lg.URL, AppID: appID, AppSecret: appSecret, BaseURL: base, HTTPClient: lg.Client()})
		if err != nil {
			return nil, "", err
		}
		u, err := d.Start(t.Context(), net.JoinHostPort("localhost", strconv.Itoa(port)))
		return d, u, err
	})
	if err != nil {
		t.Fatal(err)
	}

	jar, _ := cookiejar.New(nil)
	d := &signedInDemo{
		lg: lg, logto: lg.NewBrowser(), host: host, baseURL: base,
		demoHC: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
	resp := d.get(t, base+"/logto/sign-in")
	cb, err := d.logto.SignInByPhone(t.Context(), resp.Header.Get("Location"), "15551234567")
	if err != nil {
		t.Fatal(err)
	}
	if resp := d.get(t, cb); resp.StatusCode != http.StatusFound {
		t.Fatalf("the demo's callback answered %d", resp.StatusCode)
	}
	select {
	case <-srv.SignIns():
	default:
		t.Fatal("the demo reported no sign-in")
	}
	return d
}

// get sends a GET to the demo with the browser's demo cookies.
func (d *signedInDemo) get(t *testing.T, u string) *http.Response {
	t.Helper()
	resp, err := d.try(t.Context(), http.MethodGet, u)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func (d *signedInDemo) try(ctx context.Context, method, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := d.demoHC.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp, nil
}

// signOut clicks the signed-in page's Sign out: the demo sends the browser to
// Logto's end-session page, whose form confirms, and Logto sends it back to
// the demo's home page.
func (d *signedInDemo) signOut(t *testing.T) {
	t.Helper()
	resp, err := d.try(t.Context(), http.MethodPost, d.baseURL+"/logto/sign-out")
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the demo's Sign out: %v %v", resp, err)
	}
	_, page, err := d.logto.Get(t.Context(), resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`action="([^"]+)".*name="xsrf" value="([^"]+)"`).FindStringSubmatch(string(page))
	if m == nil {
		t.Fatalf("Logto's end-session page has no form:\n%s", page)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, m[1], strings.NewReader(url.Values{"xsrf": {m[2]}, "logout": {"yes"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	confirm, err := d.logto.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = confirm.Body.Close()
	back := confirm.Header.Get("Location")
	if !strings.HasPrefix(back, d.baseURL) {
		t.Fatalf("Logto sent the browser to %q after the sign-out, not back to the demo", back)
	}
	d.get(t, back)
}

// answers reports whether the demo still serves its home page.
func (d *signedInDemo) answers(t *testing.T) bool {
	t.Helper()
	resp, err := d.try(t.Context(), http.MethodGet, d.baseURL+"/")
	return err == nil && resp.StatusCode == http.StatusOK
}

// TestHoldDemoUntilSignOutOrEnter (issue 23): after rotate's sign-in the demo
// app stays up, so the signed-in page's Sign out works, until a sign-out
// through it completes or Enter is pressed; then rotate stops it. Without a
// terminal it stops at once and says how to sign out later.
func TestHoldDemoUntilSignOutOrEnter(t *testing.T) {
	t.Parallel()
	const again = "logto-twilio rotate --sign-in"
	for _, tc := range []struct {
		name   string
		wait   bool
		finish func(t *testing.T, d *signedInDemo, enter io.WriteCloser)
		want   []string
	}{
		{
			"a sign-out through the demo", true, func(t *testing.T, d *signedInDemo, _ io.WriteCloser) { d.signOut(t) },
			[]string{"stays up at http://localhost:", "press Enter to finish", "✓ Signed out through the demo"},
		},
		{
			"Enter", true, func(_ *testing.T, _ *signedInDemo, enter io.WriteCloser) { _, _ = io.WriteString(enter, "\n") },
			[]string{"stays up at http://localhost:", "press Enter to finish", "The demo app stopped."},
		},
		{"no terminal", false, nil, []string{"stops now", "no terminal to press Enter in", again}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newSignedInDemo(t)
			// The browser loads the signed-in page the callback sent it to.
			if !d.answers(t) {
				t.Fatal("the demo does not serve the signed-in page")
			}
			pr, pw := io.Pipe()
			t.Cleanup(func() { _ = pw.Close() })
			var out strings.Builder
			done := make(chan struct{})
			go func() {
				defer close(done)
				holdDemo(t.Context(), &out, 200, tui.NewLineInput(pr), d.host, tc.wait, again)
				_ = d.host.Close() // what signIn's deferred Close does
			}()
			if tc.wait {
				// Signed in, the page shown: the demo answers, and waits.
				if !d.answers(t) {
					t.Fatal("the demo stopped right after the sign-in")
				}
				select {
				case <-done:
					t.Fatalf("holdDemo returned before a sign-out or Enter:\n%s", out.String())
				default:
				}
				tc.finish(t, d, pw)
			}
			<-done
			if d.answers(t) {
				t.Error("the demo still answers after holdDemo returned and it was closed")
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("the output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
